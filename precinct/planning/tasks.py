"""Background work for plans: the reminder sweep, queued by the scheduler (docs/adr/0024-scheduler.md)."""

from dataclasses import asdict
from typing import Any

from django.tasks import task

from precinct.planning.reminders import reminder_sweep


@task
def reminder_sweep_task() -> dict[str, Any]:
    return asdict(reminder_sweep())
