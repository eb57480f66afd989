"""The sandbox provider: VNPay's protocol end to end, with a local payment page instead of a bank.

The merchant side is the VNPay code itself (same signing, same verification, same IPN path); only the
terminal code, the secret and the page differ. The page (payments.views.sandbox_pay) checks the merchant's
signature, shows the amount with "Pay" and "Cancel", records the outcome in its own ledger
(SandboxTransaction), calls the IPN handler with a callback signed by the sandbox secret, and sends the
browser to the return URL, as VNPay does.
"""

import hashlib
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from precinct.payments.providers.base import ProviderState
from precinct.payments.providers.vnpay import VERSION, VnpayProvider, local_stamp, sign

if TYPE_CHECKING:
    from precinct.payments.models import Payment

TMN_CODE = "SANDBOX1"


def sandbox_secret() -> str:
    configured: str = settings.PAYMENTS_SANDBOX_SECRET
    if configured:
        return configured
    # Derived, never the SECRET_KEY itself: a leaked sandbox signature says nothing about the key.
    return hashlib.sha256(f"precinct-payments-sandbox:{settings.SECRET_KEY}".encode()).hexdigest()


class SandboxProvider(VnpayProvider):
    name = "sandbox"

    def __init__(self) -> None:
        super().__init__(tmn_code=TMN_CODE, secret=sandbox_secret(), pay_url=reverse("payments:sandbox"), api_url="")

    def pay_params(self, payment: "Payment", *, return_url: str, client_ip: str, language: str) -> dict[str, str]:
        # The sandbox page is ours: its URL, query and all, passes through our own server's access log, so it
        # carries no payer's address (VNPay needs one; the sandbox does not).
        return super().pay_params(payment, return_url=return_url, client_ip="", language=language)

    def callback_params(
        self, pay_params: Mapping[str, str], *, response_code: str, transaction_no: str = "", pay_date: str = ""
    ) -> dict[str, str]:
        """The result the sandbox 'bank' reports for a payment request it was shown, signed as VNPay does."""
        return sign(
            self.secret,
            {
                "vnp_TmnCode": self.tmn_code,
                "vnp_Amount": pay_params["vnp_Amount"],
                "vnp_BankCode": "SANDBOX",
                "vnp_CardType": "ATM",
                "vnp_OrderInfo": pay_params.get("vnp_OrderInfo", ""),
                "vnp_PayDate": pay_date or local_stamp(timezone.now()),
                "vnp_ResponseCode": response_code,
                "vnp_TransactionNo": transaction_no or str(secrets.randbelow(90_000_000) + 10_000_000),
                "vnp_TransactionStatus": "00" if response_code == "00" else "02",
                "vnp_TxnRef": pay_params["vnp_TxnRef"],
            },
        )

    def query(self, payment: "Payment") -> ProviderState:
        from precinct.payments.models import SandboxTransaction
        from precinct.payments.selectors import one

        row = one(SandboxTransaction.objects.filter(txn_ref=payment.txn_ref))
        if row is None:
            return ProviderState("not_found")
        status = "paid" if row.response_code == "00" else ("cancelled" if row.response_code == "24" else "failed")
        return ProviderState(status, row.amount // 100, detail=row.response_code)


__all__ = ["TMN_CODE", "VERSION", "SandboxProvider", "sandbox_secret"]
