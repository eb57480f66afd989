"""Issue 13's acceptance for the scheduler: SIGKILL the task worker in the middle of a batch of messages; the
scheduler's catch-up then delivers every message, each exactly once, and the task the dead worker left
"running" is put back and runs again harmlessly. Real processes (`db_worker`, `scheduler`) on PostgreSQL."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.utils import DNS_NAME
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from precinct.core.models import ScheduledJob
from precinct.core.taskqueue import tasks_recover_stuck
from precinct.eservices.models import Procedure
from precinct.eservices.services import dossier_submit
from precinct.eservices.tests.conftest import catalogue  # noqa: F401  (shared fixture)
from precinct.notifications.models import Notification, NotificationChannel, NotificationStatus, PendingCompose
from precinct.notifications.tests import mailbox

ROOT = Path(django_settings.BASE_DIR)
pytestmark = pytest.mark.django_db(transaction=True)
DOSSIERS = 8
PAUSE_AFTER = 3  # messages the first worker sends before it is killed


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


_started: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_process_outlives_the_test():
    """A worker left running would take the next test's tasks (and fail when its database is dropped)."""
    yield
    while _started:
        process = _started.pop()
        if process.poll() is None:
            process.kill()
            process.wait()


def start(tmp_path: Path, *command: str, **extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DB_CONN_MAX_AGE": "0",
        "EMAIL_BACKEND": "precinct.notifications.tests.mailbox.PausingFileBackend",
        "PRECINCT_SMS_PROVIDER": "precinct.notifications.tests.mailbox.FileSmsProvider",
        "MAILBOX_DIR": str(tmp_path),
        "NOTIFY_LATER_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    log = (tmp_path / f"{command[0]}-{time.monotonic_ns()}.log").open("wb")
    process = subprocess.Popen([sys.executable, "manage.py", *command], cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603
    _started.append(process)
    return process


def wait_for(condition, seconds: float, what: str, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        for process in processes:
            if process.poll() is not None:
                raise AssertionError(f"a process died waiting for {what}: {process.args}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_a_worker_killed_mid_batch_every_message_is_delivered_once_by_the_scheduler(
    world,
    catalogue,  # noqa: F811
    tmp_path,
    settings,
):
    if connection.vendor != "postgresql":
        pytest.skip("real worker processes beside the test's database: PostgreSQL (CI's second pass)")
    citizen = world.users["citizen"]
    citizen.email = "citizen@example.org"  # reached by e-mail and SMS
    citizen.save(update_fields=["email"])
    procedure = Procedure.objects.get(code="CT-06")
    for i in range(DOSSIERS):  # each leaves a message to compose (notify_later) and queues a drain task
        dossier_submit(
            actor=world.users["citizen"], procedure=procedure, form_data={"muc_dich": f"#{i}"}, unit_code="07168"
        )
    assert PendingCompose.objects.count() == DOSSIERS

    first = start(
        tmp_path,
        "db_worker",
        "--no-startup-delay",
        "--no-reload",
        "--interval",
        "0.1",
        MAILBOX_PAUSE_AFTER=str(PAUSE_AFTER),
    )
    wait_for(lambda: (tmp_path / "paused").exists(), 180, "the first worker to be mid-batch", [first])
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert first.returncode == -signal.SIGKILL

    # Stranded: a few were sent; the rest are still to compose (their rows kept until sent: the compose batch
    # deletes them only after sending) or composed and queued; the task the worker held is "running" for ever.
    assert len(mailbox.read("sent.jsonl", tmp_path)) == PAUSE_AFTER
    queued = Notification.objects.filter(status=NotificationStatus.QUEUED).count()
    assert PendingCompose.objects.count() + queued > 0
    (killed,) = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)

    # A worker and the scheduler, as `make run` starts them: the catch-up every second, other jobs off.
    schedule = {"notifications.catch_up": 1, **{job: 0 for job in _other_jobs()}}
    second = start(tmp_path, "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.1")
    scheduler = start(tmp_path, "scheduler", "--tick", "0.2", PRECINCT_SCHEDULE=json.dumps(schedule))
    try:
        wait_for(
            lambda: (
                not Notification.objects.filter(status=NotificationStatus.QUEUED).exists()
                and not PendingCompose.objects.exists()
            ),
            180,
            "every message to be delivered",
            [second, scheduler],
        )
    finally:
        stop(scheduler)
        stop(second)

    emails = Notification.objects.filter(channel=NotificationChannel.EMAIL)
    sms = Notification.objects.filter(channel=NotificationChannel.SMS)
    assert emails.count() == sms.count() == DOSSIERS  # one message per dossier per channel (unique per key)
    assert not Notification.objects.exclude(status=NotificationStatus.SENT).exists()
    sent = mailbox.read("sent.jsonl", tmp_path)
    sent_mail = [m["id"] for m in sent if m["channel"] == "email"]
    assert sorted(sent_mail) == sorted(
        f"<precinct.notification.{pk}@{DNS_NAME}>" for pk in emails.values_list("pk", flat=True)
    )
    sent_sms = [(m["phone"], m["text"]) for m in sent if m["channel"] == "sms"]
    assert len(sent_sms) == len(set(sent_sms)) == DOSSIERS
    # Delivered by the scheduler's catch-up: the dead worker's task is still stranded.
    assert ScheduledJob.objects.filter(name="notifications.catch_up").exists()
    assert DBTaskResult.objects.filter(
        task_path__endswith="notifications_catch_up_task", status=TaskResultStatus.SUCCESSFUL
    ).exists()
    killed.refresh_from_db()
    assert killed.status == TaskResultStatus.RUNNING

    # Its recovery puts it back; run again, it sends nothing twice.
    settings.TASKS_STUCK_AFTER_SECONDS = 0
    assert tasks_recover_stuck() == {"requeued": 1, "failed": 0}
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    killed.refresh_from_db()
    assert killed.status == TaskResultStatus.SUCCESSFUL and len(killed.worker_ids) == 2
    assert mail.outbox == [] and len(mailbox.read("sent.jsonl", tmp_path)) == 2 * DOSSIERS


def _other_jobs() -> list[str]:
    from precinct.core.schedule import jobs

    return [job.name for job in jobs() if job.name != "notifications.catch_up"]
