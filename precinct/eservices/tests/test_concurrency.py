import threading

import pytest
from django.db import connection, connections

from precinct.eservices.models import Dossier, Procedure
from precinct.eservices.services import dossier_submit


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
