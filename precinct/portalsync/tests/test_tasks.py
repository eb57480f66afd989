import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus

from precinct.eservices.models import Procedure
from precinct.eservices.services import dossier_submit
from precinct.portalsync.delivery import WorkerBusy, file_lock
from precinct.portalsync.models import OutboxEvent, OutboxState
from precinct.portalsync.tasks import portal_sync_task

# The database worker opens and closes connections as in production: no wrapping test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_queued_sync_is_run_by_the_database_worker(sync_settings, receiver, world, catalogue):
    dossier = dossier_submit(
        actor=world.users["citizen"],
        procedure=Procedure.objects.get(code="CT-06"),
        form_data={"muc_dich": "Xin việc"},
        unit_code=world.ward_a.code,
    )
    queued = portal_sync_task.enqueue()
    assert queued.status == TaskResultStatus.READY
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    done = portal_sync_task.get_result(queued.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value["delivered"] == 1 and done.return_value["enabled"] is True
    assert OutboxEvent.objects.get().state == OutboxState.DELIVERED
    [body] = receiver.received.accepted.values()
    assert body["MaHoSo"] == dossier.code


def test_one_worker_at_a_time_holds_the_lock_file(tmp_path):
    """SQLite's guard: a second worker on the same database is refused until the first one ends."""
    lock = tmp_path / "precinct.sqlite3.portal_sync.lock"
    with file_lock(lock), pytest.raises(WorkerBusy), file_lock(lock):
        pass
    with file_lock(lock):  # released
        pass
