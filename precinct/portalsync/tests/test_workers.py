"""Real worker processes on PostgreSQL: several at once, and one killed in the middle of its work.

The claim: every event reaches the receiver, the receiver's set of kept events (by idempotency key) is
exactly the outbox, and no dossier's later event is kept before an earlier one. Copies sent twice (the
batch a killed worker had sent but not yet recorded) are dropped by the receiver by key: delivery is at
least once, the effect exactly once (ADR 0013).
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from precinct.eservices.models import Procedure
from precinct.eservices.services import dossier_submit, dossier_transition
from precinct.eservices.workflow import LEADER_ACTIONS
from precinct.portalsync.delivery import sync_pass
from precinct.portalsync.models import OutboxEvent, OutboxState
from precinct.portalsync.tests.receiver import Receiver

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.django_db(transaction=True)


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (SKIP LOCKED, several connections); runs in CI's PostgreSQL pass")


def make_events(world, dossiers: int) -> int:
    procedure = Procedure.objects.get(code="CT-06")
    officer, leader = world.users["officer_a"], world.users["leader_a"]
    for i in range(dossiers):
        dossier = dossier_submit(
            actor=world.users["citizen"], procedure=procedure, form_data={"muc_dich": f"#{i}"}, unit_code="07168"
        )
        for action in ("receive", "start_review", "approve"):
            actor = leader if action in LEADER_ACTIONS else officer  # leaders decide
            dossier_transition(actor=actor, dossier=dossier, action=action)
    return dossiers * 4


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker(receiver: Receiver, *extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DB_CONN_MAX_AGE": "0",
        "PORTAL_SYNC_URL": receiver.url,
        "PORTAL_SYNC_TOKEN": "kill-test",
        "PORTAL_SYNC_TIMEOUT": "0.3",
        "PORTAL_SYNC_MAX_ATTEMPTS": "100",
        "PORTAL_SYNC_BACKOFF_SECONDS": "0.05",
        "PORTAL_SYNC_BACKOFF_MAX_SECONDS": "0.2",
        "PORTAL_SYNC_BATCH": "10",
        "LOG_LEVEL": "ERROR",
    }
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "portal_sync", "--poll", "0.05", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def assert_exactly_the_outbox(receiver: Receiver) -> None:
    rows = {str(e.key): e for e in OutboxEvent.objects.all()}
    assert set(receiver.received.accepted) == set(rows), "the receiver's events differ from the outbox"
    for key, body in receiver.received.accepted.items():
        assert body == rows[key].payload
    assert all(e.state == OutboxState.DELIVERED for e in rows.values())
    last: dict[str, int] = {}
    for key in receiver.received.order:
        body = receiver.received.accepted[key]
        assert body["event"]["id"] > last.get(body["MaHoSo"], 0), f"{body['MaHoSo']}: out of order"
        last[body["MaHoSo"]] = body["event"]["id"]


def test_a_worker_killed_in_the_middle_and_restarted_delivers_every_event_exactly_once(world, catalogue):
    needs_postgresql()
    total = make_events(world, 30)
    with Receiver(fault_rate=0.15, slow_seconds=0.5, delay=0.02, seed=5) as receiver:
        first = worker(receiver)
        wait_for(lambda: len(receiver.received.accepted) >= total // 3, 120, "a third of the events")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert first.returncode == -signal.SIGKILL

        kept_before_restart = set(receiver.received.accepted)
        marked = set(map(str, OutboxEvent.objects.filter(state=OutboxState.DELIVERED).values_list("key", flat=True)))
        assert OutboxEvent.objects.exclude(state=OutboxState.DELIVERED).exists(), "killed too late to prove anything"
        assert marked <= kept_before_restart  # never marked delivered without the receiver having it
        in_flight = kept_before_restart - marked  # sent by the killed worker, never recorded

        # Restart: two workers at once (SKIP LOCKED shares the work), until the outbox is drained.
        restarted = [worker(receiver), worker(receiver)]
        wait_for(
            lambda: not OutboxEvent.objects.exclude(state=OutboxState.DELIVERED).exists(), 180, "the outbox to drain"
        )
        for process in restarted:
            process.send_signal(signal.SIGTERM)  # finishes its batch, then exits cleanly
        for process in restarted:
            out, err = process.communicate(timeout=30)
            assert process.returncode == 0, err
            assert "delivered" in out

    assert len(receiver.received.accepted) == total
    assert_exactly_the_outbox(receiver)
    # The copies the killed worker had in flight went again and were dropped by key.
    assert receiver.received.repeats >= len(in_flight)
    print(
        f"\n{total} events; killed after {len(kept_before_restart)} kept ({len(in_flight)} sent but unrecorded); "
        f"{receiver.received.arrivals} requests, {receiver.received.repeats} repeats dropped by key, "
        f"faults {receiver.received.faults}"
    )


def test_parallel_workers_never_send_the_same_event_twice(world, catalogue, settings):
    needs_postgresql()
    total = make_events(world, 15)
    with Receiver(delay=0.005) as receiver:
        settings.PORTAL_SYNC_URL = receiver.url
        settings.PORTAL_SYNC_BATCH = 4
        errors: list[BaseException] = []
        results = []
        barrier = threading.Barrier(3)

        def run() -> None:
            try:
                barrier.wait()
                results.append(sync_pass())
            except BaseException as exc:
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors, errors
    assert sum(r.delivered for r in results) == total
    assert receiver.received.arrivals == total and receiver.received.repeats == 0
    assert_exactly_the_outbox(receiver)
