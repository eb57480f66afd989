"""can_<verb>_<entity>(actor, obj) -> bool: the single answer the UI and the API both use."""

from precinct.core.actors import Actor
from precinct.organisation.models import Officer, Role, Unit
from precinct.organisation.scoping import has_any_role, reaches, reaches_everything

STAFF_ROLES = (Role.ADMINISTRATOR, Role.LEADER, Role.OFFICER, Role.DUTY_OFFICER)


def can_view_officers(actor: Actor) -> bool:
    return has_any_role(actor, STAFF_ROLES)


def can_view_officer(actor: Actor, officer: Officer) -> bool:
    return reaches(actor, officer.unit, STAFF_ROLES)


def can_manage_unit(actor: Actor, unit: Unit | None) -> bool:
    """Create, edit or move units and officers at or under `unit` (None: a new root)."""
    return reaches(actor, unit, (Role.ADMINISTRATOR,))


def can_manage_officer(actor: Actor, officer: Officer) -> bool:
    return reaches(actor, officer.unit, (Role.ADMINISTRATOR,))


def can_grant_role(actor: Actor, unit: Unit) -> bool:
    return reaches(actor, unit, (Role.ADMINISTRATOR,))


def can_view_audit(actor: Actor) -> bool:
    return has_any_role(actor, (Role.ADMINISTRATOR,))


def is_province_administrator(actor: Actor) -> bool:
    """An administrator of a root unit (the province's configuration: catalogue, report policy), or
    the system itself (actor None) and superusers."""
    if actor is None or reaches_everything(actor):
        return True
    return any(reaches(actor, unit, (Role.ADMINISTRATOR,)) for unit in Unit.objects.filter(parent__isnull=True))
