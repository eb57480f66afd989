"""The read replica (ADR 0031): the leaders' dashboard on the replica against the primary, and the primary's intake
while a heavy report runs on the replica against on the primary.

A throwaway streaming pair (precinct.core.pgcluster: initdb + pg_basebackup -R, both on free ports, removed at
the end) is filled with `migrate`, `seed_demo` and `generate_dossiers`; then, each in a child process:

1. dashboard: a province leader's `/stats/` through Django's test client, `--runs` times, with
   DATABASE_REPLICA_URL set (the page's reads go to the replica: checked) and without it (the primary);
   p50 / p95 wall and CPU per page of the Django process;
2. intake: `dossier_submit` in a loop for `--seconds`, alone, then while a second process runs the naive
   province-wide report (bench/stats_dashboard.py's full scan of the dossier table) back to back on the
   primary, then on the replica: submissions per second, CPU per submission of the Django process and of its
   PostgreSQL backend on the primary, and the reports done meanwhile.

The floor is a fixed pure-Python loop measured in the same run; the machine is shared (2 cores): read CPU per
item and its ratio to the floor beside the wall-clock figures. Without `--pin` both servers run on the same
cores, so the replica moves a report's I/O and buffer use off the primary, not its CPU. With `--pin` the primary
and the intake process run on the first CPU and the replica and the report's client on the last
(`Cluster.pin`): a stand-in for two hosts, which still share memory, disk and the page cache.
`--rounds N` repeats the three intake conditions N times, interleaved; `--runs 0` skips the dashboard.
Usage: .venv/bin/python bench/replica_bench.py [--dossiers 100000] [--runs 60] [--seconds 20] [--pin] [--rounds 1]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from support.measure import process_cpu

PY = str(ROOT / ".venv" / "bin" / "python")


def floor_seconds() -> float:
    start = time.process_time()
    total = 0
    for i in range(2_000_000):
        total += i * i % 7
    return time.process_time() - start


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603


def child(env: dict[str, str], *args: str) -> dict:
    out = subprocess.run(  # noqa: S603
        [PY, __file__, "--child", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise SystemExit(f"child {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(lines[-1][7:])


# --- children ------------------------------------------------------------------------------------------------


def dashboard(runs: int) -> dict:
    import django

    django.setup()
    from django.db import connections
    from django.test import Client

    from precinct.organisation.models import Role, RoleAssignment, UnitKind
    from precinct.testing import sign_in

    leader = (
        RoleAssignment.objects.filter(role=Role.LEADER, unit__kind=UnitKind.PROVINCE, user__is_active=True)
        .select_related("user")
        .first()
    )
    assert leader is not None, "seed_demo has a province leader"
    client = Client()
    sign_in(client, leader.user)
    ran: dict[str, int] = {}

    def count(alias: str):
        def wrapper(execute, sql, params, many, context):
            ran[alias] = ran.get(alias, 0) + 1
            return execute(sql, params, many, context)

        return wrapper

    aliases = list(connections.settings)
    from contextlib import ExitStack

    with ExitStack() as stack:
        for alias in aliases:
            stack.enter_context(connections[alias].execute_wrapper(count(alias)))
        assert client.get("/stats/").status_code == 200
    for _ in range(3):
        client.get("/stats/")
    wall, cpu0 = [], time.process_time()
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/stats/")
        wall.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and b"replica-notice" not in response.content
    return {
        "p50": pct(wall, 50),
        "p95": pct(wall, 95),
        "cpu_ms": (time.process_time() - cpu0) * 1000 / runs,
        "queries": ran,
    }


NAIVE = """
SELECT date_trunc('month', received_on), unit_id, channel, status, count(*),
       count(*) FILTER (WHERE (completed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date > due_date)
  FROM eservices_dossier GROUP BY 1, 2, 3, 4
"""


def report(url: str, stop_file: str) -> dict:
    import psycopg

    done = 0
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET max_parallel_workers_per_gather = 0")
        while not Path(stop_file).exists():
            conn.execute(NAIVE).fetchall()
            done += 1
    return {"reports": done}


def intake(seconds: float) -> dict:
    import django

    django.setup()
    from django.db import connection

    from precinct.accounts.models import User
    from precinct.eservices.models import Procedure
    from precinct.eservices.services import dossier_submit
    from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Unit

    citizen = User.objects.filter(kind="citizen").order_by("id").first()
    procedure = Procedure.objects.get(code="CT-06")
    unit = Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS).order_by("path").first()
    assert unit is not None

    def submit() -> None:
        dossier_submit(actor=citizen, procedure=procedure, form_data={"muc_dich": "Đo hiệu năng"}, unit_code=unit.code)

    def backend_cpu() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        return process_cpu(pid)

    for _ in range(20):
        submit()
    done, cpu0, pg0 = 0, time.process_time(), backend_cpu()
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        submit()
        done += 1
    wall = time.perf_counter() - started
    return {
        "per_s": done / wall,
        "cpu_ms": (time.process_time() - cpu0) * 1000 / done,
        "pg_cpu_ms": (backend_cpu() - pg0) * 1000 / done,
        "submissions": done,
    }


# --- the run ---------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--pin", action="store_true", help="primary + intake on the first CPU, replica on the last")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if os.environ.get("BENCH_CPUS"):
            os.sched_setaffinity(0, {int(cpu) for cpu in os.environ["BENCH_CPUS"].split(",")})
        kind, *rest = args.child
        result = {"dashboard": lambda: dashboard(int(rest[0])), "intake": lambda: intake(float(rest[0]))}.get(
            kind, lambda: report(rest[0], rest[1])
        )()
        print("RESULT " + json.dumps(result), flush=True)
        return

    from precinct.core.pgcluster import StreamingPair

    pair = StreamingPair.start()
    try:
        run(pair, args)
    finally:
        pair.stop()


def run(pair: "object", args: argparse.Namespace) -> None:
    primary, replica = pair.primary.url(), pair.replica.url()  # type: ignore[attr-defined]
    base = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": primary,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "ERROR",
        "DB_CONN_MAX_AGE": "600",
        "PYTHONPATH": str(ROOT),
        "TASKS_BACKEND": "db",
    }
    started = time.perf_counter()
    manage(base, "migrate", "--noinput")
    manage(base, "seed_demo")
    manage(base, "generate_dossiers", "--count", str(args.dossiers), "--years", "2", "--seed", "31")
    pair.wait_replayed(timeout=600)  # type: ignore[attr-defined]
    print(f"pair filled: {args.dossiers:,} dossiers in {time.perf_counter() - started:.0f} s", flush=True)
    cpus = sorted(os.sched_getaffinity(0))
    primary_side, replica_side = base, base
    if args.pin:
        if len(cpus) < 2:
            raise SystemExit("--pin needs two CPUs")
        pair.primary.pin({cpus[0]})  # type: ignore[attr-defined]
        pair.replica.pin({cpus[-1]})  # type: ignore[attr-defined]
        primary_side = {**base, "BENCH_CPUS": str(cpus[0])}
        replica_side = {**base, "BENCH_CPUS": str(cpus[-1])}
        print(f"pinned: primary and intake on CPU {cpus[0]}, replica and the report's client on CPU {cpus[-1]}")
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    floor = min(floor_seconds() for _ in range(3))
    print(f"floor: {floor * 1000:.0f} ms CPU for the fixed workload", flush=True)
    with_replica = {**base, "DATABASE_REPLICA_URL": replica}

    pages: dict[str, list[dict]] = {}
    dashboard_runs = (("replica", with_replica), ("primary", base)) * 2 if args.runs else ()
    for label, env in dashboard_runs:
        result = child(env, "dashboard", str(args.runs))
        pages.setdefault(label, []).append(result)
        print(f"dashboard from the {label}: {result}, load {os.getloadavg()[0]:.1f}", flush=True)

    intakes: list[tuple[str, dict]] = []
    conditions = (("no report", None), ("report on the primary", primary), ("report on the replica", replica))
    for label, target in conditions * args.rounds:
        stop = Path(f"/tmp/wt_replica_bench_stop_{os.getpid()}")  # noqa: S108
        stop.unlink(missing_ok=True)
        reporter = None
        if target:
            reporter = subprocess.Popen(  # noqa: S603
                [PY, __file__, "--child", "report", target, str(stop)],
                cwd=ROOT,
                env=replica_side,
                stdout=subprocess.PIPE,
                text=True,
            )
            time.sleep(1)
        result = child(primary_side, "intake", str(args.seconds))
        stop.touch()
        if reporter:
            out = reporter.communicate()[0]
            result |= json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
        stop.unlink(missing_ok=True)
        result["load"] = os.getloadavg()[0]
        intakes.append((label, result))
        print(f"intake, {label}: {result}", flush=True)

    f = floor * 1000
    print("\n| dashboard read from | pages | p50 | p95 | CPU per page (Django process) | ratio to floor |")
    print("|---|---|---|---|---|---|")
    for label, results in pages.items():
        for r in results:
            print(
                f"| {label} ({r['queries']}) | {args.runs} | {r['p50']:.0f} ms | {r['p95']:.0f} ms | {r['cpu_ms']:.1f} ms | {r['cpu_ms'] / f:.3f} |"
            )
    print(
        "\n| primary's intake | submissions/s | of intake alone (same round) | CPU per submission (Django / its"
        " PostgreSQL backend) | ratio to floor | reports done | load |"
    )
    print("|---|---|---|---|---|---|---|")
    alone = 0.0
    for label, r in intakes:
        alone = r["per_s"] if label == "no report" else alone
        print(
            f"| {label} | {r['per_s']:.1f} | {r['per_s'] / alone:.2f} | {r['cpu_ms']:.2f} / {r['pg_cpu_ms']:.2f} ms"
            f" | {r['cpu_ms'] / f:.4f} | {r.get('reports', '—')} | {r['load']:.1f} |"
        )


if __name__ == "__main__":
    main()
