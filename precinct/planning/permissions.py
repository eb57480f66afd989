"""Who may do what with plans: leaders and administrators over a plan's lead unit manage it; the officers and
leaders of a task's lead unit report its progress; an indicator's responsible unit enters its values."""

from django.db.models import Q

from precinct.core.actors import Actor
from precinct.organisation.models import Role, Unit
from precinct.organisation.scoping import has_any_role, reaches
from precinct.planning.models import Indicator, Plan, Task

MANAGE_ROLES = (Role.LEADER, Role.ADMINISTRATOR)
REPORT_ROLES = (Role.OFFICER, Role.DUTY_OFFICER, Role.LEADER)
READ_ROLES = tuple(Role.values)


def can_use_planning(actor: Actor) -> bool:
    return has_any_role(actor, READ_ROLES)


def can_create_plan(actor: Actor, unit: Unit | None = None) -> bool:
    if unit is None:
        return has_any_role(actor, MANAGE_ROLES)
    return reaches(actor, unit, MANAGE_ROLES)


def can_manage_plan(actor: Actor, plan: Plan) -> bool:
    return reaches(actor, plan.lead_unit, MANAGE_ROLES)


def can_update_task(actor: Actor, task: Task) -> bool:
    return reaches(actor, task.lead_unit, REPORT_ROLES)


def can_enter_indicator_value(actor: Actor, indicator: Indicator) -> bool:
    return reaches(actor, indicator.unit, REPORT_ROLES)


def can_log_activity(actor: Actor, plan: Plan, unit: Unit) -> bool:
    """A unit logs its own activities for a plan it takes part in; the plan's managers log any unit's."""
    if can_manage_plan(actor, plan):
        return True
    takes_part = (
        unit.pk == plan.lead_unit_id or plan.tasks.filter(Q(lead_unit=unit) | Q(coordinating_units=unit)).exists()
    )
    return takes_part and reaches(actor, unit, REPORT_ROLES)
