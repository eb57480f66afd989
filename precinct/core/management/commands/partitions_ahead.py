from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from precinct.core.partitions import months
from precinct.core.partitions.ahead import partitions_ensure


class Command(BaseCommand):
    help = "Create the monthly partitions of every partitioned table ahead of time (PostgreSQL; ADR 0030)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--months", type=int, default=None, help="months ahead (PRECINCT_PARTITION_MONTHS_AHEAD)")
        parser.add_argument("--list", action="store_true", help="list the partitions of each table")

    def handle(self, *args: Any, **options: Any) -> None:
        tables = months.partitioned_tables(connection)
        if not tables:
            self.stdout.write("No partitioned table (partitions exist on PostgreSQL only).")
            return
        if options["list"]:
            with connection.cursor() as cursor:
                for table, column in tables:
                    names = [p.name for p in months.partitions(cursor, table)]
                    self.stdout.write(f"{table} by {column}: {', '.join(names)}")
            return
        created = partitions_ensure(months_ahead=options["months"])
        self.stdout.write(f"{len(created)} partitions created" + (f": {', '.join(created)}" if created else ""))
