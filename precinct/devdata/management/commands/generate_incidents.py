import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from precinct.devdata.incidents import generate_incidents
from precinct.incidents.summary import summary_rebuild


class Command(BaseCommand):
    help = "Fill the incident register with synthetic incidents (COPY on PostgreSQL) for the statistics benchmark."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="how many incidents")
        parser.add_argument("--years", type=int, default=20, help="spread over this many years up to now")
        parser.add_argument("--seed", type=int, default=None, help="random seed (repeatable figures)")
        parser.add_argument("--batch", type=int, default=100_000, help="incidents per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = generate_incidents(
                count=options["count"],
                years=options["years"],
                seed=options["seed"],
                batch=options["batch"],
                progress=self.stdout.write,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{result['incidents']:,} incidents in {result['seconds']} s.")
        started = time.monotonic()
        rows = summary_rebuild()
        self.stdout.write(f"Monthly summary rebuilt in {time.monotonic() - started:.1f} s: {rows:,} rows.")
        if connection.vendor == "postgresql":
            # Millions of rows COPYed in a minute are not in the planner's statistics until autovacuum gets
            # to them: with the old ones it read unit_path's whole index for three days of incidents
            # (p95 210 ms instead of 89 ms for the province). Production tables grow slowly; here, say so.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE incidents_incident, incidents_incidentmonthstat")
            self.stdout.write("Planner statistics refreshed (ANALYZE).")
