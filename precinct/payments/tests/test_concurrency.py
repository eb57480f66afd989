import threading

import pytest
from django.db import connection, connections

from precinct.audit.models import AuditEvent
from precinct.audit.verify import audit_chain_verify
from precinct.eservices.models import Procedure
from precinct.eservices.services import dossier_submit
from precinct.payments.models import PaymentRequest, PaymentStatus
from precinct.payments.services import payment_callback
from precinct.payments.tests.conftest import sandbox_callback, start


@pytest.mark.django_db(transaction=True)
def test_the_same_ipn_arriving_in_parallel_settles_the_payment_once(world, catalogue):
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database with real concurrent connections (runs in CI on PostgreSQL)")
    dossier = dossier_submit(
        actor=world.users["citizen"],
        procedure=Procedure.objects.get(code="CT-03"),
        form_data={"dia_chi": "A", "den_ngay": "2027-06-30"},
        unit_code=world.ward_a.code,
    )
    payment, params = start(world, PaymentRequest.objects.get(dossier=dossier))
    callback = sandbox_callback(params)
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
    assert AuditEvent.objects.filter(action="payments.callback_refused").count() == 5
    assert audit_chain_verify().ok
