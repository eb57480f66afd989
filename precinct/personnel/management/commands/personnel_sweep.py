from typing import Any

from django.core.management.base import BaseCommand

from precinct.personnel.services.sweep import personnel_sweep


class Command(BaseCommand):
    help = "Apply transfers whose effective date has come; start and end suspensions (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        done = personnel_sweep()
        self.stdout.write(
            f"transfers applied: {done['transfers_applied']}; discipline changes: {done['discipline_changes']}"
        )
