import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from precinct.eservices.escalation import escalation_sweep


class Command(BaseCommand):
    help = (
        "Warn officers of dossiers due on the next working day, mark overdue dossiers and tell their "
        "leaders, send letters of apology for extensions. Idempotent: run it from a timer (e.g. hourly)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="sweep as of this date (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        report = escalation_sweep(today=options["today"])
        self.stdout.write(
            f"warned {report.warned}, marked overdue {len(report.marked_overdue)}, "
            f"leaders told {report.leaders_told}, apologies {report.apologies}"
        )
