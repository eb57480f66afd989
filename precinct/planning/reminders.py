"""The reminder sweep (the scheduled job `planning.reminders`, or `manage.py planning_remind`): the lead unit
is told PLANNING_REMIND_DAYS before a task's due date and when a recurring task's last period went unreported;
the leaders of the lead unit are told when a task is late. Idempotent like the dossier escalation sweep: a
TaskReminder row (task, kind, period) is inserted in the transaction that queues the messages, and the
messages' keys are unique per recipient, so a second run tells no one again."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from precinct.audit.services import audit_record
from precinct.core.formats import format_date
from precinct.notifications.services import Message, notification_key, notify
from precinct.organisation.models import Role
from precinct.organisation.selectors import role_holders_nearest
from precinct.planning.models import RECURRING_KINDS, Plan, ReminderKind, Task, TaskKind, TaskReminder
from precinct.planning.selectors import task_rows
from precinct.planning.status import TaskStatus, previous_period_start


@dataclass
class ReminderReport:
    due_soon: int = 0
    period_missing: int = 0
    late: int = 0
    messages: int = 0


def task_url(task: Task) -> str:
    return settings.PRECINCT_PUBLIC_URL.rstrip("/") + reverse("planning:task", args=[task.pk])


def _message(task: Task, kind: str, period: datetime.date) -> Message:
    names = {"position": task.position, "plan": task.plan.number, "date": format_date(period)}
    if kind == ReminderKind.DUE_SOON:
        subject = _("Task %(position)s of plan %(plan)s is due on %(date)s") % names
        opening = _("The task is not reported done yet.")
    elif kind == ReminderKind.PERIOD_MISSING:
        subject = _("Task %(position)s of plan %(plan)s: the period from %(date)s is not reported") % names
        opening = _("Report the progress of the period that has ended.")
    else:
        subject = _("Task %(position)s of plan %(plan)s is late") % names
        opening = _("The task passed its deadline or its period without a report.")
    body = "\n".join(
        [
            opening,
            _("Task: %(content)s") % {"content": task.content[:300]},
            _("Lead unit: %(unit)s") % {"unit": task.lead_unit.display_name},
            task_url(task),
        ]
    )
    return Message(subject=subject, body=body, sms=subject)


def _tell(task: Task, kind: str, period: datetime.date, role: str, report: ReminderReport) -> None:
    """Record the reminder and queue its messages in one transaction; nothing if it was told before."""
    try:
        with transaction.atomic():
            reminder = TaskReminder.objects.create(task=task, kind=kind, period=period, sent_at=timezone.now())
            told = 0
            for person in role_holders_nearest(unit_path=task.lead_unit.path, role=role):
                told += notify(
                    recipient=person,
                    key=notification_key(f"planning-{kind}", task.pk, period),
                    compose=lambda: _message(task, kind, period),
                )
            reminder.recipients = min(told, 32767)
            reminder.save(update_fields=["recipients"])
            audit_record(
                actor=None,
                action=f"planning.reminder_{kind}",
                target=task,
                unit=task.lead_unit,
                after={"period": period, "messages": told},
            )
    except IntegrityError:  # told already (by an earlier run, or a concurrent sweep a moment ago)
        return
    setattr(report, kind, getattr(report, kind) + 1)
    report.messages += told


def reminder_sweep(*, today: datetime.date | None = None) -> ReminderReport:
    today = today or timezone.localdate()
    remind_days = settings.PLANNING_REMIND_DAYS
    report = ReminderReport()
    told = set(
        TaskReminder.objects.filter(task__plan__period_end__gte=today - datetime.timedelta(days=400)).values_list(
            "task_id", "kind", "period"
        )
    )
    plans = Plan.objects.filter(period_start__lte=today, period_end__gte=today - datetime.timedelta(days=366))
    for plan in plans.order_by("pk"):
        tasks = plan.tasks.select_related("lead_unit", "plan")
        for row in task_rows(tasks, as_of=today, warn_days=plan.warn_days):
            task = row.task
            if row.status == TaskStatus.DONE or task.starts_on > today:
                continue
            wanted: list[tuple[str, datetime.date, str]] = []
            if task.kind == TaskKind.DUE:
                assert task.due_on is not None
                if row.status == TaskStatus.LATE:
                    wanted.append((ReminderKind.LATE, task.due_on, Role.LEADER))
                elif 0 <= (task.due_on - today).days <= remind_days:
                    wanted.append((ReminderKind.DUE_SOON, task.due_on, Role.OFFICER))
            elif task.kind in RECURRING_KINDS and row.status in (TaskStatus.AT_RISK, TaskStatus.LATE):
                owed = previous_period_start(task.kind, today)
                wanted.append((ReminderKind.PERIOD_MISSING, owed, Role.OFFICER))
                if row.status == TaskStatus.LATE:
                    wanted.append((ReminderKind.LATE, owed, Role.LEADER))
            for kind, period, role in wanted:
                if (task.pk, kind, period) not in told:
                    _tell(task, kind, period, role, report)
    return report
