"""Acceptance of issue 20: SIGKILL the Celery worker in the middle of 10,000 queued notification tasks; every
notification is delivered exactly once.

10,000 notifications queued with `notify(deliver=False)` (one SMS each, to one citizen, keys `kill-bench:<i>`),
and one `notifications_deliver_task` per notification enqueued on Celery/RabbitMQ through the production
backend (config/celery_backend.py). A worker (`celery -A config worker -c W`, its own session) starts on the full
queue; when a third of them are recorded sent it is SIGKILLed with its pool (tasks running and prefetched, none
acknowledged) and started again. The SMS provider appends one line per message it is handed to a file (the
tests' FileSmsProvider), so the count at the provider is independent of the database.

Prints: notifications recorded sent, with attempts = 1, still queued; lines at the provider, distinct,
duplicates (a kill between the provider's answer and the commit can send one message twice towards the
provider: at least once at the edge, ADR 0024); wall and the workers' CPU per message.

Database: BENCH_NOTIFY_DB (default precinct_bench_scale_notify: bench/notifications_bench.py's, run that first).
Queue: TASKS_QUEUE (default wt_replica_kill; deleted at the end).
Usage: .venv/bin/python bench/queue_kill.py [--tasks 10000] [--workers 2]
"""

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_NOTIFY_DB", "precinct_bench_scale_notify")
AMQP = os.environ.get("BENCH_AMQP", "amqp://guest:guest@127.0.0.1:5672//")
QUEUE = os.environ.get("TASKS_QUEUE", "wt_replica_kill")
SINK = Path(tempfile.mkdtemp(prefix="wt_replica_kill_")) / "sms.txt"
os.environ.update(
    {
        "DATABASE_URL": f"{PG}/{DB}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "TASKS_BACKEND": "celery",
        "TASKS_BROKER_URL": AMQP,
        "TASKS_QUEUE": QUEUE,
        "TASKS_PREFETCH": "16",
        "PRECINCT_SMS_PROVIDER": "precinct.notifications.tests.sink.FileSmsProvider",
        "PRECINCT_SMS_SINK": str(SINK),
        "LOG_LEVEL": "ERROR",
        "DEBUG": "false",
    }
)


def worker(count: int) -> subprocess.Popen[bytes]:
    command = [str(ROOT / ".venv" / "bin" / "celery"), "-A", "config", "worker", "-c", str(count), "-P", "prefork"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "ERROR", "-n", f"{QUEUE}@%h"]
    quiet = subprocess.DEVNULL
    return subprocess.Popen(command, cwd=ROOT, start_new_session=True, stdout=quiet, stderr=quiet)  # noqa: S603


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import transaction

    from config.celery import app
    from precinct.accounts.models import User, UserKind
    from precinct.notifications.models import Notification, NotificationKey, NotificationStatus
    from precinct.notifications.services import Message, notify
    from precinct.notifications.tasks import notifications_deliver_task

    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    citizen, _ = User.objects.get_or_create(
        username="kill-bench", defaults={"kind": UserKind.CITIZEN, "full_name": "Kill Bench", "phone": "0912000111"}
    )
    Notification.objects.filter(recipient=citizen).delete()
    NotificationKey.objects.filter(recipient=citizen).delete()  # the keys too, or the same keys queue nothing
    with app.connection_for_write() as conn:
        conn.default_channel.queue_declare(QUEUE, durable=True, auto_delete=False)
        conn.default_channel.queue_purge(QUEUE)
    keys = [f"kill-bench:{i}" for i in range(args.tasks)]
    started = time.perf_counter()
    with transaction.atomic():
        for key in keys:
            notify(
                recipient=citizen,
                key=key,
                compose=lambda key=key: Message(subject=key, body=key, sms=key),
                deliver=False,
            )
    cpu0 = time.process_time()
    for key in keys:
        notifications_deliver_task.enqueue(citizen.pk, key)
    enqueue_cpu = time.process_time() - cpu0
    print(f"{args.tasks:,} notifications and tasks queued in {time.perf_counter() - started:.0f} s "
          f"({enqueue_cpu / args.tasks * 1000:.3f} ms CPU per enqueue)", flush=True)  # fmt: skip

    def sent() -> int:
        return Notification.objects.filter(recipient=citizen, status=NotificationStatus.SENT).count()

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    first_at = time.perf_counter()
    proc = worker(args.workers)
    while (done := sent()) < args.tasks // 3:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the worker and its pool, mid-task: nothing they hold is acknowledged
    proc.wait()
    killed_at = sent()
    print(f"SIGKILL after {done:,} recorded sent ({killed_at:,} once the processes were gone); restarting", flush=True)
    proc = worker(args.workers)
    deadline = time.monotonic() + 3600
    while sent() < args.tasks and time.monotonic() < deadline:
        time.sleep(0.2)
    wall = time.perf_counter() - first_at
    time.sleep(2)  # anything redelivered late would show up now
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)

    rows = Notification.objects.filter(recipient=citizen, key__in=keys)
    lines = [line.split("\t", 1)[1] for line in SINK.read_text().splitlines()] if SINK.exists() else []
    with app.connection_for_write() as conn:
        left = conn.default_channel.queue_declare(QUEUE, passive=True).message_count
        conn.default_channel.queue_delete(QUEUE)
    figures = {
        "notifications": rows.count(),
        "recorded sent": rows.filter(status=NotificationStatus.SENT).count(),
        "sent with attempts = 1": rows.filter(status=NotificationStatus.SENT, attempts=1).count(),
        "not sent": rows.exclude(status=NotificationStatus.SENT).count(),
        "lines at the provider": len(lines),
        "distinct at the provider": len(set(lines)),
        "duplicates at the provider": len(lines) - len(set(lines)),
        "missing at the provider": len(set(keys) - set(lines)),
        "messages left in the queue": left,
    }
    for name, value in figures.items():
        print(f"  {name}: {value:,}")
    print(
        f"killed at {killed_at:,} of {args.tasks:,}; {wall:.0f} s from the first worker's start to the last message "
        f"({args.tasks / wall:.0f}/s, kill and restart included); workers' CPU {cpu / args.tasks * 1000:.2f} ms per "
        f"message (start-ups included); load {os.getloadavg()}"
    )
    ok = (
        figures["recorded sent"] == figures["sent with attempts = 1"] == args.tasks
        and figures["missing at the provider"] == 0
        and figures["duplicates at the provider"] <= 1
    )
    print("EXACTLY ONCE: yes" if ok else "EXACTLY ONCE: NO")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
