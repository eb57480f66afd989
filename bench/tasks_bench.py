"""Task throughput: no-op tasks enqueued and executed per second on each task backend, in the same run.

Backends: the database queue (django-tasks-db on PostgreSQL, `db_worker`), Celery on RabbitMQ and on Redis
(django-tasks-celery, `celery -A config worker`), and RQ on Redis (django-tasks-rq) when it runs under
Django's own tasks. Each backend is measured in a child process of its own (settings are read at start):
1. enqueue: N `noop_task.enqueue(i)` calls from P processes at once (the web server's workers), each call its
   own transaction / publish;
2. execute: W worker processes started on the full queue, timed from a marker task enqueued first to one
   enqueued last (FIFO: everything between has been taken; the few still in flight are a rounding error).
CPU per task is the enqueuing process's CPU time, and the workers' CPU (getrusage of the reaped children).
The floor is the same machine's cost of a fixed pure-Python workload measured in the same run, so figures
from a noisy machine (2 cores shared) can be compared: `ratio` = CPU per task / floor.

PostgreSQL database precinct_bench_scale_tasks (dropped and created). Brokers: RabbitMQ at BENCH_AMQP
(default amqp://guest:guest@127.0.0.1:5672//), Redis at BENCH_REDIS (default redis://127.0.0.1:6379/14).
The RabbitMQ queue is TASKS_QUEUE (set it to one of your own on a shared broker: the bench purges it).
Usage: .venv/bin/python bench/tasks_bench.py [--tasks 5000] [--workers 2] [--only db,celery-amqp,...]
"""

import argparse
import json
import os
import resource
import signal
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_TASKS_DB", "precinct_bench_scale_tasks")
AMQP = os.environ.get("BENCH_AMQP", "amqp://guest:guest@127.0.0.1:5672//")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14")
BACKENDS = {
    "db": {"TASKS_BACKEND": "db"},
    "celery-amqp": {"TASKS_BACKEND": "celery", "TASKS_BROKER_URL": AMQP},
    # The same broker and worker through django-tasks-celery's own enqueue (apply_async per call): the
    # before of config/celery_backend.py's lean enqueue, measured in the same run.
    "celery-amqp-apply_async": {"TASKS_BACKEND": "django_tasks_celery.backend.CeleryBackend", "TASKS_BROKER_URL": AMQP},
    "celery-redis": {"TASKS_BACKEND": "celery", "TASKS_BROKER_URL": REDIS},
    "rq": {
        "TASKS_BACKEND": "django_tasks_rq.RQBackend",
        "RQ_URL": REDIS,
        "DJANGO_SETTINGS_MODULE": "bench.support.rq_settings",
    },
}


def floor_seconds() -> float:
    """CPU seconds of a fixed pure-Python workload: the machine's speed at this moment."""
    start = time.process_time()
    total = 0
    for i in range(2_000_000):
        total += i * i % 7
    return time.process_time() - start


def worker_command(name: str, workers: int) -> list[list[str]]:
    if name == "db":
        return [[PY, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"] for _ in range(workers)]
    if name.startswith("celery"):
        return [
            [
                str(ROOT / ".venv" / "bin" / "celery"),
                "-A",
                "config",
                "worker",
                "-c",
                str(workers),
                "-P",
                "prefork",
                "-I",
                "bench.support.tasks",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "WARNING",
                "-n",
                f"bench{os.getpid()}@%h",
            ]
        ]
    return [
        [
            PY,
            "manage.py",
            "rqworker",
            "--worker-class",
            "rq.worker.SimpleWorker",
            "--job-class",
            "django_tasks_rq.backend.Job",
            "default",
        ]
        for _ in range(workers)
    ]


def run_workers(name: str, workers: int, first: Path, last: Path, connection: object) -> tuple[float, float]:
    """Start the workers on the queue (`first` marker queued already), enqueue the `last` marker, wait for it;
    answers the workers' CPU seconds and the seconds between the two markers' runs."""
    from bench.support.tasks import mark_task

    if first.name.startswith("idle"):  # the start-up run: nothing queued yet
        mark_task.enqueue(str(first))
    mark_task.enqueue(str(last))
    connection.close()  # type: ignore[attr-defined]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=os.environ.copy()) for cmd in worker_command(name, workers)]  # noqa: S603
    if name == "db":
        for p in procs:
            p.wait()
    while not last.exists():
        time.sleep(0.01)
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        p.wait(timeout=60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return cpu, last.stat().st_mtime - first.stat().st_mtime


def enqueue_all(tasks: int, producers: int) -> tuple[float, float]:
    """`tasks` no-op tasks enqueued by `producers` forked processes at once (the front door is several
    gunicorn workers); answers the wall seconds from the common start to the last one's end, and CPU seconds."""
    import multiprocessing

    from bench.support.tasks import noop_task

    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(producers + 1)
    results = ctx.Queue()

    def produce(part: range) -> None:
        barrier.wait()
        cpu0 = time.process_time()
        for i in part:
            noop_task.enqueue(i)
        results.put((time.perf_counter(), time.process_time() - cpu0))

    procs = [ctx.Process(target=produce, args=(range(p, tasks, producers),)) for p in range(producers)]
    for p in procs:
        p.start()
    barrier.wait()
    start = time.perf_counter()
    ends = [results.get() for _ in procs]
    for p in procs:
        p.join()
    return max(end for end, _ in ends) - start, sum(cpu for _, cpu in ends)


def child(name: str, tasks: int, workers: int, producers: int) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.support.tasks import mark_task, noop_task

    if name == "db":
        call_command("migrate", "--noinput", verbosity=0)
    elif name.startswith("celery"):
        from config.celery import app

        app.control.purge()
    else:
        import django_rq

        django_rq.get_queue("default").empty()
    noop_task.enqueue(-1)  # connect, declare the queue, warm up
    marks = Path(tempfile.mkdtemp())
    # The workers' start-up (Django, the pool) is not the queue's cost: one run on a queue holding only the
    # two markers gives the start-up CPU, subtracted below.
    idle_cpu, _ = run_workers(name, workers, marks / "idle0", marks / "idle1", connection)
    mark_task.enqueue(str(marks / "first"))
    connection.close()
    enqueue_wall, enqueue_cpu = enqueue_all(tasks, producers)
    busy_cpu, execute_wall = run_workers(name, workers, marks / "first", marks / "last", connection)
    worker_cpu = busy_cpu - idle_cpu
    return {
        "backend": name,
        "tasks": tasks,
        "workers": workers,
        "producers": producers,
        "enqueue_per_s": tasks / enqueue_wall,
        "enqueue_cpu_ms": enqueue_cpu / tasks * 1000,
        "execute_per_s": tasks / execute_wall,
        "worker_cpu_ms": worker_cpu / tasks * 1000,
        "execute_wall_s": execute_wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--producers", type=int, default=2)
    parser.add_argument("--only", default=",".join(BACKENDS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(child(args.child, args.tasks, args.workers, args.producers)), flush=True)
        return

    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    floor = min(floor_seconds() for _ in range(3))
    print(f"floor: {floor * 1000:.0f} ms CPU for the fixed workload")
    results = []
    for name in args.only.split(","):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **BACKENDS[name],
            "DATABASE_URL": f"{PG}/{DB}",
            "LOG_LEVEL": "ERROR",
            "PYTHONPATH": str(ROOT),
        }
        out = subprocess.run(  # noqa: S603
            [
                PY,
                __file__,
                "--child",
                name,
                "--tasks",
                str(args.tasks),
                "--workers",
                str(args.workers),
                "--producers",
                str(args.producers),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        lines = [line for line in out.stdout.splitlines() if line.startswith("RESULT ")]
        if not lines:
            print(f"{name}: failed\n{out.stderr[-3000:]}")
            continue
        results.append(json.loads(lines[-1][7:]))
        print(f"{name}: {results[-1]}, load {os.getloadavg()}", flush=True)
    print(f"load after: {os.getloadavg()}")
    print(
        "| backend | tasks | enqueuing processes | worker processes | enqueued/s | CPU/enqueue | executed/s | worker CPU/task | ratio to floor (enqueue / execute) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['backend']} | {r['tasks']:,} | {r['producers']} | {r['workers']} | {r['enqueue_per_s']:,.0f} | {r['enqueue_cpu_ms']:.3f} ms "
            f"| {r['execute_per_s']:,.0f} | {r['worker_cpu_ms']:.3f} ms "
            f"| {r['enqueue_cpu_ms'] / (floor * 1000):.4f} / {r['worker_cpu_ms'] / (floor * 1000):.4f} |"
        )


if __name__ == "__main__":
    main()
