"""Queue the periodic jobs apps registered (precinct/core/schedule.py) on their periods, for ever.

Usage: manage.py scheduler [--tick 5] [--once] [--list]
One or more may run (each job is claimed by one of them per period); the workers run what it queues.
"""

import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from precinct.core import schedule

logger = logging.getLogger("precinct.core.schedule")


class Command(BaseCommand):
    help = "Queue each registered periodic job's task on its period (docs/adr/0024-scheduler.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tick", type=float, default=5.0, help="seconds between looks at what is due")
        parser.add_argument("--once", action="store_true", help="queue what is due now, then stop")
        parser.add_argument("--list", action="store_true", help="list the jobs and their periods, then stop")

    def handle(self, *args: Any, tick: float, once: bool, list: bool, **options: Any) -> None:
        if list:
            for job in schedule.jobs():
                period = schedule.job_period(job)
                every = f"every {int(period.total_seconds())} s" if period else "off"
                self.stdout.write(f"{job.name:32} {every:16} {job.task}\n{'':32} {job.description}")
            return
        if once:
            for name in schedule.schedule_tick():
                self.stdout.write(f"queued {name}")
            return
        stop = threading.Event()

        def finish(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGINT, finish)
        signal.signal(signal.SIGTERM, finish)
        names = ", ".join(job.name for job in schedule.jobs())
        self.stdout.write(f"Scheduler started (tick {tick:g} s): {names}")
        while not stop.is_set():
            close_old_connections()
            try:
                schedule.schedule_tick()
            except Exception:  # the database away for a moment: try again at the next tick
                logger.exception("Scheduler tick failed")
            close_old_connections()
            stop.wait(tick)
        self.stdout.write("Scheduler stopped")
