"""Reconciliation: compare each recent payment with what its provider says about it. Reads only; a
person decides what to do about a disagreement (a refund, a late IPN to replay, a fraud to report)."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from precinct.payments.models import Payment, PaymentStatus
from precinct.payments.providers import ProviderError, get_provider


@dataclass(frozen=True)
class Disagreement:
    txn_ref: str
    dossier: str
    provider: str
    ours: str
    theirs: str
    amount_vnd: int
    their_amount: int | None


@dataclass
class Report:
    checked: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


def _money_moved(status: str) -> str:
    """Paid, or not: a cancelled or failed payment and one the provider never saw both moved no money;
    a pending one has not settled yet on either side."""
    if status == "paid":
        return "paid"
    if status == PaymentStatus.PENDING:
        return "pending"
    return "unpaid"


def agrees(ours: str, theirs: str, amount: int, their_amount: int | None) -> bool:
    if theirs == "not_found":
        return ours != PaymentStatus.PAID  # "paid" here with nothing on their side is the worst case
    if theirs == "paid" and their_amount != amount:
        return False
    return _money_moved(ours) == _money_moved(theirs)  # e.g. their "paid" on our "pending": a lost IPN


def reconcile(*, days: int = 30, provider: str | None = None) -> Report:
    since = timezone.now() - datetime.timedelta(days=days)
    payments = Payment.objects.filter(created_at__gte=since).select_related("request__dossier").order_by("created_at")
    if provider:
        payments = payments.filter(provider=provider)
    report = Report()
    providers = {}
    for payment in payments.iterator():
        if payment.provider not in providers:
            providers[payment.provider] = get_provider(payment.provider)
        try:
            state = providers[payment.provider].query(payment)
        except ProviderError as exc:
            report.errors.append((payment.txn_ref, str(exc)))
            continue
        report.checked += 1
        if not agrees(payment.status, state.status, payment.amount_vnd, state.amount_vnd):
            report.disagreements.append(
                Disagreement(
                    txn_ref=payment.txn_ref,
                    dossier=payment.request.dossier.code,
                    provider=payment.provider,
                    ours=payment.status,
                    theirs=state.status,
                    amount_vnd=payment.amount_vnd,
                    their_amount=state.amount_vnd,
                )
            )
    return report
