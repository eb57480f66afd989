"""Process the cameras inbox into events and alerts, and sweep recorders' health; `--loop` keeps going."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from precinct.cameras.health import health_sweep
from precinct.cameras.ingest import inbox_process


class Command(BaseCommand):
    help = "Turn inbox messages into camera events and alerts, and raise offline / back-online alerts."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running (one pass a second)")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            counts = inbox_process()
            while counts["done"] + counts["refused"]:
                self.stdout.write(f"inbox: {counts['done']} processed, {counts['refused']} refused")
                counts = inbox_process()
            health = health_sweep()
            if any(health.values()):
                self.stdout.write(f"health: {health['offline']} offline, {health['online']} back online")
            if not options["loop"]:
                return
            time.sleep(1)
