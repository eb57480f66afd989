"""A task that works through rows many transactions wrote (pending messages, statistics deltas), queued
after those transactions commit at most once per interval per process instead of once per row.

Deciding after the commit means every committed row is seen by a run that starts after it: either this
commit queues one (to run `seconds` later, gathering the rows of the interval), or the run queued less
than `seconds` ago has not started yet. A process that dies between its commit and the queuing leaves
rows for the app's own catch-up (a command or a timer).
"""

import datetime
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


class BatchedTask:
    def __init__(self, task: Callable[[], Any], *, seconds_setting: str) -> None:
        """`task` answers the task to queue (imported late: tasks modules import the services that call
        this); `seconds_setting` names the setting that holds the interval (0: a run after every commit)."""
        self._task = task
        self._seconds_setting = seconds_setting
        self._next = 0.0

    def after_commit(self) -> None:
        """Call inside the transaction that wrote rows for the task."""
        transaction.on_commit(self._queue)

    def _queue(self) -> None:
        now = time.monotonic()
        delay = getattr(settings, self._seconds_setting)
        if delay and now < self._next:
            return
        self._next = now + delay
        task = self._task()
        try:
            if delay and task.get_backend().supports_defer:  # a backend that cannot wait runs it now
                task = task.using(run_after=timezone.now() + datetime.timedelta(seconds=delay))
            task.enqueue()
        except Exception:  # the queue being down must not fail the request; the app's catch-up runs it
            self._next = 0.0
            logger.exception("Could not queue %s", getattr(task, "name", task))

    def forget(self) -> None:
        """The next commit queues a run whatever the interval (tests)."""
        self._next = 0.0
