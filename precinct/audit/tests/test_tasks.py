import pytest
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus

from precinct.audit.services import audit_record
from precinct.audit.tasks import audit_chain_verify_task

# The worker closes and reopens database connections as it would in production, so the test
# cannot live inside one wrapping transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_queued_verification_is_run_by_the_database_worker():
    with transaction.atomic():
        audit_record(actor=None, action="test.one")
        audit_record(actor=None, action="test.two")
    queued = audit_chain_verify_task.enqueue()
    assert queued.status == TaskResultStatus.READY
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    done = audit_chain_verify_task.get_result(queued.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == {"rows_checked": 2, "broken_at": None}
