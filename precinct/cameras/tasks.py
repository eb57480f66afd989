"""Background work of the cameras: the inbox worker, the health sweep, snapshots (fetch, retry), retention
(snapshots, the inbox, months of events) and the escalation sweep, each calling its service."""

from typing import Any

from django.tasks import task

from precinct.cameras.escalation import escalation_sweep
from precinct.cameras.evidence import evidence_sweep, snapshot_fetch
from precinct.cameras.health import health_sweep
from precinct.cameras.ingest import inbox_process
from precinct.cameras.retention import cameras_retention


@task
def cameras_inbox_task() -> dict[str, int]:
    return inbox_process()


@task
def cameras_health_task() -> dict[str, int]:
    return health_sweep()


@task
def cameras_snapshot_task(snapshot_id: int) -> str:
    return snapshot_fetch(snapshot_id=snapshot_id)


@task
def cameras_evidence_task() -> dict[str, int]:
    return evidence_sweep()


@task
def cameras_escalation_task() -> dict[str, int]:
    return escalation_sweep()


@task
def cameras_retention_task() -> dict[str, Any]:
    return cameras_retention()
