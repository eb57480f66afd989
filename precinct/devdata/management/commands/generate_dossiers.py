from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from precinct.devdata.dossiers import generate_dossiers
from precinct.stats.rebuild import stats_rebuild


class Command(BaseCommand):
    help = "Fill the database with realistic synthetic dossiers (COPY on PostgreSQL), then rebuild the statistics."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="how many dossiers")
        parser.add_argument("--years", type=int, default=5, help="spread over this many years up to yesterday")
        parser.add_argument("--seed", type=int, default=None, help="random seed (repeatable figures)")
        parser.add_argument("--batch", type=int, default=100_000, help="dossiers per transaction")
        parser.add_argument("--no-rebuild", action="store_true", help="leave the statistics to a later rebuild_stats")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = generate_dossiers(
                count=options["count"],
                years=options["years"],
                seed=options["seed"],
                batch=options["batch"],
                progress=self.stdout.write,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{result['dossiers']:,} dossiers and {result['events']:,} history events from {result['from']} "
            f"to {result['to']} in {result['seconds']} s."
        )
        if not options["no_rebuild"]:
            import time

            started = time.monotonic()
            rows = stats_rebuild()
            self.stdout.write(f"Statistics rebuilt in {time.monotonic() - started:.1f} s: {rows}.")
