import threading

import pytest
from django.db import connection, connections, transaction

from precinct.audit.models import AuditEvent, ChainHead
from precinct.audit.services import audit_record
from precinct.audit.verify import audit_chain_verify


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_keep_one_linear_chain():
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database with real concurrent connections (runs in CI on PostgreSQL)")
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(15):
                with transaction.atomic():
                    audit_record(actor=None, action="test.parallel", target_label=f"{n}-{i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    result = audit_chain_verify()
    assert result.ok and result.rows_checked == 90
    newest = AuditEvent.objects.order_by("-id").first()
    assert ChainHead.objects.values_list("last_id", "hash").get() == (newest.pk, newest.hash)
