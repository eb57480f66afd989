import datetime

import pytest
from django.utils import timezone

from precinct.planning import services
from precinct.planning.models import TaskKind


@pytest.fixture
def plan(world):
    """A province plan with one task led by ward A (coordinated by the department) and one led by the province."""
    leader = world.user("leader_p")
    today = timezone.localdate()
    plan = services.plan_create(
        actor=leader,
        number="56/KH-UBND",
        title="Kế hoạch Thử nghiệm",
        issuer="UBND tỉnh",
        issued_on=today.replace(month=1, day=1),
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
        lead_unit_code=world.province.code,
    )
    for position, lead, others, due in (
        (1, world.ward_a.code, [world.department.code], today - datetime.timedelta(days=1)),
        (2, world.province.code, [], today + datetime.timedelta(days=100)),
    ):
        services.task_create(
            actor=leader,
            plan=plan,
            data=services.TaskInput(
                position=position,
                content=f"Task {position} of the plan",
                lead_unit_code=lead,
                coordinating_codes=others,
                kind=TaskKind.DUE,
                due_on=due,
                starts_on=None,
            ),
        )
    return plan
