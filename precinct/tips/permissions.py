"""Who may do what with crime reports. Content is for the officers, duty officers and leaders whose
roles reach the receiving unit; administrators set the policy and never read reports."""

from typing import Any

from precinct.organisation.models import Role
from precinct.organisation.permissions import is_province_administrator
from precinct.organisation.scoping import has_any_role, reaches
from precinct.tips.models import Tip

TIP_ROLES = (Role.OFFICER, Role.DUTY_OFFICER, Role.LEADER)


def can_view_tips(actor: Any) -> bool:
    return has_any_role(actor, TIP_ROLES)


def can_handle_tip(actor: Any, tip: Tip) -> bool:
    """Read the content, answer the reporter, add notes, move the status, set the priority."""
    return reaches(actor, tip.unit, TIP_ROLES)


def can_reassign_tip(actor: Any, tip: Tip) -> bool:
    return reaches(actor, tip.unit, (Role.DUTY_OFFICER,))


def can_extend_retention(actor: Any, tip: Tip) -> bool:
    return reaches(actor, tip.unit, (Role.LEADER,))


def can_view_figures(actor: Any) -> bool:
    return has_any_role(actor, (Role.LEADER,))


def can_set_policy(actor: Any) -> bool:
    return is_province_administrator(actor)
