import copy
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from precinct.audit.models import AuditEvent
from precinct.audit.verify import audit_chain_verify
from precinct.core.errors import DomainError, PermissionDenied
from precinct.eservices.models import Dossier, DossierStatus, Procedure, Workflow
from precinct.eservices.services import dossier_mark_overdue, dossier_submit, dossier_transition, procedure_save
from precinct.eservices.workflow import DEFAULT_DEFINITION, LEADER_ACTIONS
from precinct.payments.models import Payment, PaymentRequest, PaymentStatus, RefusedCallback, RequestStatus
from precinct.payments.providers.vnpay import sign
from precinct.payments.services import payment_callback, payment_start
from precinct.payments.tests.conftest import RETURN_URL, sandbox_callback, start

pytestmark = pytest.mark.django_db


def move(world, dossier, *actions, actor=None):
    for action in actions:
        who = actor or ("leader_a" if action in LEADER_ACTIONS else "officer_a")  # leaders decide
        dossier = dossier_transition(actor=world.users[who], dossier=dossier, action=action)
    return dossier


def refusals(reason: str) -> int:
    """Refusals are counted per hour and reason; the first of each kind in the hour is also audited."""
    return sum(RefusedCallback.objects.filter(reason=reason).values_list("count", flat=True))


# --- billing -------------------------------------------------------------------------------------------


def test_submission_bills_the_procedure_fee(world, fee_dossier):
    request = PaymentRequest.objects.get(dossier=fee_dossier)
    assert (request.purpose, request.amount_vnd, request.status) == ("fee", 15000, RequestStatus.UNPAID)
    assert request.required_for == ["approve", "issue_result"]
    assert AuditEvent.objects.filter(action="payments.request_create", target_id=str(request.pk)).exists()


def test_free_procedure_bills_nothing(world, catalogue, signing_keys):
    dossier = dossier_submit(
        actor=world.users["citizen"],
        procedure=Procedure.objects.get(code="CT-06"),
        form_data={"muc_dich": "Xin việc"},
        unit_code=world.ward_a.code,
    )
    assert not PaymentRequest.objects.filter(dossier=dossier).exists()
    move(world, dossier, "receive", "start_review", "approve", "issue_result")  # nothing waits


# --- the dossier never advances on an unverified payment ---------------------------------------------------


def test_unpaid_fee_blocks_the_decision_but_not_the_review(world, fee_dossier):
    dossier = move(world, fee_dossier, "receive", "start_review")
    for language, words in (("vi", "chưa được nộp"), ("en", "is not paid yet")):
        with translation.override(language), pytest.raises(DomainError) as refused:
            move(world, dossier, "approve")
        assert refused.value.code == "fee_unpaid" and refused.value.status == 409
        assert words in str(refused.value.message) and "15.000 ₫" in str(refused.value.message)
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.IN_REVIEW
    # A started but unconfirmed payment does not count either.
    start(world, PaymentRequest.objects.get(dossier=dossier))
    with pytest.raises(DomainError):
        move(world, dossier, "approve")


def test_paid_through_a_verified_callback_lets_the_dossier_go_on(world, fee_request, signing_keys):
    payment, params = start(world, fee_request)
    assert params["vnp_Amount"] == "1500000" and params["vnp_TxnRef"] == payment.txn_ref  # VND ×100
    result = payment_callback(provider="sandbox", params=sandbox_callback(params))
    assert result.body() == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    fee_request.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.provider_txn_no and payment.completed_at
    assert fee_request.status == RequestStatus.PAID and fee_request.paid_at
    assert AuditEvent.objects.filter(action="payments.payment_paid", target_id=str(payment.pk)).exists()
    dossier = move(world, fee_request.dossier, "receive", "start_review", "approve", "issue_result")
    assert dossier.status == DossierStatus.RESULT_ISSUED


def test_cancelled_on_the_provider_page_stays_unpaid_and_can_be_paid_again(world, fee_request):
    payment, params = start(world, fee_request)
    assert payment_callback(provider="sandbox", params=sandbox_callback(params, response_code="24")).accepted
    payment.refresh_from_db()
    fee_request.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED and fee_request.status == RequestStatus.UNPAID
    again, params = start(world, fee_request)
    assert again.txn_ref != payment.txn_ref
    assert payment_callback(provider="sandbox", params=sandbox_callback(params)).accepted
    fee_request.refresh_from_db()
    assert fee_request.status == RequestStatus.PAID


# --- forged callbacks: refused, nothing changes, audited -------------------------------------------------


def _unchanged(payment: Payment, request: PaymentRequest) -> None:
    payment.refresh_from_db()
    request.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and not payment.provider_txn_no
    assert request.status == RequestStatus.UNPAID


def test_unsigned_callback_is_refused(world, fee_request):
    payment, params = start(world, fee_request)
    forged = sandbox_callback(params)
    del forged["vnp_SecureHash"]
    result = payment_callback(provider="sandbox", params=forged)
    assert result.body() == {"RspCode": "97", "Message": "Invalid signature"}
    _unchanged(payment, fee_request)
    assert refusals("bad_signature") == 1
    event = AuditEvent.objects.get(action="payments.callback_refused")
    assert event.after["signed"] is False and event.after["txn_ref"] == payment.txn_ref


def test_tampered_callback_is_refused(world, fee_request):
    payment, params = start(world, fee_request)
    failed = sandbox_callback(params, response_code="51")  # the bank refused: insufficient funds
    tampered = dict(failed, vnp_ResponseCode="00", vnp_TransactionStatus="00")  # ... turned into a success
    assert payment_callback(provider="sandbox", params=tampered).rsp_code == "97"
    _unchanged(payment, fee_request)
    # Another secret (a forger's, or the other provider's) is no better.
    other = sign("not-the-secret", {k: v for k, v in sandbox_callback(params).items()})
    assert payment_callback(provider="sandbox", params=other).rsp_code == "97"
    _unchanged(payment, fee_request)
    assert refusals("bad_signature") == 2


def test_callback_signed_for_the_sandbox_is_refused_by_vnpay(world, fee_request, settings):
    settings.VNPAY_TMN_CODE, settings.VNPAY_HASH_SECRET = "DEMOV210", "vnpay-test-secret"
    payment, params = start(world, fee_request)
    assert payment_callback(provider="vnpay", params=sandbox_callback(params)).rsp_code == "97"
    _unchanged(payment, fee_request)


def test_mismatched_amount_is_refused(world, fee_request):
    payment, params = start(world, fee_request)
    cheaper = sandbox_callback(params, vnp_Amount="100000")  # properly signed, but 1,000 VND
    result = payment_callback(provider="sandbox", params=cheaper)
    assert result.body() == {"RspCode": "04", "Message": "Invalid amount"}
    _unchanged(payment, fee_request)
    assert refusals("amount_mismatch") == 1
    fractional = sandbox_callback(params, vnp_Amount="1500050")  # not a whole number of VND
    assert payment_callback(provider="sandbox", params=fractional).rsp_code == "04"


def test_replayed_callback_is_refused(world, fee_request):
    payment, params = start(world, fee_request)
    callback = sandbox_callback(params)
    assert payment_callback(provider="sandbox", params=callback).accepted
    before = AuditEvent.objects.filter(action__startswith="payments.payment_").count()
    # The same callback again, and a "cancelled" one for the same reference: neither changes anything.
    assert payment_callback(provider="sandbox", params=callback).body() == {
        "RspCode": "02",
        "Message": "Order already confirmed",
    }
    assert payment_callback(provider="sandbox", params=sandbox_callback(params, response_code="24")).rsp_code == "02"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert AuditEvent.objects.filter(action__startswith="payments.payment_").count() == before
    assert refusals("replayed") == 2


def test_unknown_reference_is_refused(world, fee_request):
    payment, params = start(world, fee_request)
    ghost = sandbox_callback(params, vnp_TxnRef="NOSUCHREF")
    assert payment_callback(provider="sandbox", params=ghost).body() == {"RspCode": "01", "Message": "Order not found"}
    _unchanged(payment, fee_request)
    assert refusals("unknown_txn_ref") == 1


@pytest.mark.django_db(transaction=True)
def test_refusals_are_audited_in_their_own_committed_transaction(world, catalogue):
    dossier = dossier_submit(
        actor=world.users["citizen"],
        procedure=Procedure.objects.get(code="CT-03"),
        form_data={"dia_chi": "A", "den_ngay": "2027-06-30"},
        unit_code=world.ward_a.code,
    )
    payment, params = start(world, PaymentRequest.objects.get(dossier=dossier))
    forged = dict(sandbox_callback(params), vnp_Amount="100")
    assert payment_callback(provider="sandbox", params=forged).rsp_code == "97"
    # No surrounding transaction: the row is committed and the chain still verifies.
    event = AuditEvent.objects.get(action="payments.callback_refused")
    assert event.target_id == "" and event.after["txn_ref"] == payment.txn_ref
    assert audit_chain_verify().ok


# --- who may pay, and when ------------------------------------------------------------------------------


def test_only_the_applicant_pays_and_only_what_is_owed(world, fee_request):
    with pytest.raises(PermissionDenied):
        payment_start(actor=world.users["officer_a"], request=fee_request, return_url=RETURN_URL)
    _payment, params = start(world, fee_request)
    payment_callback(provider="sandbox", params=sandbox_callback(params))
    with pytest.raises(DomainError) as refused:
        start(world, fee_request)
    assert refused.value.code == "not_payable"


def test_closing_the_dossier_cancels_what_is_owed(world, fee_dossier):
    dossier_transition(actor=world.users["citizen"], dossier=fee_dossier, action="withdraw")
    request = PaymentRequest.objects.get(dossier=fee_dossier)
    assert request.status == RequestStatus.CANCELLED
    with pytest.raises(DomainError):
        start(world, request)


# --- fees attached to workflow actions -------------------------------------------------------------------


def test_a_fee_due_after_review_blocks_the_result(world, catalogue, signing_keys):
    definition = copy.deepcopy(DEFAULT_DEFINITION)
    definition["actions"]["approve"]["fee_vnd"] = 250000  # e.g. a licence fee, due once approved
    workflow = Workflow.objects.create(key="with-licence-fee", name="Licence", definition=definition)
    procedure = Procedure.objects.get(code="CT-06")
    procedure_save(actor=None, code="CT-06", workflow=workflow)
    procedure.refresh_from_db()
    dossier = dossier_submit(
        actor=world.users["citizen"], procedure=procedure, form_data={"muc_dich": "X"}, unit_code=world.ward_a.code
    )
    dossier = move(world, dossier, "receive", "start_review", "approve")
    request = PaymentRequest.objects.get(dossier=dossier)
    assert (request.purpose, request.amount_vnd, request.required_for) == (
        "approve",
        250000,
        ["issue_result", "complete"],
    )
    with pytest.raises(DomainError) as refused:
        move(world, dossier, "issue_result")
    assert refused.value.code == "fee_unpaid" and "250.000 ₫" in str(refused.value.message)
    _payment, params = start(world, request)
    assert params["vnp_Amount"] == "25000000"
    assert payment_callback(provider="sandbox", params=sandbox_callback(params)).accepted
    assert move(world, dossier, "issue_result").status == DossierStatus.RESULT_ISSUED


# --- what other apps are told ------------------------------------------------------------------------------


def test_billing_cancelling_and_paying_are_signalled_once_each(world, catalogue):
    from precinct.payments.signals import payment_request_changed

    seen = []

    def receiver(sender, *, request, dossier, previous, event, **kwargs):
        seen.append((dossier.code, request.purpose, previous, request.status, event.action if event else None))

    payment_request_changed.connect(receiver, dispatch_uid="test.payments.seen")
    try:
        paid, closed = [
            dossier_submit(
                actor=world.users["citizen"],
                procedure=Procedure.objects.get(code="CT-03"),
                form_data={"dia_chi": "Tổ 5", "den_ngay": "2027-06-30"},
                unit_code=world.ward_a.code,
            )
            for _ in range(2)
        ]
        request = PaymentRequest.objects.get(dossier=paid)
        (_first, one), (_second, two) = start(world, request), start(world, request)  # two tabs, both paid
        assert payment_callback(provider="sandbox", params=sandbox_callback(one)).accepted
        assert payment_callback(provider="sandbox", params=sandbox_callback(two)).accepted
        _late, three = start(world, PaymentRequest.objects.get(dossier=closed))
        dossier_transition(actor=world.users["citizen"], dossier=closed, action="withdraw")
        assert payment_callback(provider="sandbox", params=sandbox_callback(three)).accepted  # paid after closing
    finally:
        payment_request_changed.disconnect(dispatch_uid="test.payments.seen")
    assert seen == [
        (paid.code, "fee", None, "unpaid", "submit"),
        (closed.code, "fee", None, "unpaid", "submit"),
        (paid.code, "fee", "unpaid", "paid", None),  # once: the second paid attempt is a refund matter
        (closed.code, "fee", "unpaid", "cancelled", "withdraw"),
        (closed.code, "fee", "cancelled", "paid", None),
    ]


def test_an_overdue_mark_bills_cancels_and_reads_nothing(fee_dossier, fee_request):
    with CaptureQueriesContext(connection) as captured:
        dossier_mark_overdue(dossier=fee_dossier, today=fee_dossier.due_date + datetime.timedelta(days=30))
    read = [q["sql"] for q in captured.captured_queries if "payments_" in q["sql"] or "eservices_workflow" in q["sql"]]
    assert read == []  # payments leaves marks alone (the sweep does not even load the workflow)
    assert list(PaymentRequest.objects.filter(dossier=fee_dossier)) == [fee_request]
    fee_request.refresh_from_db()
    assert fee_request.status == RequestStatus.UNPAID


def test_a_flood_of_forged_callbacks_is_counted_not_audited_one_by_one(world, fee_request):
    payment, params = start(world, fee_request)
    before = AuditEvent.objects.count()
    for i in range(20):
        forged = dict(sandbox_callback(params), vnp_Amount=str(100 + i))  # the signature no longer matches
        assert payment_callback(provider="sandbox", params=forged).rsp_code == "97"
    (counter,) = RefusedCallback.objects.all()
    assert (counter.provider, counter.reason, counter.count) == ("sandbox", "bad_signature", 20)
    assert counter.period.minute == 0 and counter.period <= counter.last_at
    assert AuditEvent.objects.count() == before + 1  # the hour's first, with its details
    _unchanged(payment, fee_request)
