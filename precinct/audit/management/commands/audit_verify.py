from typing import Any

from django.core.management.base import BaseCommand, CommandError

from precinct.audit.verify import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Verify the audit chain and the signed anchors of its head kept outside the database; name the first "
        "row that was altered or removed (exit status 1)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_chain_verify()
        for problem in result.anchor_problems:
            self.stderr.write(f"Anchor file: {problem}")
        for problem in result.archive_problems:
            self.stderr.write(f"Archived partitions: {problem}")
        if result.first_break is not None:
            brk = result.first_break
            raise CommandError(
                f"Audit chain broken at row {brk.row_id}: {brk.reason}. {result.rows_checked} rows before it verified."
            )
        if result.anchor_problems:
            raise CommandError(f"Audit chain intact ({result.rows_checked} rows), but the anchor file is not.")
        if result.archive_problems:
            raise CommandError(f"Audit chain intact ({result.rows_checked} rows), but an archive file is not.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {result.rows_checked} rows verified, {result.anchors_checked} anchored rows "
                "found as anchored."
            )
        )
