from typing import Any

from django.core.management.base import BaseCommand, CommandError

from precinct.audit.verify import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the audit chain; name the first row that was altered or removed."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_chain_verify()
        if result.first_break is None:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.rows_checked} rows verified."))
            return
        brk = result.first_break
        raise CommandError(
            f"Audit chain broken at row {brk.row_id}: {brk.reason}. {result.rows_checked} rows before it verified."
        )
