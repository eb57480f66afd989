"""Writes for payments. Each state change is one transaction with its audit row; a refused callback
changes nothing and leaves an audit row of its own, committed on its own.

Lock order, as a dossier's transition takes them (closing one cancels its requests from inside it): the
dossier, then its payment requests, then their payments. Each row is locked alone (`of=("self",)`), since
a FOR UPDATE across joins locks the joined rows in the query's order, not in this one."""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.accounts.actors import as_user
from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import DomainError, PermissionDenied
from precinct.eservices.models import Dossier, DossierEvent
from precinct.payments.models import Payment, PaymentRequest, PaymentStatus, RefusedCallback, RequestStatus
from precinct.payments.permissions import can_pay
from precinct.payments.providers import InvalidCallback, get_provider
from precinct.payments.selectors import one
from precinct.payments.signals import payment_request_changed


@transaction.atomic
def payment_request_create(
    *,
    actor: Actor,
    dossier: Dossier,
    purpose: str,
    amount_vnd: int,
    required_for: list[str],
    event: DossierEvent | None = None,
) -> PaymentRequest:
    """Bill a fee on a dossier (once per purpose: taking the same action again bills nothing more).
    `event`: the dossier's history event this billing follows, if any (passed on to `payment_request_changed`)."""
    existing = one(PaymentRequest.objects.filter(dossier=dossier, purpose=purpose))
    if existing is not None:
        return existing
    request = PaymentRequest.objects.create(
        dossier=dossier,
        purpose=purpose,
        amount_vnd=amount_vnd,
        required_for=required_for,
        created_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="payments.request_create",
        target=request,
        unit=dossier.unit,
        after={"dossier": dossier.code, "purpose": purpose, "amount_vnd": amount_vnd, "required_for": required_for},
    )
    payment_request_changed.send(sender=PaymentRequest, request=request, dossier=dossier, previous=None, event=event)
    return request


@transaction.atomic
def payment_requests_cancel_unpaid(*, actor: Actor, dossier: Dossier, event: DossierEvent | None = None) -> int:
    """A closed dossier (refused, returned, withdrawn, done) owes nothing more."""
    unpaid = list(PaymentRequest.objects.select_for_update().filter(dossier=dossier, status=RequestStatus.UNPAID))
    for request in unpaid:
        request.status = RequestStatus.CANCELLED
        request.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="payments.request_cancel",
            target=request,
            unit=dossier.unit,
            before={"status": RequestStatus.UNPAID},
            after={"status": RequestStatus.CANCELLED, "dossier_status": dossier.status},
        )
        payment_request_changed.send(
            sender=PaymentRequest, request=request, dossier=dossier, previous=RequestStatus.UNPAID, event=event
        )
    return len(unpaid)


def _new_txn_ref() -> str:
    # Unique, alphanumeric, never reused (VNPay refuses a vnp_TxnRef it has seen); local time, like vnp_CreateDate.
    return f"{timezone.localtime():%y%m%d%H%M%S}{secrets.token_hex(4).upper()}"


def _locked_request(request_id: int, *, dossier_id: int) -> PaymentRequest:
    """The request under its lock, its dossier's taken first (the lock order above), each row alone."""
    dossier = (
        Dossier.objects.select_for_update(of=("self",)).select_related("unit", "version__procedure").get(pk=dossier_id)
    )
    request = PaymentRequest.objects.select_for_update().get(pk=request_id)
    request.dossier = dossier
    return request


@transaction.atomic
def payment_start(
    *, actor: Actor, request: PaymentRequest, return_url: str, client_ip: str = "", language: str = "vi"
) -> tuple[Payment, str]:
    """The payer starts paying a request: a payment with a fresh transaction reference, and the provider's
    URL to send the payer to. Only a verified callback from the provider will mark it paid."""
    request = _locked_request(request.pk, dossier_id=request.dossier_id)
    payer = as_user(actor)
    if payer is None or payer.pk != request.dossier.applicant_id:
        raise PermissionDenied(_("Only the applicant can pay the fees of this dossier."))
    if not can_pay(payer, request):
        raise DomainError("not_payable", _("This fee cannot be paid now: it is paid or no longer due."), status=409)
    provider = get_provider()
    payment = Payment.objects.create(
        request=request,
        provider=provider.name,
        txn_ref=_new_txn_ref(),
        amount_vnd=request.amount_vnd,
        payer=payer,
        created_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="payments.payment_start",
        target=payment,
        unit=request.dossier.unit,
        after={"dossier": request.dossier.code, "provider": provider.name, "amount_vnd": payment.amount_vnd},
    )
    url = provider.redirect_url(payment, return_url=return_url, client_ip=client_ip, language=language)
    return payment, url


# --- callbacks ------------------------------------------------------------------------------------------

# VNPay's answers to an IPN (RspCode): the provider retries until it gets 00 or 02.
CONFIRMED = ("00", "Confirm Success")
NOT_FOUND = ("01", "Order not found")
ALREADY_CONFIRMED = ("02", "Order already confirmed")
INVALID_AMOUNT = ("04", "Invalid amount")
INVALID_SIGNATURE = ("97", "Invalid signature")


@dataclass(frozen=True)
class CallbackResult:
    rsp_code: str
    message: str
    payment: Payment | None = None

    @property
    def accepted(self) -> bool:
        return self.rsp_code == CONFIRMED[0]

    def body(self) -> dict[str, str]:
        return {"RspCode": self.rsp_code, "Message": self.message}


def _count_refusal(*, provider: str, reason: str) -> int:
    """One upsert: this hour's counter for the provider and reason, plus one; answers the new count."""
    now = timezone.now()
    table = RefusedCallback._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (period, provider, reason, count, last_at) VALUES (%s, %s, %s, 1, %s) "  # noqa: S608
            "ON CONFLICT (period, provider, reason) DO UPDATE "
            f"SET count = {table}.count + 1, last_at = excluded.last_at RETURNING count",
            [
                connection.ops.adapt_datetimefield_value(now.replace(minute=0, second=0, microsecond=0)),
                provider[:20],
                reason[:40],
                connection.ops.adapt_datetimefield_value(now),
            ],
        )
        return int(cursor.fetchone()[0])


def _refuse(
    answer: tuple[str, str], *, reason: str, provider: str, params: Mapping[str, str], payment: Payment | None = None
) -> CallbackResult:
    """Count a refused callback in its own transaction (committed even though nothing else changes); the
    first of its provider and reason in the hour is audited with its details, the rest only counted
    (`RefusedCallback`), so forged callbacks cannot grow the audit log (docs/SECURITY.md)."""
    with transaction.atomic():
        if _count_refusal(provider=provider, reason=reason) == 1:
            audit_record(
                actor=None,
                action="payments.callback_refused",
                target=payment,
                target_label="" if payment else str(params.get("vnp_TxnRef", ""))[:100],
                unit=payment.request.dossier.unit if payment else None,
                after={
                    "reason": reason,
                    "provider": provider,
                    "txn_ref": str(params.get("vnp_TxnRef", ""))[:100],
                    "amount": str(params.get("vnp_Amount", ""))[:20],
                    "response_code": str(params.get("vnp_ResponseCode", ""))[:8],
                    "signed": bool(params.get("vnp_SecureHash")),
                    "counted_in": "payments.RefusedCallback",
                },
            )
    return CallbackResult(*answer, payment=payment)


def payment_callback(*, provider: str, params: Mapping[str, str]) -> CallbackResult:
    """The provider's server-to-server notification (VNPay's IPN), the only thing that settles a payment.

    Refused, changing nothing and audited: unsigned or wrongly signed (97), unknown reference or another
    provider's (01), amount not the one billed (04), a payment already settled, i.e. a replay (02).
    Otherwise the payment becomes paid, failed or cancelled as the provider says (00)."""
    try:
        callback = get_provider(provider).verify_callback(params)
    except InvalidCallback as exc:
        return _refuse(INVALID_SIGNATURE, reason=str(exc), provider=provider, params=params)
    except ImproperlyConfigured:  # no secret for this provider here: nothing it sends can be genuine
        return _refuse(INVALID_SIGNATURE, reason="provider_not_configured", provider=provider, params=params)
    payment = one(
        Payment.objects.select_related("request__dossier__unit").filter(txn_ref=callback.txn_ref, provider=provider)
    )
    if payment is None:
        return _refuse(NOT_FOUND, reason="unknown_txn_ref", provider=provider, params=params)
    if callback.amount_vnd != payment.amount_vnd:
        return _refuse(INVALID_AMOUNT, reason="amount_mismatch", provider=provider, params=params, payment=payment)
    with transaction.atomic():
        # The lock order above: a payment arriving while its dossier closes must not deadlock with it.
        request = _locked_request(payment.request_id, dossier_id=payment.request.dossier_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        payment.request = request
        if payment.status == PaymentStatus.PENDING:
            return _settle(payment, callback, params)
    # Settled already (by this very callback earlier, or a concurrent one that won the lock): a replay.
    return _refuse(ALREADY_CONFIRMED, reason="replayed", provider=provider, params=params, payment=payment)


def _settle(payment: Payment, callback: Any, params: Mapping[str, str]) -> CallbackResult:
    now = timezone.now()
    if callback.succeeded:
        payment.status = PaymentStatus.PAID
    elif callback.cancelled:
        payment.status = PaymentStatus.CANCELLED
    else:
        payment.status = PaymentStatus.FAILED
    payment.completed_at = now
    payment.response_code = callback.response_code
    payment.provider_txn_no = callback.transaction_no
    payment.bank_code = callback.bank_code
    payment.provider_paid_at = callback.pay_date
    payment.save()
    request = payment.request
    request_before = request.status
    # The dossier as read under its own lock: a transfer waits for this payment or this payment for it,
    # so the statistics count the payment under the right unit.
    dossier = request.dossier
    if payment.status == PaymentStatus.PAID and request.status != RequestStatus.PAID:
        # Paid even if the dossier was closed meanwhile: the money moved; the record must say so.
        request.status = RequestStatus.PAID
        request.paid_at = now
        request.save(update_fields=["status", "paid_at"])
        payment_request_changed.send(
            sender=PaymentRequest, request=request, dossier=dossier, previous=request_before, event=None
        )
    audit_record(
        actor=None,
        action=f"payments.payment_{payment.status}",
        target=payment,
        unit=payment.request.dossier.unit,
        before={"status": PaymentStatus.PENDING, "request_status": request_before},
        after={
            "status": payment.status,
            "request_status": request.status,
            "dossier": dossier.code,
            "amount_vnd": payment.amount_vnd,
            "response_code": callback.response_code,
            "provider_txn_no": callback.transaction_no,
            "duplicate": payment.status == PaymentStatus.PAID and request_before == RequestStatus.PAID,
        },
    )
    return CallbackResult(*CONFIRMED, payment=payment)
