import threading
import time

import pytest
from django.db import connection, connections

from precinct.audit.models import AuditEvent
from precinct.audit.verify import audit_chain_verify
from precinct.eservices.models import DossierStatus, Procedure
from precinct.eservices.services import dossier_submit, dossier_transition
from precinct.eservices.signals import dossier_transition_checking
from precinct.payments.models import PaymentRequest, PaymentStatus, RefusedCallback, RequestStatus
from precinct.payments.services import payment_callback
from precinct.payments.tests.conftest import sandbox_callback, start


def _paying(world):
    """A dossier with a fee, a payment started on it, and the provider's notification that it was paid."""
    dossier = dossier_submit(
        actor=world.users["citizen"],
        procedure=Procedure.objects.get(code="CT-03"),
        form_data={"dia_chi": "A", "den_ngay": "2027-06-30"},
        unit_code=world.ward_a.code,
    )
    request = PaymentRequest.objects.get(dossier=dossier)
    payment, params = start(world, request)
    return dossier, request, payment, sandbox_callback(params)


def _assert_withdrawn_and_paid(dossier, request, payment) -> AuditEvent:
    """The end state either order of the race leads to; answers the payment's audit row."""
    dossier.refresh_from_db()
    payment.refresh_from_db()
    request.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN
    assert (payment.status, request.status) == (PaymentStatus.PAID, RequestStatus.PAID)
    return AuditEvent.objects.get(action="payments.payment_paid", target_id=str(payment.pk))


@pytest.mark.django_db(transaction=True)
def test_the_same_ipn_arriving_in_parallel_settles_the_payment_once(world, catalogue):
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database with real concurrent connections (runs in CI on PostgreSQL)")
    _dossier, _request, payment, callback = _paying(world)
    answers: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def deliver() -> None:
        try:
            barrier.wait()
            answers.append(payment_callback(provider="sandbox", params=callback).rsp_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(answers) == ["00", "02", "02", "02", "02", "02"]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert AuditEvent.objects.filter(action="payments.payment_paid").count() == 1
    # Five replays counted, the first audited (a flood of copies does not grow the audit log).
    assert RefusedCallback.objects.get(reason="replayed").count == 5
    assert AuditEvent.objects.filter(action="payments.callback_refused").count() == 1
    assert audit_chain_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_payment_arriving_while_its_dossier_closes_neither_deadlocks_nor_is_lost(world, catalogue):
    """The IPN and the closing transition lock in one order (dossier, then its requests and payments).
    Either order of the two ends the same way: the dossier closed, the payment and the fee paid
    (paid even after closing: the money moved, ADR 0012), cancelled in between only if the closing came first."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database with real concurrent connections (runs in CI on PostgreSQL)")
    citizen = world.users["citizen"]
    errors: list[BaseException] = []
    for _ in range(20):
        dossier, request, payment, callback = _paying(world)
        answers: list[str] = []
        barrier = threading.Barrier(2)

        def pay(callback=callback, answers=answers, barrier=barrier) -> None:
            try:
                barrier.wait()
                answers.append(payment_callback(provider="sandbox", params=callback).rsp_code)
            except BaseException as exc:
                errors.append(exc)
            finally:
                connections.close_all()

        def close(dossier=dossier, barrier=barrier) -> None:
            try:
                barrier.wait()
                dossier_transition(actor=citizen, dossier=dossier, action="withdraw")
            except BaseException as exc:
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=pay), threading.Thread(target=close)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert answers == ["00"]
        paid = _assert_withdrawn_and_paid(dossier, request, payment)
        cancelled = AuditEvent.objects.filter(action="payments.request_cancel", target_id=str(request.pk)).exists()
        assert paid.before["request_status"] == (RequestStatus.CANCELLED if cancelled else RequestStatus.UNPAID)
    assert audit_chain_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_payment_arriving_while_its_dossier_is_closing_waits_for_the_dossier_holding_nothing(world, catalogue):
    """The same race, ordered: the closing transition holds its dossier when the IPN asks for its locks."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database with real concurrent connections (runs in CI on PostgreSQL)")
    citizen = world.users["citizen"]
    dossier, request, payment, callback = _paying(world)
    holding, release = threading.Event(), threading.Event()
    ipn_backend: list[int] = []
    answers: list[str] = []
    errors: list[BaseException] = []

    def pause(sender, **kwargs):
        holding.set()  # the closing transition has locked its dossier and waits here
        release.wait(timeout=30)

    def close() -> None:
        try:
            dossier_transition(actor=citizen, dossier=dossier, action="withdraw")
        except BaseException as exc:
            errors.append(exc)
        finally:
            holding.set()
            connections.close_all()

    def pay() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                ipn_backend.append(cursor.fetchone()[0])
            answers.append(payment_callback(provider="sandbox", params=callback).rsp_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    dossier_transition_checking.connect(pause, dispatch_uid="test.payments.pause")
    closing, paying = threading.Thread(target=close), threading.Thread(target=pay)
    try:
        closing.start()
        assert holding.wait(timeout=30)
        paying.start()
        with connection.cursor() as cursor:  # until the IPN waits for a lock (the dossier's, held by the closing)
            for _ in range(3000):
                cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", ipn_backend or [0])
                if cursor.fetchone() == ("Lock",):
                    break
                time.sleep(0.01)
            else:
                pytest.fail("the IPN never waited for the closing transition")
    finally:
        release.set()
        closing.join()
        paying.join()
        dossier_transition_checking.disconnect(dispatch_uid="test.payments.pause")
    assert not errors, errors
    assert answers == ["00"]
    paid = _assert_withdrawn_and_paid(dossier, request, payment)
    assert paid.before["request_status"] == RequestStatus.CANCELLED  # cancelled on closing, then paid
    assert AuditEvent.objects.filter(action="payments.request_cancel", target_id=str(request.pk)).count() == 1
    assert audit_chain_verify().ok
