"""VNPay's protocol: what is signed and how, the redirect URL, and the IPN endpoint with the VNPay provider."""

import hashlib
import hmac

import pytest

from precinct.payments.models import PaymentStatus, RequestStatus
from precinct.payments.providers import InvalidCallback, get_provider
from precinct.payments.providers.vnpay import hash_data, query_string, sign, signature_valid
from precinct.payments.tests.conftest import start

# The example payment URL in VNPay's integration guide (2.1.0), without its signature.
DOC_QUERY = (
    "vnp_Amount=1806000&vnp_Command=pay&vnp_CreateDate=20210801153333&vnp_CurrCode=VND&vnp_IpAddr=127.0.0.1"
    "&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+don+hang+%3A5&vnp_OrderType=other"
    "&vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl&vnp_TmnCode=DEMOV210&vnp_TxnRef=5&vnp_Version=2.1.0"
)
DOC_PARAMS = {
    "vnp_Version": "2.1.0",
    "vnp_TxnRef": "5",
    "vnp_TmnCode": "DEMOV210",
    "vnp_ReturnUrl": "https://domainmerchant.vn/ReturnUrl",
    "vnp_OrderType": "other",
    "vnp_OrderInfo": "Thanh toan don hang :5",
    "vnp_Locale": "vn",
    "vnp_IpAddr": "127.0.0.1",
    "vnp_CurrCode": "VND",
    "vnp_CreateDate": "20210801153333",
    "vnp_Command": "pay",
    "vnp_Amount": "1806000",
}
SECRET = "vnpay-test-secret"


def test_signed_string_is_sorted_and_form_encoded_as_in_the_guide():
    assert hash_data(DOC_PARAMS) == DOC_QUERY
    signed = sign(SECRET, DOC_PARAMS)
    expected = hmac.new(SECRET.encode(), DOC_QUERY.encode(), hashlib.sha512).hexdigest()
    assert signed["vnp_SecureHash"] == expected and len(expected) == 128
    assert query_string(signed) == f"{DOC_QUERY}&vnp_SecureHash={expected}"
    # The signature and its type are never part of what is signed; case of the hex does not matter.
    assert signature_valid(SECRET, dict(signed, vnp_SecureHashType="HmacSHA512"))
    assert signature_valid(SECRET, dict(signed, vnp_SecureHash=expected.upper()))
    assert not signature_valid(SECRET, dict(signed, vnp_Amount="1806001"))
    assert not signature_valid("another-secret", signed)
    assert not signature_valid(SECRET, {k: v for k, v in signed.items() if k != "vnp_SecureHash"})


@pytest.fixture
def vnpay(settings):
    settings.PAYMENTS_PROVIDER = "vnpay"
    settings.VNPAY_TMN_CODE = "DEMOV210"
    settings.VNPAY_HASH_SECRET = SECRET
    settings.VNPAY_PAY_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    return get_provider("vnpay")


def test_redirect_url_carries_the_protocol_parameters(world, fee_request, vnpay):
    payment, params = start(world, fee_request)
    assert payment.provider == "vnpay"
    assert params["vnp_Version"] == "2.1.0" and params["vnp_Command"] == "pay" and params["vnp_CurrCode"] == "VND"
    assert params["vnp_TmnCode"] == "DEMOV210" and params["vnp_TxnRef"] == payment.txn_ref
    assert params["vnp_Amount"] == str(15000 * 100)
    assert params["vnp_ReturnUrl"] == "http://testserver/payments/return/"
    assert len(params["vnp_CreateDate"]) == 14 and params["vnp_ExpireDate"] > params["vnp_CreateDate"]
    assert params["vnp_OrderInfo"].isascii() and fee_request.dossier.code in params["vnp_OrderInfo"]
    assert signature_valid(SECRET, params)


def ipn_params(payment, **changes):
    """What VNPay's server sends to the IPN URL for a successful payment, signed with the merchant's secret."""
    return sign(
        SECRET,
        {
            "vnp_Amount": str(payment.amount_vnd * 100),
            "vnp_BankCode": "NCB",
            "vnp_BankTranNo": "VNP14422574",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": "Thanh toan le phi",
            "vnp_PayDate": "20261123103000",
            "vnp_ResponseCode": "00",
            "vnp_TmnCode": "DEMOV210",
            "vnp_TransactionNo": "14422574",
            "vnp_TransactionStatus": "00",
            "vnp_TxnRef": payment.txn_ref,
        }
        | changes,
    )


def test_ipn_endpoint_speaks_vnpay(world, client, fee_request, vnpay):
    payment, _params = start(world, fee_request)
    forged = dict(ipn_params(payment), vnp_Amount="100")
    assert client.get("/api/v1/payments/ipn/vnpay", forged).json() == {"RspCode": "97", "Message": "Invalid signature"}
    wrong_amount = ipn_params(payment, vnp_Amount="100")
    assert client.get("/api/v1/payments/ipn/vnpay", wrong_amount).json()["RspCode"] == "04"
    other_merchant = ipn_params(payment, vnp_TmnCode="OTHER123")
    assert client.get("/api/v1/payments/ipn/vnpay", other_merchant).json()["RspCode"] == "97"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING

    good = ipn_params(payment)
    response = client.get("/api/v1/payments/ipn/vnpay", good)
    assert response.status_code == 200 and response.json() == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    fee_request.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.provider_txn_no == "14422574"
    assert payment.bank_code == "NCB" and payment.provider_paid_at == "20261123103000"
    assert fee_request.status == RequestStatus.PAID
    assert client.get("/api/v1/payments/ipn/vnpay", good).json()["RspCode"] == "02"  # VNPay's retry: no change
    assert client.get("/api/v1/payments/ipn/paypal", good).status_code == 404


def test_verify_callback_reports_what_is_wrong(vnpay):
    with pytest.raises(InvalidCallback, match="bad_signature"):
        vnpay.verify_callback({"vnp_TxnRef": "1"})
    with pytest.raises(InvalidCallback, match="other_merchant"):
        vnpay.verify_callback(sign(SECRET, {"vnp_TxnRef": "1", "vnp_TmnCode": "OTHER123"}))


def test_ipn_for_an_unconfigured_provider_is_refused_and_audited(world, client, settings):
    from precinct.audit.models import AuditEvent

    settings.VNPAY_TMN_CODE = settings.VNPAY_HASH_SECRET = ""
    forged = sign("guess", {"vnp_TxnRef": "X1", "vnp_Amount": "100", "vnp_TmnCode": "DEMOV210"})
    assert client.get("/api/v1/payments/ipn/vnpay", forged).json()["RspCode"] == "97"
    assert AuditEvent.objects.get(action="payments.callback_refused").after["reason"] == "provider_not_configured"
