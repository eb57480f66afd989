"""Delete the snapshots past their retention (the daily job `cameras.retention` does the same)."""

from typing import Any

from django.core.management.base import BaseCommand

from precinct.cameras.retention import retention_sweep


class Command(BaseCommand):
    help = "Delete camera snapshots past their retention; those handed on as evidence are kept."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = retention_sweep()
        self.stdout.write(
            f"Snapshots deleted: {counts['deleted']}; kept for incidents or crime reports: {counts['kept_for_cases']}."
        )
