from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from precinct.accounts.services import client_address
from precinct.core.api_types import int_param
from precinct.core.errors import DomainError
from precinct.payments import selectors, services
from precinct.payments.fees import vnd
from precinct.payments.models import Payment, PaymentStatus, SandboxTransaction
from precinct.payments.providers import InvalidCallback, get_provider
from precinct.payments.providers.sandbox import SandboxProvider
from precinct.payments.providers.vnpay import query_string, signature_valid
from precinct.payments.receipt import payment_receipt_pdf
from precinct.payments.selectors import one


def return_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("payments:return"))


@login_required
@require_POST
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant's "Pay" button: start a payment and go to the provider's page."""
    payment_request = selectors.payment_request_get(actor=request.user, pk=pk)
    try:
        _payment, url = services.payment_start(
            actor=request.user,
            request=payment_request,
            return_url=return_url(request),
            client_ip=client_address(request),
            language=get_language() or "vi",
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("eservices:dossier", code=payment_request.dossier.code)
    return redirect(url)


@require_GET
def payment_return(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the payer back. It only informs: the IPN, not this page, settles payments
    (a browser can replay or forge this URL; it is verified all the same, and never changes anything)."""
    params = request.GET.dict()
    payment = one(Payment.objects.select_related("request__dossier").filter(txn_ref=params.get("vnp_TxnRef", "")))
    if payment is None:
        raise Http404
    try:
        get_provider(payment.provider).verify_callback(params)
    except InvalidCallback:
        messages.error(request, _("The payment result could not be verified. The fee stays unpaid."))
        return redirect("eservices:dossier", code=payment.request.dossier.code)
    payment.refresh_from_db()
    if payment.status == PaymentStatus.PAID:
        messages.success(request, _("Payment received: %(amount)s.") % {"amount": vnd(payment.amount_vnd)})
    elif payment.status == PaymentStatus.PENDING:
        messages.info(request, _("Waiting for the payment provider to confirm the payment."))
    else:
        messages.error(request, _("The payment was not completed. The fee stays unpaid; you can pay again."))
    return redirect("eservices:dossier", code=payment.request.dossier.code)


@login_required
def receipt(request: HttpRequest, txn_ref: str) -> HttpResponse:
    payment = selectors.paid_payment_get(actor=request.user, txn_ref=txn_ref)
    response = HttpResponse(payment_receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-lai-{payment.txn_ref}.pdf"'
    return response


# --- the sandbox provider's own page ---------------------------------------------------------------------


def _sandbox_enabled() -> None:
    if not settings.PAYMENTS_SANDBOX_ENABLED:
        raise Http404


def sandbox_pay(request: HttpRequest) -> HttpResponse:
    """The sandbox's payment page, standing in for VNPay's: it checks the merchant's signed request,
    shows the amount, and on "Pay" or "Cancel" records the outcome, notifies the merchant (IPN) with a
    callback signed by the sandbox secret, and returns the payer to the merchant's return URL."""
    _sandbox_enabled()
    provider = SandboxProvider()
    params = (request.POST if request.method == "POST" else request.GET).dict()
    choice = params.pop("choice", "")
    params.pop("csrfmiddlewaretoken", None)
    if not signature_valid(provider.secret, params) or params.get("vnp_TmnCode") != provider.tmn_code:
        return render(request, "payments/sandbox.html", {"invalid": True}, status=400)
    back = params.get("vnp_ReturnUrl", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return render(request, "payments/sandbox.html", {"invalid": True}, status=400)
    done = one(SandboxTransaction.objects.filter(txn_ref=params.get("vnp_TxnRef", "")))
    if request.method == "POST" and choice in ("pay", "cancel") and done is None:
        code = "00" if choice == "pay" else "24"
        callback = provider.callback_params(params, response_code=code)
        try:
            with transaction.atomic():
                SandboxTransaction.objects.create(
                    txn_ref=callback["vnp_TxnRef"],
                    amount=int(callback["vnp_Amount"]),
                    response_code=code,
                    transaction_no=callback["vnp_TransactionNo"],
                    pay_date=callback["vnp_PayDate"],
                )
        except IntegrityError:
            pass  # a double click: the first one already paid
        else:
            # The IPN, through the very handler the /ipn endpoint runs (no network hop in-process).
            services.payment_callback(provider=provider.name, params=callback)
            return redirect(f"{back}?{query_string(callback)}")
    if done is not None:  # already processed: offer the way back with the recorded outcome, signed again
        callback = provider.callback_params(
            params, response_code=done.response_code, transaction_no=done.transaction_no, pay_date=done.pay_date
        )
        back = f"{back}?{query_string(callback)}"
    amount = (int_param(params.get("vnp_Amount", ""), low=0) or 0) // 100
    return render(
        request,
        "payments/sandbox.html",
        {"params": params, "amount": vnd(amount), "done": done, "back": back},
    )
