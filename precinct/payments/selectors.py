"""Reads of payments, narrowed to the dossiers the actor may see (the applicant, and staff whose roles
reach the dossier's unit): a payment is as visible as its dossier, no more."""

import datetime

from django.db.models import Model, Prefetch, QuerySet

from precinct.core.actors import Actor
from precinct.core.errors import NotFound
from precinct.eservices.models import Dossier
from precinct.eservices.selectors import dossier_list
from precinct.payments.models import Payment, PaymentRequest, PaymentStatus, RequestStatus
from precinct.payments.providers.base import EXPIRE_MINUTES


def one[M: Model](queryset: QuerySet[M]) -> M | None:
    """The row a unique look-up finds, or None; without first()'s sort, so the unique index serves it."""
    return next(iter(queryset.order_by()[:1]), None)


def payment_request_list(*, actor: Actor, dossier: Dossier | None = None) -> QuerySet[PaymentRequest]:
    requests = PaymentRequest.objects.filter(dossier__in=dossier_list(actor=actor).values("pk")).prefetch_related(
        Prefetch("payments", Payment.objects.order_by("-created_at", "-id"))
    )
    if dossier is not None:
        requests = requests.filter(dossier=dossier)
    return requests.select_related("dossier")


def payment_request_get(*, actor: Actor, pk: int, code: str | None = None) -> PaymentRequest:
    requests = payment_request_list(actor=actor).filter(pk=pk)
    if code is not None:
        requests = requests.filter(dossier__code=code)
    request = one(requests.select_related("dossier__unit", "dossier__applicant"))
    if request is None:
        raise NotFound()
    return request


def payment_get(*, actor: Actor, txn_ref: str) -> Payment:
    payment = one(
        Payment.objects.filter(
            txn_ref=txn_ref, request__dossier__in=dossier_list(actor=actor).values("pk")
        ).select_related("request__dossier__unit", "request__dossier__version__procedure", "payer")
    )
    if payment is None:
        raise NotFound()
    return payment


def paid_payment_get(*, actor: Actor, txn_ref: str) -> Payment:
    """A paid payment (receipts exist only for those)."""
    payment = payment_get(actor=actor, txn_ref=txn_ref)
    if payment.status != PaymentStatus.PAID:
        raise NotFound()
    return payment


def fee_states(*, dossier_ids: list[int]) -> dict[int, str]:
    """For a page of dossiers already read through a scoped selector: 'unpaid' when any fee is owed,
    'paid' when every fee billed is paid; dossiers without fees are absent. One query."""
    states: dict[int, str] = {}
    rows = PaymentRequest.objects.filter(dossier_id__in=dossier_ids).exclude(status=RequestStatus.CANCELLED)
    for dossier_id, status in rows.values_list("dossier_id", "status"):
        if status == RequestStatus.UNPAID or dossier_id not in states:
            states[dossier_id] = "unpaid" if status == RequestStatus.UNPAID else "paid"
    return states


def unpaid_blocking(*, dossier: Dossier, action: str) -> list[PaymentRequest]:
    """Unpaid requests that hold back this action of this dossier."""
    unpaid = PaymentRequest.objects.filter(dossier=dossier, status=RequestStatus.UNPAID)
    return [r for r in unpaid if action in (r.required_for or [])]


# How an attempt reads to the payer: the stored status, or what became of a pending attempt nobody finished.
EXPIRED = "expired"  # still pending after the provider's time limit: it can no longer be paid
ABANDONED = "abandoned"  # still pending, but the fee was paid by another attempt (or cancelled)


def attempt_state(payment: Payment, request: PaymentRequest, now: datetime.datetime) -> str:
    if payment.status != PaymentStatus.PENDING:
        return payment.status
    if request.status != RequestStatus.UNPAID:
        return ABANDONED
    if now - payment.created_at > datetime.timedelta(minutes=EXPIRE_MINUTES):
        return EXPIRED
    return payment.status


def attempts_for_display(request: PaymentRequest, now: datetime.datetime) -> list[tuple[Payment, str]]:
    """A fee's attempts as the payer sees them: the paid one first, then the others newest first, each
    with its state (pending ones past the provider's time limit are expired; ones left behind by a
    payment that went through are abandoned). Uses the prefetched attempts of payment_request_list."""
    attempts = sorted(request.payments.all(), key=lambda p: (p.status != PaymentStatus.PAID, -p.created_at.timestamp()))
    return [(p, attempt_state(p, request, now)) for p in attempts]
