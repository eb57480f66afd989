"""Periodic jobs: one registry apps add to in AppConfig.ready(), and the tick the `scheduler` command runs.

A job names an ordinary Django task (no arguments) and a period; the scheduler only enqueues it, and
whatever runs tasks (`db_worker`, or another backend's workers) runs it. The kernel holds the registry so
that it imports no app (ADR 0014), like `core.measures` (ADR 0016). Why a small command and not a library:
docs/adr/0024-scheduler.md.

Two schedulers never enqueue one job twice in a period: each job's next run is a row (`ScheduledJob`),
and a run is claimed by one conditional UPDATE (`next_run_at <= now` → `now + period`), which the database
lets only one transaction win; the enqueue happens in the same transaction, so with the database task
backend a claim and its task row commit together or not at all.
"""

import datetime
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.tasks import Task, TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")  # "<app label>.<name>"


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of a django.tasks Task that takes no argument
    every: datetime.timedelta
    description: str | Promise

    def resolve(self) -> Task:
        found = import_string(self.task)
        if not isinstance(found, Task):
            raise TypeError(f"The job {self.name!r} names {self.task!r}, which is not a task.")
        return found


class Registry:
    """Jobs by name. The project has one (`registry`, below); tests may build their own."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}

    def register(self, name: str, *, task: str, every: datetime.timedelta, description: str | Promise) -> Job:
        if not NAME.match(name):
            raise ValueError(f"A job's name is '<app label>.<name>' in lower case, not {name!r}.")
        if name in self._jobs:
            raise ValueError(f"The job {name!r} is already registered.")
        if every <= datetime.timedelta(0):
            raise ValueError(f"The job {name!r} needs a positive period, not {every}.")
        job = Job(name=name, task=task, every=every, description=description)
        self._jobs[name] = job
        return job

    def all(self) -> list[Job]:
        return sorted(self._jobs.values(), key=lambda j: j.name)

    def get(self, name: str) -> Job:
        try:
            return self._jobs[name]
        except KeyError:
            raise LookupError(f"No job is registered as {name!r}.") from None


registry = Registry()


def register(name: str, *, task: str, every: datetime.timedelta, description: str | Promise) -> Job:
    """Register a periodic job (in the app's AppConfig.ready()); a name registered twice is an error."""
    return registry.register(name, task=task, every=every, description=description)


def jobs() -> list[Job]:
    return registry.all()


def job_period(job: Job) -> datetime.timedelta | None:
    """The job's period, or None when it is switched off: `PRECINCT_SCHEDULE` ({"<job>": seconds}, 0 = off)
    overrides the period the app registered."""
    overrides: dict[str, float] = getattr(settings, "PRECINCT_SCHEDULE", {})
    if job.name not in overrides:
        return job.every
    seconds = float(overrides[job.name])
    return datetime.timedelta(seconds=seconds) if seconds > 0 else None


def _still_waiting(task: Task, result_id: str) -> bool:
    """Whether the job's previous run has not started yet: then another would only pile up behind it
    (workers down for a day must not find 1,440 copies of a one-minute job)."""
    if not result_id:
        return False
    try:
        return task.get_result(result_id).status == TaskResultStatus.READY
    except (TaskResultDoesNotExist, TaskResultMismatch, NotImplementedError, ValueError):
        return False


def schedule_tick(*, now: datetime.datetime | None = None, registry: Registry = registry) -> list[str]:
    """Enqueue every job whose time has come; answer the names of those enqueued by this call."""
    from precinct.core.models import ScheduledJob

    now = now or timezone.now()
    active = [(job, period) for job in registry.all() if (period := job_period(job)) is not None]
    if not active:
        return []
    # A new job runs at the first tick (all of them are idempotent catch-ups and sweeps).
    ScheduledJob.objects.bulk_create(
        [ScheduledJob(name=job.name, next_run_at=now) for job, _ in active], ignore_conflicts=True
    )
    due = dict(
        ScheduledJob.objects.filter(name__in=[job.name for job, _ in active], next_run_at__lte=now).values_list(
            "name", "last_result_id"
        )
    )
    enqueued = []
    for job, period in active:
        if job.name not in due:
            continue
        task = job.resolve()
        with transaction.atomic():
            # The claim: of two schedulers reading the same due row, one UPDATE matches and the other
            # (re-checking the condition on the row the first wrote) matches nothing.
            claimed = ScheduledJob.objects.filter(name=job.name, next_run_at__lte=now).update(
                next_run_at=now + period, last_claimed_at=now
            )
            if not claimed:
                continue
            if _still_waiting(task, due[job.name]):
                logger.warning("Job %s: its previous run has not started yet; not queued again", job.name)
                continue
            result = task.enqueue()
            ScheduledJob.objects.filter(name=job.name).update(last_result_id=str(result.id))
        enqueued.append(job.name)
        logger.info("Job %s queued (task %s)", job.name, result.id)
    return enqueued
