import time
from typing import Any

from django.core.management.base import BaseCommand

from precinct.incidents.summary import summary_rebuild


class Command(BaseCommand):
    help = "Recount the crime statistics' monthly summary from the incident register (after a bulk load)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        rows = summary_rebuild()
        self.stdout.write(f"{rows:,} summary rows in {time.monotonic() - started:.1f} s.")
