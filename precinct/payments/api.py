import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Router, Schema
from ninja.responses import Status

from precinct.accounts.services import client_address
from precinct.core.api_support import ErrorOut, signed_in
from precinct.core.api_types import Id
from precinct.core.errors import NotFound
from precinct.core.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from precinct.eservices.selectors import dossier_get
from precinct.payments import selectors, services
from precinct.payments.models import Payment, PaymentRequest
from precinct.payments.providers import NAMES
from precinct.payments.receipt import payment_receipt_pdf
from precinct.payments.views import return_url

router = Router(tags=["payments"])


class PaymentOut(Schema):
    txn_ref: str
    provider: str
    amount_vnd: int
    status: str
    created_at: datetime.datetime
    completed_at: datetime.datetime | None
    receipt_url: str | None

    @staticmethod
    def resolve_receipt_url(obj: Payment) -> str | None:
        return f"/api/v1/payments/{obj.txn_ref}/receipt" if obj.status == "paid" else None


class PaymentRequestOut(Schema):
    id: int
    purpose: str
    label: str
    amount_vnd: int
    status: str
    required_for: list[str]
    created_at: datetime.datetime
    paid_at: datetime.datetime | None
    payments: list[PaymentOut]

    @staticmethod
    def resolve_payments(obj: PaymentRequest) -> list[Payment]:
        return list(obj.payments.all())


class StartOut(Schema):
    txn_ref: str
    provider: str
    amount_vnd: int
    redirect_url: str


class IpnOut(Schema):
    RspCode: str
    Message: str


@router.get("/dossiers/{code}/payments", response=list[PaymentRequestOut], auth=signed_in)
def payment_request_list(request: HttpRequest, code: str) -> list[PaymentRequest]:
    """The fees billed on a dossier, each with its payment attempts. Visible to whoever sees the dossier."""
    dossier = dossier_get(actor=request.user, code=code)
    return list(selectors.payment_request_list(actor=request.user, dossier=dossier))


@router.post(
    "/dossiers/{code}/payments/{request_id}/start",
    response={201: StartOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=signed_in,
    openapi_extra={"parameters": [IDEMPOTENCY_KEY_PARAMETER]},
)
@idempotent("payments.payment_start")
def payment_start(request: HttpRequest, response: HttpResponse, code: str, request_id: Id) -> Status[dict]:
    """The applicant starts paying a fee: answers the provider's URL to send the payer to. The fee counts
    as paid only once the provider's signed notification (IPN) confirms it. With an `Idempotency-Key`
    header, a retry answers the same attempt (same reference and URL, header `Idempotent-Replayed: true`)
    instead of starting another."""
    payment_request = selectors.payment_request_get(actor=request.user, pk=request_id, code=code)
    payment, url = services.payment_start(
        actor=request.user,
        request=payment_request,
        return_url=return_url(request),
        client_ip=client_address(request),
        language=get_language() or "vi",
    )
    return Status(
        201,
        {
            "txn_ref": payment.txn_ref,
            "provider": payment.provider,
            "amount_vnd": payment.amount_vnd,
            "redirect_url": url,
        },
    )


@router.get("/payments/ipn/{provider}", response=IpnOut, auth=None)
def payment_ipn(request: HttpRequest, provider: str) -> dict[str, str]:
    """The provider's server-to-server notification (VNPay's IPN, a GET with signed vnp_* parameters).
    Answers VNPay's `{"RspCode", "Message"}`: 00 confirmed, 01 unknown order, 02 already confirmed
    (replay), 04 invalid amount, 97 invalid signature. Anything but 00 changed nothing and is audited."""
    if provider not in NAMES:
        raise NotFound()
    return services.payment_callback(provider=provider, params=request.GET.dict()).body()


@router.get("/payments/{txn_ref}/receipt", auth=signed_in, response={200: None, 404: ErrorOut})
def payment_receipt(request: HttpRequest, txn_ref: str) -> HttpResponse:
    """The receipt (PDF) of a paid payment, for the payer and the officers who see the dossier."""
    payment = selectors.paid_payment_get(actor=request.user, txn_ref=txn_ref)
    response = HttpResponse(payment_receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-lai-{payment.txn_ref}.pdf"'
    return response
