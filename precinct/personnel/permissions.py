"""Who may see and do what with the force's records.

- The personnel department (PX01, and any department named in PRECINCT_PERSONNEL_DEPARTMENTS, e.g. inspection):
  its leaders and officers reach every officer of the province the department belongs to.
- Leaders reach the officers of their unit and everything under it.
- Administrators over a unit read careers there (they keep officers' records), never discipline.
- Discipline goes by role alone (`*_by_role`): being a superuser or an administrator opens nothing.
"""

from django.conf import settings
from django.db.models import Q

from precinct.core.actors import Actor
from precinct.organisation.models import Officer, Role, Unit
from precinct.organisation.scoping import (
    has_role,
    reaches,
    reaches_by_role,
    reaches_everything,
    scope_paths,
    scope_q,
    scope_q_by_role,
)

DEPARTMENT_ROLES = (Role.LEADER, Role.OFFICER)


def department_codes() -> tuple[str, ...]:
    return tuple(getattr(settings, "PRECINCT_PERSONNEL_DEPARTMENTS", ("PX01",)))


def department_paths(actor: Actor) -> list[str]:
    """The provinces whose officers the actor reaches as a member of a personnel department: the parent path of
    each personnel department unit on which the actor holds a role ("22/22-PX01/" → "22/")."""
    codes = department_codes()
    found = []
    for path in scope_paths(actor, DEPARTMENT_ROLES):
        parts = [p for p in path.split("/") if p]
        if len(parts) >= 2 and parts[-1].rsplit("-", 1)[-1] in codes:
            found.append("/".join(parts[:-1]) + "/")
    return found


def is_personnel_department(actor: Actor) -> bool:
    return bool(department_paths(actor))


def _paths_q(paths: list[str], field: str) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def career_q(actor: Actor, field: str) -> Q:
    """Officers' careers: the personnel department, leaders and administrators over them (superusers too)."""
    if reaches_everything(actor):
        return Q()  # (an empty Q would vanish from an OR, not widen it)
    return _paths_q(department_paths(actor), field) | scope_q(actor, field, (Role.LEADER, Role.ADMINISTRATOR))


def discipline_q(actor: Actor, field: str) -> Q:
    """Discipline: the personnel department and leaders over the officer, by role alone."""
    return _paths_q(department_paths(actor), field) | scope_q_by_role(actor, field, (Role.LEADER,))


def _in_department(actor: Actor, unit: Unit) -> bool:
    return any(unit.path.startswith(path) for path in department_paths(actor))


def can_use_personnel(actor: Actor) -> bool:
    return (
        is_personnel_department(actor)
        or has_role(actor, (Role.LEADER, Role.ADMINISTRATOR))
        or (actor is not None and actor.is_authenticated and actor.is_superuser)
    )


def can_view_career(actor: Actor, officer: Officer) -> bool:
    return _in_department(actor, officer.unit) or reaches(actor, officer.unit, (Role.LEADER, Role.ADMINISTRATOR))


def can_edit_career(actor: Actor, officer: Officer) -> bool:
    return _in_department(actor, officer.unit) or reaches(actor, officer.unit, (Role.ADMINISTRATOR,))


def can_view_discipline(actor: Actor, officer: Officer) -> bool:
    return _in_department(actor, officer.unit) or reaches_by_role(actor, officer.unit, (Role.LEADER,))


def can_record_discipline(actor: Actor, officer: Officer) -> bool:
    return _in_department(actor, officer.unit)


def can_run_transfers(actor: Actor, unit: Unit) -> bool:
    """Open rounds, propose transfers, set the criteria: the personnel department of the unit's province."""
    return _in_department(actor, unit)


def can_approve_as_unit_leader(actor: Actor, unit: Unit) -> bool:
    return reaches_by_role(actor, unit, (Role.LEADER,))


def can_approve_as_director(actor: Actor, root: Unit) -> bool:
    """The director (or a deputy): a leader on the province itself."""
    return root.parent_id is None and any(path == root.path for path in scope_paths(actor, (Role.LEADER,)))


def can_view_figures(actor: Actor, unit: Unit) -> bool:
    return _in_department(actor, unit) or reaches(actor, unit, (Role.LEADER, Role.ADMINISTRATOR))


def can_read_some_discipline(actor: Actor) -> bool:
    """Whether the discipline list is for this actor at all (by role: superusers and administrators are not)."""
    return is_personnel_department(actor) or has_role(actor, (Role.LEADER,))


def course_q(actor: Actor) -> Q:
    """Courses: those organised anywhere in a province the actor works in (a province's courses are its officers'
    to attend; who is enrolled is narrowed separately, by career_q)."""
    if reaches_everything(actor):
        return Q()
    paths = department_paths(actor) + scope_paths(actor, (Role.LEADER, Role.ADMINISTRATOR))
    return _paths_q(sorted({path.split("/", 1)[0] + "/" for path in paths}), "unit_path")
