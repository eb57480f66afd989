"""Tasks a dead worker left "running" (django-tasks-db), put back in the queue.

`db_worker` claims a task in its own short transaction (status RUNNING, `started_at`, its id appended to
`worker_ids`), commits, then runs it; nothing holds a lock or beats a heart while it runs. A worker killed
mid-task (SIGKILL, the machine lost) therefore leaves the row RUNNING for ever. A row RUNNING for longer
than `TASKS_STUCK_AFTER_SECONDS` (longer than any of our tasks takes: they are batches of a few hundred
rows) is taken to be stranded: it is made READY again so a live worker runs it, unless it has already
been claimed `TASKS_MAX_CLAIMS` times (a task that kills its worker each time), when it is marked FAILED.
Every task is safe to run twice: each loads its rows by id and state and acts once per key.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """The worker running this task stopped before it finished, too many times."""


def tasks_recover_stuck(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Requeue (or, past the claim limit, fail) tasks RUNNING longer than TASKS_STUCK_AFTER_SECONDS."""
    now = now or timezone.now()
    older_than = now - datetime.timedelta(seconds=settings.TASKS_STUCK_AFTER_SECONDS)
    requeued = failed = 0
    with transaction.atomic():
        stuck = list(
            DBTaskResult.objects.select_for_update(skip_locked=True).filter(
                status=TaskResultStatus.RUNNING, started_at__lt=older_than
            )
        )
        for row in stuck:
            if len(row.worker_ids) >= settings.TASKS_MAX_CLAIMS:
                row.status = TaskResultStatus.FAILED
                row.finished_at = now
                row.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
                row.traceback = f"{WorkerLost.__doc__} Workers: {', '.join(row.worker_ids)}."
                row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                failed += 1
                logger.error(
                    "Task %s (%s) lost its worker %s times: failed", row.pk, row.task_path, len(row.worker_ids)
                )
            else:
                row.status = TaskResultStatus.READY
                row.started_at = None
                row.save(update_fields=["status", "started_at"])
                requeued += 1
                logger.warning(
                    "Task %s (%s) was left running by worker %s: queued again",
                    row.pk,
                    row.task_path,
                    row.worker_ids[-1] if row.worker_ids else "?",
                )
    return {"requeued": requeued, "failed": failed}
