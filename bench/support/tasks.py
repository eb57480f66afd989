"""Tasks the benchmarks enqueue (not run by `make bench`: a module of bench/support, imported by workers)."""

from pathlib import Path

from django.tasks import task


@task
def noop_task(n: int) -> None:
    """Does nothing: what a queue costs per task."""


@task
def mark_task(path: str) -> None:
    """Enqueued last: when its file exists, the worker has reached the end of the queue."""
    Path(path).touch()
