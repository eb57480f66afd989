"""Background work of the portal sync (Django tasks, run by `manage.py db_worker`)."""

from typing import Any

from django.tasks import task

from precinct.portalsync.delivery import WorkerBusy, single_worker, sync_pass


@task
def portal_sync_task() -> dict[str, Any]:
    """One pass: send every event due now. Enqueue it from a timer (or run `manage.py portal_sync`)."""
    try:
        with single_worker():
            return sync_pass().as_dict()
    except WorkerBusy:
        return {"busy": True}
