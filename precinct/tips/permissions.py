"""Who may do what with crime reports. As in GlobaLeaks, administrators configure and recipients read:
content, files, messages, notes, status, priority, reassignment, retention and figures are for the
officers, duty officers and leaders whose roles reach the receiving unit, and go by those roles alone.
Being a superuser or holding the administrator role opens nothing; administrators set the retention
policy and manage the units' keys (can_set_policy)."""

from precinct.core.actors import Actor
from precinct.organisation.models import Role
from precinct.organisation.permissions import is_province_administrator
from precinct.organisation.scoping import has_role, reaches_by_role
from precinct.tips.models import Tip

TIP_ROLES = (Role.OFFICER, Role.DUTY_OFFICER, Role.LEADER)


def can_view_tips(actor: Actor) -> bool:
    """The queue and the report pages: recipients only (others are refused before any report is looked up)."""
    return has_role(actor, TIP_ROLES)


def can_handle_tip(actor: Actor, tip: Tip) -> bool:
    """Read the content and files, answer the reporter, add notes, move the status, set the priority."""
    return reaches_by_role(actor, tip.unit, TIP_ROLES)


def can_reassign_tip(actor: Actor, tip: Tip) -> bool:
    return reaches_by_role(actor, tip.unit, (Role.DUTY_OFFICER,))


def can_extend_retention(actor: Actor, tip: Tip) -> bool:
    return reaches_by_role(actor, tip.unit, (Role.LEADER,))


def can_view_figures(actor: Actor) -> bool:
    return has_role(actor, (Role.LEADER,))


def can_set_policy(actor: Actor) -> bool:
    return is_province_administrator(actor)
