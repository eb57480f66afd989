"""List payments whose state disagrees with the provider's (VNPay's querydr; the sandbox's own ledger).

Usage: manage.py payments_reconcile [--days 30] [--provider vnpay|sandbox]
Exit status 1 when a disagreement (or an unreachable provider) was found, so a timer can alert.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from precinct.payments.reconcile import reconcile


class Command(BaseCommand):
    help = "List payments whose state disagrees with the payment provider's."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30, help="look at payments started in the last N days")
        parser.add_argument("--provider", choices=["vnpay", "sandbox"], help="only this provider's payments")

    def handle(self, *args: Any, days: int, provider: str | None, **options: Any) -> None:
        report = reconcile(days=days, provider=provider)
        for row in report.disagreements:
            self.stdout.write(
                f"DISAGREE {row.txn_ref} dossier={row.dossier} provider={row.provider} "
                f"ours={row.ours} theirs={row.theirs} amount={row.amount_vnd} their_amount={row.their_amount}"
            )
        for txn_ref, error in report.errors:
            self.stdout.write(f"UNREACHABLE {txn_ref}: {error}")
        self.stdout.write(
            f"{report.checked} payments checked, {len(report.disagreements)} disagree, "
            f"{len(report.errors)} could not be checked."
        )
        if report.disagreements or report.errors:
            raise SystemExit(1)
