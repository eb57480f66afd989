"""Reads of payments, narrowed to the dossiers the actor may see (the applicant, and staff whose roles
reach the dossier's unit): a payment is as visible as its dossier, no more."""

from django.db.models import Model, Prefetch, QuerySet

from precinct.core.actors import Actor
from precinct.core.errors import NotFound
from precinct.eservices.models import Dossier
from precinct.eservices.selectors import dossier_list
from precinct.payments.models import Payment, PaymentRequest, PaymentStatus, RequestStatus


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
