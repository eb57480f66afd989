import io

import pytest
from pypdf import PdfReader

from precinct.payments.models import Payment
from precinct.payments.services import payment_callback
from precinct.payments.tests.conftest import sandbox_callback, start, url_params
from precinct.testing import Expect, assert_matrix

pytestmark = pytest.mark.django_db

SEES_THE_DOSSIER = {
    "citizen": 200,
    "officer_a": 200,
    "duty_a": 200,
    "leader_a": 200,
    "officer_b": 404,
    "officer_dept": 404,
    "leader_p": 200,
    "admin_p": 200,
    "superuser": 200,
}


@pytest.fixture
def paid(world, fee_request) -> Payment:
    payment, params = start(world, fee_request)
    assert payment_callback(provider="sandbox", params=sandbox_callback(params)).accepted
    payment.refresh_from_db()
    return payment


def test_payment_requests_are_as_visible_as_the_dossier(world, fee_request):
    code = fee_request.dossier.code
    assert_matrix(
        world,
        lambda c: c.get(f"/api/v1/dossiers/{code}/payments"),
        {"anonymous": 401}
        | {
            actor: Expect(status, shows=('"amount_vnd": 15000', '"status": "unpaid"') if status == 200 else ())
            for actor, status in SEES_THE_DOSSIER.items()
        },
        api=True,
    )


def test_start_answers_the_provider_url_to_the_applicant_only(world, fee_request):
    url = f"/api/v1/dossiers/{fee_request.dossier.code}/payments/{fee_request.pk}/start"
    refused = world.api_client("officer_a").post(url)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert world.api_client("officer_b").post(url).status_code == 404
    assert world.api_client("anonymous").post(url).status_code == 401
    assert world.api_client("citizen").post(f"/api/v1/dossiers/NOPE/payments/{fee_request.pk}/start").status_code == 404

    response = world.api_client("citizen").post(url, headers={"Accept-Language": "en"})
    assert response.status_code == 201
    body = response.json()
    assert body["provider"] == "sandbox" and body["amount_vnd"] == 15000
    assert body["redirect_url"].startswith("/payments/sandbox/?")
    params = url_params(body["redirect_url"])
    assert params["vnp_TxnRef"] == body["txn_ref"] and params["vnp_Locale"] == "en"
    listed = world.api_client("citizen").get(f"/api/v1/dossiers/{fee_request.dossier.code}/payments").json()
    assert listed[0]["payments"][0]["status"] == "pending" and listed[0]["payments"][0]["receipt_url"] is None


def test_start_refuses_a_paid_fee_in_the_callers_language(world, paid):
    request = paid.request
    url = f"/api/v1/dossiers/{request.dossier.code}/payments/{request.pk}/start"
    response = world.api_client("citizen").post(url, headers={"Accept-Language": "en"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_payable"
    assert response.json()["error"]["message"] == "This fee cannot be paid now: it is paid or no longer due."


def test_dossier_action_refused_while_unpaid_through_the_api(world, fee_request):
    code = fee_request.dossier.code
    officer = world.api_client("officer_a")
    for action in ("receive", "start_review"):
        moved = officer.post(f"/api/v1/dossiers/{code}/actions/{action}", content_type="application/json")
        assert moved.status_code == 200
    response = world.api_client("leader_a").post(  # leaders decide
        f"/api/v1/dossiers/{code}/actions/approve", content_type="application/json", headers={"Accept-Language": "vi"}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "fee_unpaid"
    assert "chưa được nộp" in response.json()["error"]["message"]


def test_receipt_for_the_payer_and_the_units_officers(world, paid):
    assert_matrix(
        world,
        lambda c: c.get(f"/api/v1/payments/{paid.txn_ref}/receipt"),
        {"anonymous": 401} | {a: Expect(s, shows=("%PDF",) if s == 200 else ()) for a, s in SEES_THE_DOSSIER.items()},
        api=True,
    )
    pdf = world.api_client("citizen").get(f"/api/v1/payments/{paid.txn_ref}/receipt")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in (paid.txn_ref, paid.request.dossier.code, "15.000 ₫", "Citizen Person", paid.provider_txn_no):
        assert expected in text
    assert "BIÊN LAI THU TIỀN" in text or "RECEIPT OF PAYMENT" in text


def test_no_receipt_before_the_payment_is_confirmed(world, fee_request):
    payment, _params = start(world, fee_request)
    assert world.api_client("citizen").get(f"/api/v1/payments/{payment.txn_ref}/receipt").status_code == 404
