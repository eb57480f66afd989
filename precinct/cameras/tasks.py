"""Background work of the cameras: the inbox worker and the health sweep, each calling its service."""

from django.tasks import task

from precinct.cameras.health import health_sweep
from precinct.cameras.ingest import inbox_process


@task
def cameras_inbox_task() -> dict[str, int]:
    return inbox_process()


@task
def cameras_health_task() -> dict[str, int]:
    return health_sweep()
