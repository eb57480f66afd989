"""Django's `flush`, with the audit table's guard lifted for the one transaction that empties the database.

Emptying the whole database is the owner's act (the test harness does it between transactional tests); the
triggers (precinct/audit/guard.py, ADR 0025) would otherwise refuse the audit table's TRUNCATE / DELETE.
"""

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from precinct.audit.guard import guard_lifted


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        with guard_lifted(using=options["database"]):
            super().handle(**options)
