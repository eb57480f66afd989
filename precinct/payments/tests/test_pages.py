import pytest

from precinct.audit.models import AuditEvent
from precinct.payments.models import Payment, PaymentStatus, RequestStatus, SandboxTransaction
from precinct.payments.tests.conftest import url_params
from precinct.testing import Expect, assert_matrix

pytestmark = pytest.mark.django_db


def pay_in_sandbox(client, request, choice="pay"):
    """The citizen's browser: "Pay online" on the dossier page, then a button on the sandbox page."""
    to_sandbox = client.post(f"/payments/requests/{request.pk}/pay/")
    assert to_sandbox.status_code == 302 and to_sandbox["Location"].startswith("/payments/sandbox/?")
    page = client.get(to_sandbox["Location"])
    assert page.status_code == 200
    params = url_params(to_sandbox["Location"])
    back = client.post("/payments/sandbox/", params | {"choice": choice})
    assert back.status_code == 302 and back["Location"].startswith("http://testserver/payments/return/?")
    return page, params, back


def test_citizen_pays_from_the_dossier_page_through_the_sandbox(world, fee_request):
    citizen = world.client("citizen")
    dossier_url = f"/dossiers/{fee_request.dossier.code}/"
    page = citizen.get(dossier_url).content.decode()
    assert 'data-testid="pay"' in page and "15.000 ₫" in page

    sandbox, params, back = pay_in_sandbox(citizen, fee_request)
    assert "15.000 ₫" in sandbox.content.decode() and 'data-testid="sandbox-pay"' in sandbox.content.decode()
    ledger = SandboxTransaction.objects.get(txn_ref=params["vnp_TxnRef"])
    assert ledger.amount == 1500000 and ledger.response_code == "00"
    fee_request.refresh_from_db()
    assert fee_request.status == RequestStatus.PAID  # settled by the IPN, before the browser came back

    returned = citizen.get(back["Location"])
    assert returned.status_code == 302 and returned["Location"] == dossier_url
    page = citizen.get(dossier_url).content.decode()
    assert 'data-testid="pay"' not in page and 'data-testid="payment-receipt"' in page
    payment = Payment.objects.get(txn_ref=params["vnp_TxnRef"])
    receipt = citizen.get(f"/payments/{payment.txn_ref}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")

    # Pressing "Pay" again (back button, double click) neither charges nor notifies twice.
    again = citizen.post("/payments/sandbox/", params | {"choice": "pay"})
    assert again.status_code == 200 and "payments/return/?" in again.content.decode()
    assert SandboxTransaction.objects.count() == 1
    assert AuditEvent.objects.filter(action="payments.payment_paid").count() == 1


def test_cancel_in_the_sandbox_leaves_the_fee_unpaid(world, fee_request):
    citizen = world.client("citizen")
    _page, params, back = pay_in_sandbox(citizen, fee_request, choice="cancel")
    assert Payment.objects.get(txn_ref=params["vnp_TxnRef"]).status == PaymentStatus.CANCELLED
    citizen.get(back["Location"])
    page = citizen.get(f"/dossiers/{fee_request.dossier.code}/").content.decode()
    assert 'data-testid="pay"' in page  # may pay again


def test_sandbox_refuses_an_altered_request(world, fee_request):
    citizen = world.client("citizen")
    to_sandbox = citizen.post(f"/payments/requests/{fee_request.pk}/pay/")
    params = url_params(to_sandbox["Location"])
    cheaper = params | {"vnp_Amount": "100"}
    assert citizen.get("/payments/sandbox/", cheaper).status_code == 400
    response = citizen.post("/payments/sandbox/", cheaper | {"choice": "pay"})
    assert response.status_code == 400
    elsewhere = params | {"vnp_ReturnUrl": "https://evil.example/steal"}
    assert citizen.post("/payments/sandbox/", elsewhere | {"choice": "pay"}).status_code == 400
    assert not SandboxTransaction.objects.exists()
    fee_request.refresh_from_db()
    assert fee_request.status == RequestStatus.UNPAID


def test_forged_return_url_changes_nothing(world, fee_request):
    citizen = world.client("citizen")
    to_sandbox = citizen.post(f"/payments/requests/{fee_request.pk}/pay/")
    params = url_params(to_sandbox["Location"])
    forged = {"vnp_TxnRef": params["vnp_TxnRef"], "vnp_ResponseCode": "00", "vnp_Amount": params["vnp_Amount"]}
    response = citizen.get("/payments/return/", forged, follow=True)
    assert "không xác minh được" in response.content.decode()
    fee_request.refresh_from_db()
    assert fee_request.status == RequestStatus.UNPAID
    assert citizen.get("/payments/return/", {"vnp_TxnRef": "NOPE"}).status_code == 404


def test_officer_sees_paid_or_unpaid_on_the_dossier_and_in_the_inbox(world, fee_request):
    officer = world.client("officer_a")
    page = officer.get(f"/dossiers/{fee_request.dossier.code}/").content.decode()
    assert 'data-testid="fee-status"' in page and "Chưa thanh toán" in page and 'data-testid="pay"' not in page
    inbox = officer.get("/dossiers/").content.decode()
    assert "Chưa nộp phí" in inbox

    pay_in_sandbox(world.client("citizen"), fee_request)
    page = officer.get(f"/dossiers/{fee_request.dossier.code}/").content.decode()
    assert "Đã thanh toán" in page and 'data-testid="payment-receipt"' in page
    assert "Đã nộp phí" in officer.get("/dossiers/").content.decode()


def test_receipt_page_is_scoped(world, fee_request):
    _page, params, _back = pay_in_sandbox(world.client("citizen"), fee_request)
    ref = params["vnp_TxnRef"]
    pdf = Expect(200, shows=("%PDF",))
    assert_matrix(
        world,
        lambda c: c.get(f"/payments/{ref}/receipt.pdf"),
        {
            "anonymous": 302,
            "citizen": pdf,
            "officer_a": pdf,
            "duty_a": pdf,
            "leader_a": pdf,
            "officer_b": 404,
            "officer_dept": 404,
            "leader_p": pdf,
            "admin_p": pdf,
            "superuser": pdf,
        },
    )


def test_only_the_applicant_can_press_pay(world, fee_request):
    assert world.client("officer_a").post(f"/payments/requests/{fee_request.pk}/pay/").status_code == 302
    assert not Payment.objects.exists()
    assert world.client("officer_b").post(f"/payments/requests/{fee_request.pk}/pay/").status_code == 404


def test_sandbox_is_off_when_disabled(world, client, settings):
    settings.PAYMENTS_SANDBOX_ENABLED = False
    assert client.get("/payments/sandbox/").status_code == 404


def test_admin_lists_payments_read_only_within_reach(world, fee_request):
    _page, params, _back = pay_in_sandbox(world.client("citizen"), fee_request)
    ref = params["vnp_TxnRef"]
    listed = Expect(200, shows=(ref,))
    assert_matrix(
        world,
        lambda c: c.get("/admin/payments/payment/"),
        {
            "anonymous": 302,
            "citizen": 302,
            "officer_a": 302,
            "duty_a": 302,
            "leader_a": 302,
            "officer_b": 302,
            "officer_dept": 302,
            "leader_p": 302,
            "admin_p": listed,
            "superuser": listed,
        },
    )
    payment = Payment.objects.get(txn_ref=ref)
    change = world.client("admin_p").post(f"/admin/payments/payment/{payment.pk}/change/", {"status": "failed"})
    assert change.status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


def test_expired_and_abandoned_attempts_show_as_such_and_the_paid_one_comes_first(world, fee_request):
    import datetime
    import re

    from django.utils import timezone

    from precinct.payments.services import payment_callback
    from precinct.payments.tests.conftest import sandbox_callback, start

    citizen = world.client("citizen")
    dossier_url = f"/dossiers/{fee_request.dossier.code}/"
    first, _params = start(world, fee_request)  # opened the provider's page, then left it
    Payment.objects.filter(pk=first.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=16))
    fresh, _params = start(world, fee_request)  # a second try, still within the provider's 15 minutes

    def states():
        page = citizen.get(dossier_url).content.decode()
        return re.findall(r'data-testid="attempt" data-state="(\w+)"', page), page

    found, page = states()
    assert found == ["pending", "expired"] and "Đã hết hạn (chưa thanh toán)" in page
    third, params = start(world, fee_request)
    assert payment_callback(provider="sandbox", params=sandbox_callback(params)).accepted
    found, page = states()
    # The paid attempt first, then the one left pending (abandoned: the fee is paid) and the expired one.
    assert found == ["paid", "abandoned", "abandoned"]
    assert page.index(third.txn_ref) < page.index(fresh.txn_ref) < page.index(first.txn_ref)
    assert "Đã bỏ dở (chưa thanh toán)" in page
