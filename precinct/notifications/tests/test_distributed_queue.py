"""The notification tasks on the distributed queue (Celery on RabbitMQ, ADR 0029), with real worker processes:
a worker killed with SIGKILL in the middle of the queue loses nothing and sends nothing twice.

Needs RabbitMQ (TASKS_TEST_BROKER_URL, default amqp://guest:guest@127.0.0.1:5672//) and a database another
process can open (PostgreSQL). Without the broker the test is skipped locally and FAILS under CI=true; on
SQLite (an in-memory test database) it is skipped: CI runs it in its PostgreSQL pass."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from precinct.notifications.models import Notification, NotificationStatus
from precinct.notifications.services import Message, notify
from precinct.notifications.tasks import notifications_deliver_task

BROKER = os.environ.get("TASKS_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
MESSAGES = 300
ROOT = Path(django_settings.BASE_DIR)


def _broker_answers() -> str | None:
    from kombu import Connection

    try:
        with Connection(BROKER, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


@pytest.fixture
def broker(settings):
    problem = _broker_answers()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: RabbitMQ must answer at {BROKER} ({problem})")
        pytest.skip(f"RabbitMQ does not answer at {BROKER} ({problem}); CI runs this test")
    if connection.vendor != "postgresql":
        pytest.skip("worker processes need a database they can open: runs in the PostgreSQL pass")
    queue = f"precinct-test-{os.getpid()}-{time.monotonic_ns()}"
    settings.TASKS = {
        **settings.TASKS,
        "celery": {
            "BACKEND": "config.celery_backend.CeleryBackend",
            "OPTIONS": {"CELERY_APP": "config.celery.app"},
        },
    }
    from config.celery import app

    app.conf.broker_url = BROKER
    app.conf.task_default_queue = queue
    yield queue
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)


def _worker(queue: str, sink: Path) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "TASKS_BACKEND": "celery",
        "TASKS_BROKER_URL": BROKER,
        "TASKS_QUEUE": queue,
        "TASKS_PREFETCH": "4",
        "PRECINCT_SMS_PROVIDER": "precinct.notifications.tests.sink.FileSmsProvider",
        "PRECINCT_SMS_SINK": str(sink),
        "LOG_LEVEL": "ERROR",
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-c", "2", "-P", "prefork", "-l", "ERROR"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{queue}@%h"]
    # A session of its own: SIGKILL reaches the pool's processes as well as the one that holds the connection.
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL)  # noqa: S603


def _sent() -> int:
    return Notification.objects.filter(status=NotificationStatus.SENT).count()


def _wait(condition, what: str, limit: float = 300) -> None:
    """Polls; the limit only keeps a broken run from hanging the suite (nothing here is timed)."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_queue_loses_nothing_and_sends_each_message_once(broker, world, tmp_path):
    citizen = world.users["citizen"]
    citizen.email, citizen.phone = "", "0912345678"  # one channel: one message per key
    citizen.save()
    keys = [f"kill-test:{i}" for i in range(MESSAGES)]
    for key in keys:
        notify(
            recipient=citizen, key=key, compose=lambda key=key: Message(subject=key, body=key, sms=key), deliver=False
        )
    for key in keys:
        notifications_deliver_task.using(backend="celery").enqueue(citizen.pk, key)
    sink = tmp_path / "sms.txt"

    worker = _worker(broker, sink)
    _wait(lambda: _sent() >= MESSAGES // 4, "the first quarter of the messages")
    os.killpg(worker.pid, signal.SIGKILL)  # mid-queue: tasks running and prefetched, not acknowledged
    worker.wait()
    killed_at = _sent()
    assert killed_at < MESSAGES, "the worker was killed after the end of the queue: the test proved nothing"

    worker = _worker(broker, sink)  # the broker redelivers what the dead one held
    try:
        _wait(lambda: _sent() == MESSAGES, "every message")
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait()

    rows = Notification.objects.filter(key__in=keys)
    assert rows.count() == MESSAGES and set(rows.values_list("status", flat=True)) == {NotificationStatus.SENT}
    assert set(rows.values_list("attempts", flat=True)) == {1}  # no row was sent, recorded and sent again
    lines = sink.read_text().splitlines()
    texts = [line.split("\t", 1)[1] for line in lines]
    assert set(texts) == set(keys)  # every message reached the provider
    # A kill can land between the provider's answer and the commit that records it: that one message may
    # go out twice (at-least-once towards the provider), never more than once per kill.
    assert len(texts) - len(set(texts)) <= 1
