"""The daily sweep a timer runs (`manage.py personnel_sweep` or `personnel.tasks.personnel_sweep_task`)."""

import datetime

from django.utils import timezone

from precinct.personnel.services.discipline import discipline_sweep
from precinct.personnel.services.transfers import transfers_apply_due


def personnel_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    return {"transfers_applied": transfers_apply_due(today=today), "discipline_changes": discipline_sweep(today=today)}
