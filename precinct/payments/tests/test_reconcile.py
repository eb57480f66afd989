"""Reconciliation against a real local HTTP server playing VNPay's querydr API, and against the sandbox's
own ledger."""

import hashlib
import hmac
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from precinct.eservices.services import dossier_submit
from precinct.payments.models import Payment, PaymentRequest, PaymentStatus, SandboxTransaction
from precinct.payments.providers.vnpay import QUERY_REQUEST_FIELDS, QUERY_RESPONSE_FIELDS
from precinct.payments.reconcile import reconcile
from precinct.payments.services import payment_callback
from precinct.payments.tests.conftest import sandbox_callback, start
from precinct.payments.tests.test_vnpay import SECRET, ipn_params

pytestmark = pytest.mark.django_db


def _mac(fields, values) -> str:
    data = "|".join(str(values.get(f, "")) for f in fields)
    return hmac.new(SECRET.encode(), data.encode(), hashlib.sha512).hexdigest()


class FakeVnpay:
    """VNPay's querydr endpoint: checks the merchant's signature, answers signed from `ledger`
    ({txn_ref: (transaction status, amount ×100)}); `forge` signs answers with a wrong secret."""

    def __init__(self) -> None:
        self.ledger: dict[str, tuple[str, int]] = {}
        self.requests: list[dict] = []
        self.forge = False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(body)
                answer = fake.answer(body)
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/merchant_webapi/api/transaction"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, body: dict) -> dict:
        answer = {"vnp_ResponseId": "R1", "vnp_Command": "querydr", "vnp_TmnCode": body.get("vnp_TmnCode", "")}
        if body.get("vnp_SecureHash") != _mac(QUERY_REQUEST_FIELDS, body) or body.get("vnp_Command") != "querydr":
            answer |= {"vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"}
        elif body["vnp_TxnRef"] not in self.ledger:
            answer |= {"vnp_ResponseCode": "91", "vnp_Message": "Not found", "vnp_TxnRef": body["vnp_TxnRef"]}
        else:
            status, amount = self.ledger[body["vnp_TxnRef"]]
            answer |= {
                "vnp_ResponseCode": "00",
                "vnp_Message": "QueryDR Success",
                "vnp_TxnRef": body["vnp_TxnRef"],
                "vnp_Amount": str(amount),
                "vnp_BankCode": "NCB",
                "vnp_PayDate": "20261123103000",
                "vnp_TransactionNo": "14422574",
                "vnp_TransactionType": "01",
                "vnp_TransactionStatus": status,
                "vnp_OrderInfo": body.get("vnp_OrderInfo", ""),
                "vnp_PromotionCode": "",
                "vnp_PromotionAmount": "",
            }
        answer["vnp_SecureHash"] = "0" * 128 if self.forge else _mac(QUERY_RESPONSE_FIELDS, answer)
        return answer


@pytest.fixture
def fake_vnpay(settings):
    fake = FakeVnpay()
    fake.thread.start()
    settings.PAYMENTS_PROVIDER = "vnpay"
    settings.VNPAY_TMN_CODE, settings.VNPAY_HASH_SECRET, settings.VNPAY_API_URL = "DEMOV210", SECRET, fake.url
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def _paid_via_ipn(world, request) -> Payment:
    payment, _params = start(world, request)
    assert payment_callback(provider="vnpay", params=ipn_params(payment)).accepted
    payment.refresh_from_db()
    return payment


def test_vnpay_reconciliation_lists_only_disagreements(world, fee_request, fake_vnpay, catalogue):
    agreed = _paid_via_ipn(world, fee_request)
    fake_vnpay.ledger[agreed.txn_ref] = ("00", 1500000)

    # Four more dossiers' payments, each with a different story on VNPay's side.
    others = []
    for _ in range(4):
        dossier = dossier_submit(
            actor=world.users["citizen"],
            procedure=fee_request.dossier.version.procedure,
            form_data={"dia_chi": "A", "den_ngay": "2027-06-30"},
            unit_code=world.ward_a.code,
        )
        others.append(PaymentRequest.objects.get(dossier=dossier))
    lost_ipn, _ = start(world, others[0])  # paid at VNPay, but the IPN never reached us
    fake_vnpay.ledger[lost_ipn.txn_ref] = ("00", 1500000)
    phantom = _paid_via_ipn(world, others[1])  # paid here, unknown at VNPay
    short = _paid_via_ipn(world, others[2])  # paid here, VNPay took another amount
    fake_vnpay.ledger[short.txn_ref] = ("00", 100000)
    abandoned, _ = start(world, others[3])  # the payer never went through: agree (no money moved)

    report = reconcile()
    assert report.checked == 5 and not report.errors
    found = {(d.txn_ref, d.ours, d.theirs) for d in report.disagreements}
    assert found == {
        (lost_ipn.txn_ref, "pending", "paid"),
        (phantom.txn_ref, "paid", "not_found"),
        (short.txn_ref, "paid", "paid"),
    }
    assert agreed.txn_ref not in {d.txn_ref for d in report.disagreements}
    assert abandoned.txn_ref not in {d.txn_ref for d in report.disagreements}
    # Every query reached the server signed, with the original transaction's date.
    assert len(fake_vnpay.requests) == 5 and all(r["vnp_Command"] == "querydr" for r in fake_vnpay.requests)

    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("payments_reconcile", stdout=out)
    assert exit_status.value.code == 1
    text = out.getvalue()
    assert f"DISAGREE {phantom.txn_ref}" in text and "5 payments checked, 3 disagree" in text
    assert f"DISAGREE {agreed.txn_ref}" not in text


def test_an_answer_not_signed_by_vnpay_is_not_believed(world, fee_request, fake_vnpay):
    payment = _paid_via_ipn(world, fee_request)
    fake_vnpay.ledger[payment.txn_ref] = ("00", 1500000)
    fake_vnpay.forge = True
    report = reconcile()
    assert report.checked == 0 and report.errors[0][0] == payment.txn_ref and "not signed" in report.errors[0][1]


def test_unreachable_vnpay_is_reported(world, fee_request, fake_vnpay, settings):
    _paid_via_ipn(world, fee_request)
    fake_vnpay.server.shutdown()
    fake_vnpay.server.server_close()
    report = reconcile()
    assert report.checked == 0 and len(report.errors) == 1


def test_sandbox_reconciliation_uses_its_ledger(world, fee_request):
    payment, params = start(world, fee_request)
    SandboxTransaction.objects.create(
        txn_ref=payment.txn_ref, amount=1500000, response_code="00", transaction_no="1", pay_date="20261123103000"
    )
    assert payment_callback(provider="sandbox", params=sandbox_callback(params)).accepted
    assert reconcile(provider="sandbox").disagreements == []
    out = io.StringIO()
    call_command("payments_reconcile", "--provider", "sandbox", stdout=out)
    assert "1 payments checked, 0 disagree" in out.getvalue()

    SandboxTransaction.objects.filter(txn_ref=payment.txn_ref).update(response_code="24")  # the bank says cancelled
    [row] = reconcile(provider="sandbox").disagreements
    assert (row.txn_ref, row.ours, row.theirs) == (payment.txn_ref, PaymentStatus.PAID, "cancelled")
