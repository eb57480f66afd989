"""Citizens' messages with their receipt PDF, composed and sent per second by the task workers.

The load: ~9,500 dossiers submitted (generate_dossiers on PostgreSQL), each with its pending message
(`notify_later`'s PendingCompose row, as a submission leaves it). Then W worker processes drain them:
each message is composed in the citizen's language, recorded once per key (e-mail and SMS), the receipt PDF
rendered and attached, and the e-mail built to its MIME bytes (bench/support/mail.py drops it there; SMS
goes to the console provider, sent to /dev/null).

Figures per run: e-mails with receipt per second (wall, from the first to the last `sent_at`); CPU per message
of the worker processes over that same window (their /proc times sampled when the first message is sent and
when the last is: start-up and the idle tail are left out; PostgreSQL's own CPU is not in it), also with the
start-up included (getrusage of the reaped children); and the ratio to a floor (a fixed pure-Python workload
measured in the same run). Checks after each run: every dossier's e-mail sent exactly once (count by key,
none left queued or pending); one receipt in 100 is read back with pypdf (its own code must be in it).

A run `celery:2:kill` SIGKILLs the workers (pool processes included) a third of the way and starts them again:
the check then proves every message was recorded as sent exactly once (unique keys, none left queued).

Modes: `db` (django-tasks-db `db_worker` processes), `celery` (Celery on RabbitMQ, `celery -A config worker
-c W`). `--receipts N` measures only the receipt PDF in this process (fast writer against fpdf2).

Database precinct_bench_scale_notify (created once, migrated every run; --fresh drops it). Usage:
  .venv/bin/python bench/notifications_bench.py [--dossiers 9500] [--messages 2000]
      [--runs db:1,db:2,db:4,celery:1,celery:2,celery:4] [--fresh]
"""

import argparse
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = str(ROOT / ".venv" / "bin" / "python")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_NOTIFY_DB", "precinct_bench_scale_notify")
AMQP = os.environ.get("BENCH_AMQP", "amqp://guest:guest@127.0.0.1:5672//")
BASE_ENV = {
    "DATABASE_URL": f"{PG}/{DB}",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "LOG_LEVEL": "ERROR",
    "DEBUG": "false",
    "EMAIL_BACKEND": "bench.support.mail.RenderingNullBackend",
    "PYTHONPATH": str(ROOT),
    "NOTIFY_LATER_SECONDS": "0",
}


def floor_seconds() -> float:
    start = time.process_time()
    total = 0
    for i in range(2_000_000):
        total += i * i % 7
    return time.process_time() - start


def manage(env: dict[str, str], *args: str) -> str:
    out = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    return out.stdout


def prepare(dossiers: int, fresh: bool) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone()
        if exists and not fresh:
            manage({**os.environ, **BASE_ENV}, "migrate", "--noinput")  # the code measured may add columns
            return
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    env = {**os.environ, **BASE_ENV}
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    manage(env, "generate_dossiers", "--count", str(dossiers), "--years", "1", "--seed", "20", "--no-rebuild")
    # generate_dossiers writes the history the dashboard needs, not the submission events: one per dossier,
    # as dossier_submit() writes it (the applicant's message is about this event).
    with psycopg.connect(f"{PG}/{DB}", autocommit=True) as conn:
        conn.execute(SUBMIT_EVENTS)


SUBMIT_EVENTS = """
INSERT INTO eservices_dossierevent (at, action, from_status, to_status, note, data, actor_id, dossier_id)
  SELECT d.submitted_at, 'submit', '', 'submitted', '', '{}'::jsonb, d.applicant_id, d.id
  FROM eservices_dossier d
  WHERE NOT EXISTS (SELECT 1 FROM eservices_dossierevent e WHERE e.dossier_id = d.id AND e.action = 'submit');
"""

RESET = """
TRUNCATE notifications_notification, notifications_pendingcompose;
DELETE FROM django_tasks_database_dbtaskresult;
INSERT INTO notifications_pendingcompose (composer, ref, created_at)
  SELECT 'dossier_event', e.id, now() FROM eservices_dossierevent e
  JOIN eservices_dossier d ON d.id = e.dossier_id JOIN accounts_user u ON u.id = d.applicant_id
  WHERE e.action = 'submit' AND u.email <> '' ORDER BY e.id DESC LIMIT %s;
"""


def reset(conn: "object", messages: int) -> int:
    if conn.execute("SELECT to_regclass('notifications_notificationkey')").fetchone()[0]:  # type: ignore[attr-defined]
        conn.execute("TRUNCATE notifications_notificationkey")  # type: ignore[attr-defined]  # ADR 0043's key table
    *plain, last = [statement for statement in RESET.split(";") if statement.strip()]
    for statement in plain:
        conn.execute(statement)  # type: ignore[attr-defined]
    conn.execute(last, [messages])  # type: ignore[attr-defined]
    return conn.execute("SELECT count(*) FROM notifications_pendingcompose").fetchone()[0]  # type: ignore[attr-defined]


TICK = os.sysconf("SC_CLK_TCK")


def session_cpu(sessions: list[int]) -> float:
    """CPU seconds (user + system) so far of every live process in these sessions (a worker and its pool)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) in sessions:  # field 6 of stat, the session id
            total += int(fields[11]) + int(fields[12])
    return total / TICK


def workers(mode: str, count: int) -> list[list[str]]:
    if mode == "db":
        return [[PY, "manage.py", "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.1"]] * count
    return [
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "config",
            "worker",
            "-c",
            str(count),
            "-P",
            "prefork",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "WARNING",
            "-n",
            f"notifybench{os.getpid()}@%h",
        ]
    ]


def run(mode: str, count: int, expected: int, kill: bool = False) -> dict[str, float]:
    """`kill`: SIGKILL every worker process once a third of the e-mails are sent, then start them again."""
    import psycopg

    env = {**os.environ, **BASE_ENV}
    if mode == "celery":
        env.update({"TASKS_BACKEND": "celery", "TASKS_BROKER_URL": AMQP})
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True)  # noqa: S603
        for cmd in workers(mode, count)
    ]
    # The drain is queued as a submission's commit queues it; the workers take it from there.
    subprocess.run(  # noqa: S603
        [
            PY,
            "-c",
            "import django; django.setup(); from precinct.notifications.tasks import notifications_compose_pending_task as t; t.enqueue()",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    killed_at = -1
    window_start = window_end = -1.0
    with psycopg.connect(f"{PG}/{DB}", autocommit=True) as conn:
        while True:
            left = conn.execute(
                "SELECT (SELECT count(*) FROM notifications_pendingcompose),"
                " (SELECT count(*) FROM notifications_notification WHERE status <> 'sent'),"
                " (SELECT count(*) FROM notifications_notification WHERE channel = 'email' AND status = 'sent')"
            ).fetchone()
            if window_start < 0 and left[2] > 0:
                window_start = session_cpu([p.pid for p in procs])
                sent_at_start = left[2]
            if left[0] == 0 and left[1] == 0 and left[2] >= expected:
                window_end = session_cpu([p.pid for p in procs])
                break
            if kill and killed_at < 0 and left[2] >= expected // 3:
                for p in procs:
                    os.killpg(p.pid, signal.SIGKILL)  # the workers and their pool processes, mid-task
                for p in procs:
                    p.wait()
                killed_at = left[2]
                print(f"  SIGKILL after {killed_at} e-mails; restarting the workers", flush=True)
                procs = [
                    subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True)  # noqa: S603
                    for cmd in workers(mode, count)
                ]
            time.sleep(0.2)
        first, last, sent, distinct = conn.execute(
            "SELECT min(sent_at), max(sent_at), count(*), count(DISTINCT key) FROM notifications_notification"
            " WHERE channel = 'email' AND status = 'sent'"
        ).fetchone()
    for p in procs:
        p.send_signal(signal.SIGTERM)
    for p in procs:
        p.wait(timeout=120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    window = {"window_cpu": window_end - window_start, "window_sent": sent - sent_at_start} if not kill else {}
    return {"sent": sent, "distinct": distinct, "wall": (last - first).total_seconds(), "cpu": cpu, **window}


def statements(count: int, floor: float) -> None:
    """In this process: the SQL statements and CPU per message of composing and sending `count` pending messages
    (notifications_compose_pending, the compose batches and deliveries a worker runs), PostgreSQL's time included
    in the wall time only."""
    import psycopg

    with psycopg.connect(f"{PG}/{DB}", autocommit=True) as conn:
        expected = reset(conn, count)
    os.environ.update(BASE_ENV)
    import django

    django.setup()
    from django.db import connection

    from precinct.notifications.services import COMPOSE_BATCH, notifications_compose_pending

    seen: list[str] = []

    def count_statement(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        seen.append(sql)
        return execute(sql, params, many, context)

    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(count_statement):
        sent = notifications_compose_pending(batch=COMPOSE_BATCH)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - started
    emails = expected or 1
    print(
        f"in-process, {expected} pending: {sent} messages sent (e-mails and SMS), {len(seen) / emails:.2f} statements"
        f" per e-mail with its SMS, {cpu / emails * 1000:.1f} ms CPU per e-mail ({cpu / emails / floor:.3f} of the"
        f" floor), {emails / wall:.1f}/s, load {os.getloadavg()}",
        flush=True,
    )


def receipts(count: int, floor: float) -> None:
    """CPU per receipt PDF in this process: the fast writer (core.pdfwriter), and fpdf2 with the full fonts (its
    fallback for a name beyond the cut-down fonts)."""
    os.environ.update(BASE_ENV)
    import django

    django.setup()
    from django.utils import translation

    from precinct.eservices import receipt
    from precinct.eservices.models import Dossier

    translation.activate("vi")
    dossiers = list(
        Dossier.objects.select_related("version__procedure", "unit__parent", "applicant").order_by("-id")[:count]
    )
    real_covers = receipt.covers
    for label, covers in (("fast writer, cut-down fonts", real_covers), ("fpdf2, full fonts (fallback)", None)):
        receipt.covers = covers or (lambda text: False)  # type: ignore[assignment]
        receipt.receipt_pdf(dossiers[0])
        start = time.process_time()
        size = sum(len(receipt.receipt_pdf(dossier)) for dossier in dossiers)
        ms = (time.process_time() - start) / len(dossiers) * 1000
        print(
            f"receipt PDF, {label}: {ms:.2f} ms CPU each ({ms / (floor * 1000):.4f} of the floor), "
            f"{size / len(dossiers) / 1024:.0f} KiB",
            flush=True,
        )
    receipt.covers = real_covers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=9500)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--runs", default="db:1,db:2,db:4,celery:1,celery:2,celery:4")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--receipts", type=int, default=0, help="only measure N receipt PDFs in-process")
    parser.add_argument("--statements", type=int, default=0, help="only count statements for N messages in-process")
    args = parser.parse_args()
    import psycopg

    prepare(args.dossiers, args.fresh)
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    floor = min(floor_seconds() for _ in range(3))
    print(f"floor: {floor * 1000:.0f} ms CPU for the fixed workload")
    if args.receipts:
        receipts(args.receipts, floor)
        return
    if args.statements:
        statements(args.statements, floor)
        return
    rows = []
    for spec in args.runs.split(","):
        mode, count, *flags = spec.split(":")
        with psycopg.connect(f"{PG}/{DB}", autocommit=True) as conn:
            expected = reset(conn, args.messages)
        result = run(mode, int(count), expected, kill="kill" in flags)
        rate = result["sent"] / result["wall"] if result["wall"] else 0.0
        cpu_ms = result["cpu"] / result["sent"] * 1000
        window_ms = result["window_cpu"] / result["window_sent"] * 1000 if result.get("window_sent") else float("nan")
        rows.append((spec, count, expected, result, rate, cpu_ms, window_ms))
        print(
            f"{spec}: {result['sent']} e-mails ({result['distinct']} keys) in {result['wall']:.1f} s = {rate:.1f}/s, "
            f"{window_ms:.1f} ms worker CPU each while sending ({cpu_ms:.1f} with start-up), load {os.getloadavg()}",
            flush=True,
        )
        if result["sent"] != expected or result["distinct"] != expected:
            print(f"  !! expected {expected} e-mails, one per dossier")
    print(
        "| run | worker processes | e-mails with receipt (each once, by key) | per second | worker CPU per message"
        " while sending | ratio to floor | CPU per message with start-up |"
    )
    print("|---|---|---|---|---|---|---|")
    for spec, count, expected, result, rate, cpu_ms, window_ms in rows:
        ok = "" if result["sent"] == expected == result["distinct"] else " !!"
        print(
            f"| {spec} | {count} | {result['sent']:,} of {expected:,}{ok} | {rate:.1f} | {window_ms:.1f} ms |"
            f" {window_ms / (floor * 1000):.3f} | {cpu_ms:.1f} ms |"
        )


if __name__ == "__main__":
    main()
