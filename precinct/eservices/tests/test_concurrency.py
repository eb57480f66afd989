import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from precinct.eservices.models import Dossier, DossierStatus, Procedure
from precinct.eservices.services import dossier_submit, dossier_transition
from precinct.eservices.signals import dossier_transition_checking


@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_get_unique_consecutive_codes(world, catalogue):
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database with real concurrent connections (runs in CI on PostgreSQL)")
    procedure = Procedure.objects.get(code="CT-06")
    citizen = world.users["citizen"]
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def submit_some() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                dossier_submit(
                    actor=citizen, procedure=procedure, form_data={"muc_dich": "Xin việc"}, unit_code="07168"
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit_some) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in Dossier.objects.values_list("code", flat=True))
    assert numbers == list(range(1, 41))


@pytest.mark.django_db(transaction=True)
def test_a_transition_does_not_wait_for_another_dossier_of_the_same_unit_and_version(world, catalogue):
    """A transition locks its dossier's row only: not the unit, procedure version or workflow read with it."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database with real concurrent connections (runs in CI on PostgreSQL)")
    procedure = Procedure.objects.get(code="CT-06")
    citizen, officer = world.users["citizen"], world.users["officer_a"]
    first, second = (
        dossier_submit(actor=citizen, procedure=procedure, form_data={"muc_dich": "Xin việc"}, unit_code="07168")
        for _ in range(2)
    )
    assert (first.unit_id, first.version_id) == (second.unit_id, second.version_id)
    holding, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def pause(sender, *, check, **kwargs):
        if check.dossier.pk == first.pk:  # the first transition waits here, inside its transaction, holding its locks
            holding.set()
            release.wait(timeout=30)

    def hold() -> None:
        try:
            dossier_transition(actor=officer, dossier=first, action="receive")
        except BaseException as exc:
            errors.append(exc)
        finally:
            holding.set()
            connections.close_all()

    dossier_transition_checking.connect(pause, dispatch_uid="test.eservices.pause")
    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(timeout=30)
        with pytest.raises(OperationalError), transaction.atomic():  # the first dossier is locked indeed
            list(Dossier.objects.select_for_update(nowait=True).filter(pk=first.pk))
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")  # a wait for a lock fails instead
            moved = dossier_transition(actor=officer, dossier=second, action="receive")
    finally:
        release.set()
        holder.join()
        dossier_transition_checking.disconnect(dispatch_uid="test.eservices.pause")
    assert not errors, errors
    assert moved.status == DossierStatus.RECEIVED
    first.refresh_from_db()
    assert first.status == DossierStatus.RECEIVED
