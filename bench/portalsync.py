"""National-portal sync figures: what the outbox row adds to a submission, and events delivered per second.

1. Extra cost per submission: `dossier_submit()` in-process, in alternating blocks with the outbox receiver
   connected and disconnected (same database, same data), plus the receiver's own time measured directly.
2. Delivery: the outbox drained into a local HTTP receiver (a separate process, http.server, keeping the
   first copy of each idempotency key), by one worker in-process and by two `manage.py portal_sync --once`
   worker processes at once (PostgreSQL: SKIP LOCKED shares the batches).

Runs on a throwaway PostgreSQL database (BENCH_PG, default postgres://postgres@127.0.0.1:5432; the database
precinct_bench_portalsync is dropped and created), or on SQLite with BENCH_SQLITE=1 (var/bench_portalsync.sqlite3).
Usage: .venv/bin/python bench/portalsync.py [--submissions 600] [--events 3000]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "precinct_bench_portalsync"
SQLITE = os.environ.get("BENCH_SQLITE") == "1"
if SQLITE:
    URL = f"sqlite:///{ROOT / 'var' / 'bench_portalsync.sqlite3'}"
    Path(ROOT / "var" / "bench_portalsync.sqlite3").unlink(missing_ok=True)
else:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    URL = f"{PG}/{DB}"
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django

django.setup()

from django.conf import settings
from django.core.management import call_command
from django.db import connection

RECEIVER = """
import sys, time
sys.path.insert(0, %r)
from precinct.portalsync.tests.receiver import Receiver
with Receiver() as r:
    print(r.url, flush=True)
    sys.stdin.read()
    print(len(r.received.accepted), r.received.arrivals, flush=True)
"""


def submissions(n: int, *, outbox: bool) -> list[float]:
    from precinct.accounts.models import User
    from precinct.eservices.models import Procedure
    from precinct.eservices.services import dossier_submit
    from precinct.eservices.signals import dossier_changed
    from precinct.portalsync.receivers import record_dossier_change

    citizen = User.objects.get(username="022090012345")
    procedure = Procedure.objects.select_related("current").get(code="CT-06")
    if not outbox:
        dossier_changed.disconnect(dispatch_uid="portalsync.record_dossier_change")
    try:
        times = []
        for i in range(n):
            t0 = time.perf_counter()
            dossier_submit(actor=citizen, procedure=procedure, form_data={"muc_dich": f"#{i}"}, unit_code="07168")
            times.append((time.perf_counter() - t0) * 1000)
        return times
    finally:
        if not outbox:
            dossier_changed.connect(record_dossier_change, dispatch_uid="portalsync.record_dossier_change")


def receiver_time(n: int) -> float:
    """Milliseconds the outbox receiver itself takes per submission (timed around the call)."""
    from precinct.eservices.signals import dossier_changed
    from precinct.portalsync import receivers

    spent: list[float] = []
    original = receivers.record_dossier_change

    def timed(sender, **kwargs):
        t0 = time.perf_counter()
        original(sender, **kwargs)
        spent.append((time.perf_counter() - t0) * 1000)

    dossier_changed.disconnect(dispatch_uid="portalsync.record_dossier_change")
    dossier_changed.connect(timed, dispatch_uid="bench.timed")
    try:
        submissions(n, outbox=True)  # the receiver is 'timed' now; the dispatch uid of the real one is free
    finally:
        dossier_changed.disconnect(dispatch_uid="bench.timed")
        dossier_changed.connect(original, dispatch_uid="portalsync.record_dossier_change")
    return statistics.mean(spent)


def make_events(total: int) -> None:
    """Enough dossiers walked through receive/start_review/approve to have `total` outbox rows."""
    from precinct.accounts.models import User
    from precinct.eservices.models import Procedure
    from precinct.eservices.services import dossier_submit, dossier_transition
    from precinct.portalsync.models import OutboxEvent

    citizen = User.objects.get(username="022090012345")
    officer = User.objects.get(username="canbo.haan")
    procedure = Procedure.objects.get(code="CT-06")
    unit = officer.roles.first().unit.code
    while OutboxEvent.objects.count() < total:
        dossier = dossier_submit(actor=citizen, procedure=procedure, form_data={"muc_dich": "x"}, unit_code=unit)
        for action in ("receive", "start_review", "approve"):
            dossier_transition(actor=officer, dossier=dossier, action=action)


def reset_outbox() -> int:
    from django.utils import timezone

    from precinct.portalsync.models import OutboxEvent, OutboxState

    return OutboxEvent.objects.update(state=OutboxState.PENDING, attempts=0, next_attempt_at=timezone.now())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=600)
    parser.add_argument("--events", type=int, default=3000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"database: {connection.vendor}; Python {sys.version.split()[0]}; Django {django.get_version()}")

    submissions(100, outbox=True)  # warm up: connections, memos, the calendar
    with_outbox: list[float] = []
    without: list[float] = []
    block = 10  # short alternating blocks: the machine's load drifts, and both sides see the same drift
    for _ in range(max(1, args.submissions // (2 * block))):
        without += submissions(block, outbox=False)
        with_outbox += submissions(block, outbox=True)
    mean_with, mean_without = statistics.mean(with_outbox), statistics.mean(without)
    print(
        f"submission (dossier_submit, in-process, {len(with_outbox)} each): with the outbox {mean_with:.2f} ms "
        f"(median {statistics.median(with_outbox):.2f}), without {mean_without:.2f} ms "
        f"(median {statistics.median(without):.2f}); difference {mean_with - mean_without:+.2f} ms"
    )
    print(f"the outbox receiver itself (one INSERT, timed around the call): {receiver_time(300):.3f} ms per submission")
    counts = {}
    for outbox in (False, True):
        seen: list[str] = []

        def count(execute, sql, params, many, context, seen=seen):
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            submissions(1, outbox=outbox)
        counts[outbox] = len(seen)
    print(f"statements per submission: {counts[False]} without the outbox, {counts[True]} with it")

    make_events(args.events)
    receiver = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", RECEIVER % str(ROOT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert receiver.stdout is not None and receiver.stdin is not None
    url = receiver.stdout.readline().strip()
    settings.PORTAL_SYNC_URL = url
    settings.PORTAL_SYNC_BATCH = 50
    from precinct.portalsync.delivery import sync_pass

    try:
        n = reset_outbox()
        t0 = time.perf_counter()
        result = sync_pass()
        seconds = time.perf_counter() - t0
        print(
            f"delivery, one worker in-process, batches of 50, kept-alive HTTP/1.1 to a local receiver: "
            f"{result.delivered} of {n} events in {seconds:.2f} s = {result.delivered / seconds:,.0f} events/s"
        )
        if connection.vendor == "postgresql":
            n = reset_outbox()
            env = {**os.environ, "DATABASE_URL": URL, "PORTAL_SYNC_URL": url, "PORTAL_SYNC_BATCH": "50"}
            t0 = time.perf_counter()
            workers = [
                subprocess.Popen(
                    [sys.executable, "manage.py", "portal_sync", "--once"],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for _ in range(2)
            ]
            outputs = [w.communicate()[0].strip() for w in workers]
            seconds = time.perf_counter() - t0
            delivered = sum(int(o.split("Portal sync: ")[1].split()[0]) for o in outputs)
            print(
                f"delivery, two `portal_sync --once` processes (start-up included): {delivered} of {n} events in "
                f"{seconds:.2f} s = {delivered / seconds:,.0f} events/s ({'; '.join(o.split(': ')[1] for o in outputs)})"
            )
    finally:
        receiver.stdin.close()
        print(f"receiver: {receiver.stdout.read().strip()} (distinct keys kept, requests)")
        receiver.wait(timeout=10)


if __name__ == "__main__":
    main()
