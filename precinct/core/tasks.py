"""Background work of the kernel: putting back tasks a dead worker left running, monthly partitions ahead."""

from django.tasks import task

from precinct.core.idempotency import idempotency_purge
from precinct.core.partitions.ahead import partitions_ensure
from precinct.core.taskqueue import tasks_recover_stuck


@task
def tasks_recover_stuck_task() -> dict[str, int]:
    return tasks_recover_stuck()


@task
def idempotency_purge_task() -> int:
    return idempotency_purge()


@task
def partitions_ensure_task() -> list[str]:
    return partitions_ensure()
