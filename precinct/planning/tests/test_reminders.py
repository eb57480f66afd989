import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from precinct.audit.models import AuditEvent
from precinct.core import schedule
from precinct.notifications.models import Notification
from precinct.planning import selectors, services
from precinct.planning.models import TaskKind, TaskReminder
from precinct.planning.reminders import reminder_sweep
from precinct.planning.status import TaskStatus
from precinct.planning.tasks import reminder_sweep_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def addresses(world):
    for name in ("officer_a", "leader_a", "officer_b", "leader_p", "officer_dept"):
        user = world.user(name)
        user.email = f"{name}@example.test"
        user.save(update_fields=["email"])


def _told(user, kind):
    return list(Notification.objects.filter(recipient=user, key__startswith=f"planning-{kind}:"))


def test_a_task_due_yesterday_shows_late_and_its_leader_is_told_once(world, plan):
    task = plan.tasks.get(position=1)  # led by ward A, due yesterday, no update
    view = selectors.plan_overview(actor=world.user("leader_p"), plan=plan)
    assert next(r.status for r in view.tasks if r.task.pk == task.pk) == TaskStatus.LATE

    first = reminder_sweep()
    assert first.late == 1 and first.messages == 1
    told = _told(world.user("leader_a"), "late")
    assert [n.key for n in told] == [f"planning-late:{task.pk}:{task.due_on}"]
    assert "1" in told[0].subject and plan.number in told[0].subject
    assert f"/planning/tasks/{task.pk}/" in told[0].body
    # The ward's officer and the province leader above it are not the ward's leaders.
    assert _told(world.user("officer_a"), "late") == [] and _told(world.user("leader_p"), "late") == []
    assert AuditEvent.objects.filter(action="planning.reminder_late", target_id=str(task.pk)).count() == 1
    # The site's inbox links the reminder to the task's page.
    from precinct.notifications.selectors import inbox_links, inbox_list

    [message] = inbox_list(actor=world.user("leader_a"))
    link = inbox_links(messages=[message])[message.key]
    assert (link.url, link.label) == (f"/planning/tasks/{task.pk}/", str(task))

    second = reminder_sweep()
    assert (second.late, second.due_soon, second.period_missing, second.messages) == (0, 0, 0, 0)
    assert len(_told(world.user("leader_a"), "late")) == 1
    assert TaskReminder.objects.filter(task=task).count() == 1
    assert AuditEvent.objects.filter(action="planning.reminder_late").count() == 1


def test_a_ward_without_a_leader_escalates_to_the_nearest_leader(world, plan):
    leader_p = world.user("leader_p")
    today = timezone.localdate()
    task = services.task_create(
        actor=leader_p,
        plan=plan,
        data=services.TaskInput(
            3, "Ward B's task", world.ward_b.code, [], TaskKind.DUE, today - datetime.timedelta(days=2), None
        ),
    )
    reminder_sweep()
    assert [n.key for n in _told(leader_p, "late")] == [f"planning-late:{task.pk}:{task.due_on}"]


@override_settings(PLANNING_REMIND_DAYS=5)
def test_the_lead_unit_is_told_before_the_deadline_and_not_when_done(world, plan):
    leader_p = world.user("leader_p")
    today = timezone.localdate()
    soon, later, done = (
        services.task_create(
            actor=leader_p,
            plan=plan,
            data=services.TaskInput(
                n, f"Task {n}", world.ward_b.code, [], TaskKind.DUE, today + datetime.timedelta(days=d), None
            ),
        )
        for n, d in ((3, 5), (4, 6), (5, 2))
    )
    services.task_update_report(actor=world.user("officer_b"), task=done, text="Xong", done_on=today, evidence="BC 1")
    report = reminder_sweep()
    assert report.due_soon == 1
    assert [n.key for n in _told(world.user("officer_b"), "due_soon")] == [f"planning-due_soon:{soon.pk}:{soon.due_on}"]
    assert reminder_sweep().due_soon == 0
    assert not TaskReminder.objects.filter(task__in=[later, done]).exists()


def test_a_missing_period_tells_the_lead_unit_then_its_leaders(world):
    leader_p = world.user("leader_p")
    plan = services.plan_create(
        actor=leader_p,
        number="9/KH-CAT",
        title="Recurring",
        issuer="CAT",
        issued_on=datetime.date(2026, 1, 1),
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        lead_unit_code=world.province.code,
        warn_days=10,
    )
    task = services.task_create(
        actor=leader_p,
        plan=plan,
        data=services.TaskInput(1, "Monthly report", world.ward_a.code, [], TaskKind.MONTHLY, None, None),
    )
    officer, leader = world.user("officer_a"), world.user("leader_a")
    may = datetime.date(2026, 5, 1)
    # 3 June: May is owed, within the grace: the unit is told, its leader not yet.
    assert reminder_sweep(today=datetime.date(2026, 6, 3)).period_missing == 1
    assert [n.key for n in _told(officer, "period_missing")] == [f"planning-period_missing:{task.pk}:{may}"]
    assert _told(leader, "late") == []
    # 20 June: past the grace, May still missing: late, to the leader; the unit is not told twice.
    report = reminder_sweep(today=datetime.date(2026, 6, 20))
    assert (report.period_missing, report.late) == (0, 1)
    assert [n.key for n in _told(leader, "late")] == [f"planning-late:{task.pk}:{may}"]
    assert len(_told(officer, "period_missing")) == 1
    # 3 July: June is owed now: a new period, a new reminder.
    assert reminder_sweep(today=datetime.date(2026, 7, 3)).period_missing == 1
    assert len(_told(officer, "period_missing")) == 2


def test_the_sweep_is_a_scheduled_job(world, plan):
    job = schedule.registry.get("planning.reminders")
    assert job.resolve() is reminder_sweep_task
    assert reminder_sweep_task.call()["late"] == 1
    assert reminder_sweep_task.call()["late"] == 0
