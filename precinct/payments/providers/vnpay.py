"""VNPay's public protocol (version 2.1.0, HMAC-SHA512).

- Pay: the payer is redirected to `pay_url` with vnp_* parameters; vnp_SecureHash is the hex HMAC-SHA512,
  under the merchant's hash secret, of the parameters sorted by name and URL-encoded (`key=value&...`,
  form encoding, vnp_SecureHash and vnp_SecureHashType left out). Amounts are VND ×100.
- Return URL (browser) and IPN (server to server, GET) carry the result signed the same way. The IPN is
  the one that counts; the merchant answers it with `{"RspCode": "..", "Message": ".."}`.
- querydr: a JSON POST to `api_url` signed over `|`-joined fields; the answer is signed the same way.
"""

import datetime
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

from precinct.core.api_types import int_param
from precinct.core.calendar import LOCAL_TZ
from precinct.payments.providers.base import (
    EXPIRE_MINUTES,
    Callback,
    InvalidCallback,
    Provider,
    ProviderError,
    ProviderState,
)

if TYPE_CHECKING:
    from precinct.payments.models import Payment

VERSION = "2.1.0"
UNSIGNED = ("vnp_SecureHash", "vnp_SecureHashType")
QUERY_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERY_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)


def hmac_sha512(secret: str, data: str) -> str:
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def hash_data(params: Mapping[str, str]) -> str:
    """The signed string: vnp_* parameters (signature excluded) sorted and encoded."""
    items = sorted((k, str(v)) for k, v in params.items() if k.startswith("vnp_") and k not in UNSIGNED)
    return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in items)


def sign(secret: str, params: Mapping[str, str]) -> dict[str, str]:
    """The parameters with their vnp_SecureHash added."""
    signed = {k: str(v) for k, v in params.items() if k not in UNSIGNED}
    signed["vnp_SecureHash"] = hmac_sha512(secret, hash_data(signed))
    return signed


def signature_valid(secret: str, params: Mapping[str, str]) -> bool:
    given = str(params.get("vnp_SecureHash") or "").lower()
    return bool(given) and hmac.compare_digest(given, hmac_sha512(secret, hash_data(params)))


def query_string(params: Mapping[str, str]) -> str:
    """Sorted and encoded exactly as signed, the signature last."""
    body = hash_data(params)
    return f"{body}&vnp_SecureHash={params['vnp_SecureHash']}" if "vnp_SecureHash" in params else body


def local_stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%Y%m%d%H%M%S")


def order_info(payment: "Payment") -> str:
    # Plain ASCII without accents, as VNPay asks for vnp_OrderInfo.
    return f"Thanh toan le phi ho so {payment.request.dossier.code} {payment.txn_ref}"


class VnpayProvider(Provider):
    name = "vnpay"
    expire_minutes = EXPIRE_MINUTES

    def __init__(self, *, tmn_code: str, secret: str, pay_url: str, api_url: str, timeout: float = 10.0) -> None:
        self.tmn_code = tmn_code
        self.secret = secret
        self.pay_url = pay_url
        self.api_url = api_url
        self.timeout = timeout

    # --- pay -------------------------------------------------------------------------------------------

    def pay_params(self, payment: "Payment", *, return_url: str, client_ip: str, language: str) -> dict[str, str]:
        created = payment.created_at
        return sign(
            self.secret,
            {
                "vnp_Version": VERSION,
                "vnp_Command": "pay",
                "vnp_TmnCode": self.tmn_code,
                "vnp_Amount": str(payment.amount_vnd * 100),
                "vnp_CurrCode": "VND",
                "vnp_TxnRef": payment.txn_ref,
                "vnp_OrderInfo": order_info(payment),
                "vnp_OrderType": "other",
                "vnp_Locale": "en" if language.startswith("en") else "vn",
                "vnp_ReturnUrl": return_url,
                "vnp_IpAddr": client_ip or "127.0.0.1",
                "vnp_CreateDate": local_stamp(created),
                "vnp_ExpireDate": local_stamp(created + datetime.timedelta(minutes=self.expire_minutes)),
            },
        )

    def redirect_url(self, payment: "Payment", *, return_url: str, client_ip: str, language: str) -> str:
        params = self.pay_params(payment, return_url=return_url, client_ip=client_ip, language=language)
        return f"{self.pay_url}?{query_string(params)}"

    # --- callbacks -------------------------------------------------------------------------------------

    def verify_callback(self, params: Mapping[str, str]) -> Callback:
        if not signature_valid(self.secret, params):
            raise InvalidCallback("bad_signature")
        if params.get("vnp_TmnCode") != self.tmn_code:
            raise InvalidCallback("other_merchant")
        raw_amount = str(params.get("vnp_Amount") or "")
        cents = int_param(raw_amount, low=0)  # "²" passes isdigit() and fails int(); so do 5,000 digits
        amount = cents // 100 if cents is not None and cents % 100 == 0 else None
        return Callback(
            txn_ref=str(params.get("vnp_TxnRef") or ""),
            amount_vnd=amount,
            response_code=str(params.get("vnp_ResponseCode") or ""),
            transaction_status=str(params.get("vnp_TransactionStatus") or ""),
            transaction_no=str(params.get("vnp_TransactionNo") or "")[:40],
            bank_code=str(params.get("vnp_BankCode") or "")[:20],
            pay_date=str(params.get("vnp_PayDate") or "")[:14],
        )

    # --- querydr ---------------------------------------------------------------------------------------

    def query(self, payment: "Payment") -> ProviderState:
        from django.utils import timezone

        request = {
            "vnp_RequestId": secrets.token_hex(16),
            "vnp_Version": VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": payment.txn_ref,
            "vnp_OrderInfo": f"Doi soat giao dich {payment.txn_ref}",
            "vnp_TransactionDate": local_stamp(payment.created_at),
            "vnp_CreateDate": local_stamp(timezone.now()),
            "vnp_IpAddr": "127.0.0.1",
        }
        request["vnp_SecureHash"] = hmac_sha512(self.secret, "|".join(request[f] for f in QUERY_REQUEST_FIELDS))
        http_request = urllib.request.Request(  # noqa: S310 (the URL is the operator's setting, https in production)
            self.api_url,
            data=json.dumps(request).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(http_request, timeout=self.timeout) as response:  # noqa: S310
                answer: dict[str, Any] = json.loads(response.read().decode())
        except (urllib.error.URLError, TimeoutError, ValueError, OSError) as exc:
            raise ProviderError(f"querydr failed: {exc}") from exc
        return self.read_query_answer(answer, payment)

    def read_query_answer(self, answer: dict[str, Any], payment: "Payment") -> ProviderState:
        expected = hmac_sha512(self.secret, "|".join(str(answer.get(f) or "") for f in QUERY_RESPONSE_FIELDS))
        if not hmac.compare_digest(str(answer.get("vnp_SecureHash") or "").lower(), expected):
            raise ProviderError("querydr answer is not signed by the provider")
        code = str(answer.get("vnp_ResponseCode") or "")
        if code == "91":
            return ProviderState("not_found", detail="91")
        if code != "00":
            raise ProviderError(f"querydr refused: {code} {answer.get('vnp_Message', '')}")
        if answer.get("vnp_TxnRef") != payment.txn_ref:
            raise ProviderError("querydr answered about another transaction")
        raw = str(answer.get("vnp_Amount") or "")
        cents = int_param(raw, low=0)
        amount = cents // 100 if cents is not None else None
        status = str(answer.get("vnp_TransactionStatus") or "")
        state = {"00": "paid", "01": "pending", "02": "failed"}.get(status, "failed")
        return ProviderState(state, amount, detail=status)
