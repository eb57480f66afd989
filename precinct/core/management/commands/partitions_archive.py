import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from precinct.core.partitions import months
from precinct.core.partitions.archive import ArchiveRefused, archive_month


def _month(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise CommandError(f"A month is YYYY-MM, not {text!r}.") from None


class Command(BaseCommand):
    help = (
        "Detach the monthly partitions of a table older than --before, copy each to a compressed file with its "
        "manifest under PRECINCT_PARTITION_ARCHIVE_DIR, and drop it (PostgreSQL; ADR 0030)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("table", help="the partitioned table, e.g. audit_auditevent")
        parser.add_argument("--before", required=True, help="archive months before this one (YYYY-MM)")
        parser.add_argument("--directory", default=None, help="where archives go")

    def handle(self, *args: Any, **options: Any) -> None:
        table, before = options["table"], _month(options["before"])
        directory = Path(options["directory"] or settings.PRECINCT_PARTITION_ARCHIVE_DIR)
        if table not in dict(months.partitioned_tables(connection)):
            raise CommandError(f"{table} is not a partitioned table here.")
        with connection.cursor() as cursor:
            old = [p.month for p in months.partitions(cursor, table) if p.month is not None and p.month < before]
        for month in sorted(old):
            try:
                done = archive_month(table=table, month=month, directory=directory)
            except ArchiveRefused as refused:
                raise CommandError(str(refused)) from None
            self.stdout.write(f"{done.manifest['partition']}: {done.manifest['rows']} rows → {done.path}")
        if not old:
            self.stdout.write(f"No partition of {table} before {before:%Y-%m}.")
