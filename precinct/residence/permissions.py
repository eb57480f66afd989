"""Who may read and change the register: roles over the ward (a province-level role reaches every ward), and the
province's administrative-management department (PC06, or the codes in RESIDENCE_DEPARTMENTS), whose officers
and leaders read every ward of their province. Exports of personal data need a leader's role over the ward;
approving a correction needs a manager who is not the one who asked."""

from django.conf import settings
from django.db.models import Q

from precinct.core.actors import Actor
from precinct.organisation.models import Role, Unit
from precinct.organisation.scoping import (
    reaches,
    reaches_by_role,
    reaches_everything,
    scope_paths,
    scope_q,
    scope_q_by_role,
)

READERS = (Role.OFFICER, Role.DUTY_OFFICER, Role.LEADER)
FLAG_READERS = (Role.OFFICER, Role.DUTY_OFFICER, Role.LEADER)  # over the stay's ward itself (ADR 0039)
MANAGERS = (Role.OFFICER, Role.LEADER)
EXPORTERS = (Role.LEADER,)
DEPARTMENT_ROLES = (Role.OFFICER, Role.LEADER)


def department_codes() -> tuple[str, ...]:
    return tuple(getattr(settings, "RESIDENCE_DEPARTMENTS", ("PC06",)))


def department_paths(actor: Actor) -> list[str]:
    """The provinces whose whole register the actor reads as a member of the administrative-management
    department: the parent path of each such department unit the actor holds a role on ("22/22-PC06/" → "22/")."""
    codes = department_codes()
    found = []
    for path in scope_paths(actor, DEPARTMENT_ROLES):
        parts = [p for p in path.split("/") if p]
        if len(parts) >= 2 and parts[-1].rsplit("-", 1)[-1] in codes:
            found.append("/".join(parts[:-1]) + "/")
    return found


def read_q(actor: Actor, field: str = "unit_path") -> Q:
    """Rows of the register the actor may read: by role over the ward, or as the department."""
    if reaches_everything(actor):
        return Q()
    condition = scope_q(actor, field, READERS)
    for path in department_paths(actor):
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def can_read_register(actor: Actor, unit: Unit) -> bool:
    return reaches(actor, unit, READERS) or any(unit.path.startswith(p) for p in department_paths(actor))


def can_manage_register(actor: Actor, unit: Unit) -> bool:
    return reaches(actor, unit, MANAGERS)


def can_export_register(actor: Actor, unit: Unit) -> bool:
    """Personal data leaves the system only by a leader over the ward (a superuser is not enough)."""
    return reaches_by_role(actor, unit, EXPORTERS)


def can_manage_establishments(actor: Actor, unit: Unit) -> bool:
    return reaches(actor, unit, (Role.LEADER, Role.ADMINISTRATOR))


def stay_flags_q(actor: Actor, field: str = "unit_path") -> Q:
    """Flags on stays (a guest the incident register looks for) the actor may see: only by a role over the
    stay's ward, the officers who are told. Neither the department's province-wide reading of the register nor
    being a superuser shows them."""
    return scope_q_by_role(actor, field, FLAG_READERS)


def can_manage_rules(actor: Actor) -> bool:
    """The data-quality rules: the province's administrative-management department, or a leader over the
    province (the root unit)."""
    if reaches_everything(actor) or department_paths(actor):
        return True
    from precinct.organisation.selectors import province_root_or_none

    return reaches_by_role(actor, province_root_or_none(), (Role.LEADER,))
