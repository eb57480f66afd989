"""Background work: the daily sweep (transfers whose date has come, suspensions starting or over)."""

from django.tasks import task

from precinct.personnel.services.sweep import personnel_sweep


@task
def personnel_sweep_task() -> dict[str, int]:
    return personnel_sweep()
