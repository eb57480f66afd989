"""Process the cameras inbox into events and alerts, and sweep recorders' health; `--loop` keeps going.

The loop drains the inbox, then looks again after `--interval` seconds (0.1 by default: a look at an empty
inbox is one indexed SELECT on the partial index of waiting rows, and the duty console's one-second target
cannot afford a worker that naps a whole second, ADR 0036). Health is swept at most once a second."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from precinct.cameras.health import health_sweep
from precinct.cameras.ingest import inbox_process

HEALTH_EVERY_SECONDS = 1.0


class Command(BaseCommand):
    help = "Turn inbox messages into camera events and alerts, and raise offline / back-online alerts."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running")
        parser.add_argument(
            "--interval", type=float, default=0.1, help="seconds between looks at an empty inbox (default 0.1)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = max(0.01, options["interval"])
        next_health = 0.0
        while True:
            counts = inbox_process()
            while counts["done"] + counts["refused"]:
                self.stdout.write(f"inbox: {counts['done']} processed, {counts['refused']} refused")
                counts = inbox_process()
            if time.monotonic() >= next_health:
                health = health_sweep()
                next_health = time.monotonic() + HEALTH_EVERY_SECONDS
                if any(health.values()):
                    self.stdout.write(f"health: {health['offline']} offline, {health['online']} back online")
            if not options["loop"]:
                return
            time.sleep(interval)
