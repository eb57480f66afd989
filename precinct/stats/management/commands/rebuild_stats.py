import time
from typing import Any

from django.core.management.base import BaseCommand

from precinct.stats.rebuild import stats_rebuild


class Command(BaseCommand):
    help = "Recompute the dossier statistics from scratch (after a bulk import or a change of the calendar)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        rows = stats_rebuild()
        self.stdout.write(f"Statistics rebuilt in {time.monotonic() - started:.1f} s: {rows}.")
