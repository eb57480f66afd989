"""Partitioned against unpartitioned append-only tables on PostgreSQL (ADR 0030, docs/SCALE.md).

`prepare` builds one database with the three tables plain (the migrations before partitioning), fills it with
`generate_dossiers` plus, per dossier, EVENTS history events, as many outbox rows and audit rows (the audit rows
carry placeholder hashes: nothing here verifies the chain), then copies it (`CREATE DATABASE … TEMPLATE`) and
migrates the copy forward: the partitioning migrations run on the full tables and their time is printed.

`measure` (run by `compare`, one process per database and round, rounds alternated so that the machine's noise
falls on both) prints, per operation, the wall time and this process's CPU per item and the PostgreSQL
backend's CPU per item (read from /proc: the server runs on this host), with the minimum over blocks:
- intake: `dossier_submit` (the dossier, its history event, outbox row, statistics delta and audit append);
- look-up: `dossier_get` of a random existing dossier with its history (the dossier page's query);
- history, history_bounded: that history read alone, by dossier only, and with `at >= submitted_at - 1 day`;
- inbox: a ward officer's first 50 open dossiers by due date (`dossier_list`);
- dashboard: the province leader's report for the last 12 months (`dossier_report`).
A fixed pure-Python loop is timed in each process as the floor, to compare runs on a shared machine.

Usage:
  .venv/bin/python bench/partitions_bench.py prepare --dossiers 2000000 --events 3
  (stopped during generation? `prepare --resume --events 3` goes on from the committed batches)
  .venv/bin/python bench/partitions_bench.py compare --rounds 3
  .venv/bin/python bench/partitions_bench.py drop

At ≥ 50 M rows (issue 20: intake on partitioned tables at ≥ 50 M rows within 10 % of unpartitioned at 1 M):
`prepare50m` builds BIG_PLAIN (1 M dossiers from `generate_dossiers`, plain tables, one `bench` history event,
outbox row and audit row per dossier) and BIG_PART, its `TEMPLATE` copy migrated forward (partitioned), into
which it then writes EXTRA history events and as many audit rows per even-numbered dossier with the tables'
keys, indexes and foreign keys dropped, and builds them again after (one build per partition). Both databases
hold the same dossiers (the inbox and the dashboard read only those), and the look-up samples odd-numbered
dossiers, whose history is the same in both. `compare --big` measures the pair; `explain` prints the plans of
intake's statements and of the look-up on one database; `drop50m` drops the pair.
  nohup .venv/bin/python bench/partitions_bench.py prepare50m > /tmp/prepare50m.log 2>&1 &
  .venv/bin/python bench/partitions_bench.py compare --big --rounds 2
  .venv/bin/python bench/partitions_bench.py explain --database bench_intake_50m_part
  .venv/bin/python bench/partitions_bench.py drop50m
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from support.measure import floor, process_cpu  # bench/ is this script's folder, first on sys.path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PLAIN, PARTITIONED = "wt_partitions_bench", "wt_partitions_bench_part"
BEFORE = [("audit", "0003_append_only_triggers"), ("eservices", "0006_default_workflow_leaders_decide"),
          ("portalsync", "0001_initial")]  # fmt: skip
BIG = os.environ.get("BENCH_BIG", "bench_intake_50m")
BIG_PLAIN, BIG_PART = f"{BIG}_plain", f"{BIG}_part"
BIG_TABLES = ("eservices_dossierevent", "audit_auditevent")
BIG_FILL = [
    # EXTRA history events per even-numbered dossier, six hours apart from its submission (never in the future).
    """INSERT INTO eservices_dossierevent (dossier_id, at, actor_id, action, from_status, to_status, note, data)
       SELECT d.id, least(d.submitted_at + make_interval(hours => 6 * k), now() - interval '1 hour'), NULL,
              'bench50', 'in_review', 'in_review', '', '{{}}'
       FROM eservices_dossier d CROSS JOIN generate_series(1, {extra}) k WHERE d.id % 2 = 0""",
    # One audit row per such event (placeholder hashes, unique with their time).
    """INSERT INTO audit_auditevent (occurred_at, actor_id, actor_label, unit_id, unit_path, action, target_type,
                                   target_id, target_label, before, after, request_id, prev_hash, hash)
       SELECT least(d.submitted_at + make_interval(hours => 6 * k), now() - interval '1 hour'), NULL, 'system',
              NULL, d.unit_path, 'dossier.bench50', 'eservices.dossier', d.id::text, d.code, NULL,
              jsonb_build_object('status', 'in_review'), '', md5(d.id || 'p' || k) || md5(k || 'p' || d.id),
              md5(d.id || 'h' || k) || md5(k || 'h' || d.id)
       FROM eservices_dossier d CROSS JOIN generate_series(1, {extra}) k WHERE d.id % 2 = 0""",
]

FILL = [
    # History: EVENTS rows per dossier, hours apart from its submission.
    """INSERT INTO eservices_dossierevent (dossier_id, at, actor_id, action, from_status, to_status, note, data)
       SELECT d.id, d.submitted_at + make_interval(hours => k), NULL, 'bench', 'submitted', 'received', '', '{{}}'
       FROM eservices_dossier d CROSS JOIN generate_series(1, {events}) k""",
    # The outbox: one delivered row per history event (what a year of sync leaves behind).
    """INSERT INTO portalsync_outboxevent (key, dossier_id, dossier_event_id, dossier_code, unit_path, action, status,
                                         payload, state, attempts, created_at, next_attempt_at, delivered_at,
                                         last_http_status, last_error)
       SELECT gen_random_uuid(), e.dossier_id, e.id, d.code, d.unit_path, e.action, e.to_status,
              jsonb_build_object('MaHoSo', d.code, 'TrangThaiHoSo', 2, 'NgayTiepNhan', e.at), 'delivered', 1,
              e.at, e.at, e.at + interval '5 seconds', 200, ''
       FROM eservices_dossierevent e JOIN eservices_dossier d ON d.id = e.dossier_id WHERE e.action = 'bench'""",
    # The audit log: one row per history event, with placeholder hashes (64 hex characters).
    """INSERT INTO audit_auditevent (occurred_at, actor_id, actor_label, unit_id, unit_path, action, target_type,
                                   target_id, target_label, before, after, request_id, prev_hash, hash)
       SELECT e.at, NULL, 'system', NULL, d.unit_path, 'dossier.bench', 'eservices.dossier', d.id::text, d.code,
              NULL, jsonb_build_object('status', e.to_status), '', md5(e.id::text) || md5(e.id::text || 'p'),
              md5(e.id::text || 'h') || md5(e.id::text || 'x')
       FROM eservices_dossierevent e JOIN eservices_dossier d ON d.id = e.dossier_id WHERE e.action = 'bench'
       ORDER BY e.at""",
]


def manage(database: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": f"{PG}/{database}", "DEBUG": "false", "LOG_LEVEL": "WARNING"}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def admin_sql(sql: str) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def timed(label: str, action) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    action()
    print(f"{label}: {time.perf_counter() - started:.1f} s", flush=True)


def prepare(dossiers: int, events: int, resume: bool) -> None:
    admin_sql(f"DROP DATABASE IF EXISTS {PARTITIONED} WITH (FORCE)")
    if resume:  # generation was stopped between batches (each batch commits): go on from what is there
        timed("rebuild_stats", lambda: manage(PLAIN, "rebuild_stats"))
    else:
        admin_sql(f"DROP DATABASE IF EXISTS {PLAIN} WITH (FORCE)")
        admin_sql(f"CREATE DATABASE {PLAIN}")
        timed("migrate", lambda: manage(PLAIN, "migrate", "--noinput"))
        for app, name in BEFORE:  # back to the plain tables (the reverse migrations, on empty tables)
            manage(PLAIN, "migrate", app, name, "--noinput")
        timed("seed_demo", lambda: manage(PLAIN, "seed_demo"))
        arguments = ("generate_dossiers", "--count", str(dossiers), "--years", "5", "--seed", "20")
        timed(f"generate_dossiers {dossiers:,}", lambda: manage(PLAIN, *arguments))
    with psycopg.connect(f"{PG}/{PLAIN}", autocommit=True) as conn:
        for sql in FILL:
            timed(sql.split("(")[0].strip(), lambda sql=sql: conn.execute(sql.format(events=events)))  # type: ignore[misc]
        conn.execute("SELECT setval('audit_auditevent_id_seq', (SELECT max(id) FROM audit_auditevent))")
        timed("vacuum analyze", lambda: conn.execute("VACUUM ANALYZE"))
        for table in ("eservices_dossier", "eservices_dossierevent", "portalsync_outboxevent", "audit_auditevent"):
            rows = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            size = conn.execute(f"SELECT pg_size_pretty(pg_total_relation_size('{table}'))").fetchone()[0]  # type: ignore[index]
            print(f"  {table}: {rows:,} rows, {size}")
    admin_sql(f"CREATE DATABASE {PARTITIONED} TEMPLATE {PLAIN}")
    # The partitioning migrations on full tables: the cost of converting a live database.
    timed("migrate (partitioning migrations on the full tables)", lambda: manage(PARTITIONED, "migrate", "--noinput"))
    with psycopg.connect(f"{PG}/{PARTITIONED}", autocommit=True) as conn:
        timed("vacuum analyze (partitioned)", lambda: conn.execute("VACUUM ANALYZE"))
        for database in (PLAIN, PARTITIONED):
            size = conn.execute(f"SELECT pg_size_pretty(pg_database_size('{database}'))").fetchone()[0]  # type: ignore[index]
            print(f"  {database}: {size}")


def prepare50m(dossiers: int, extra: int, fill_only: bool) -> None:
    """The plain 1 M database, then its partitioned copy grown to ≥ 50 M rows (see the module's docstring);
    `fill_only` goes on from a partitioned copy made by an earlier run that stopped in the fill."""
    global PLAIN, PARTITIONED
    PLAIN, PARTITIONED = BIG_PLAIN, BIG_PART
    if not fill_only:
        prepare(dossiers, 1, resume=False)
    with psycopg.connect(f"{PG}/{BIG_PART}", autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("SET work_mem = '256MB'")
        saved: list[str] = []  # the statements that build the keys, indexes and foreign keys again, in order
        for table in BIG_TABLES:
            constraints = conn.execute(
                "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype DESC",
                [table],
            ).fetchall()
            indexes = conn.execute(
                "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = %s::regclass AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid AND k.conrelid = i.indrelid)",
                [table],
            ).fetchall()
            for name, _definition, _kind in constraints:
                conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')  # type: ignore[arg-type]
            for name, _definition in indexes:
                conn.execute(f'DROP INDEX "{name}"')  # type: ignore[arg-type]
            saved += [f'ALTER TABLE {table} ADD CONSTRAINT "{n}" {d}' for n, d, _k in reversed(constraints)]
            saved += [d.replace(" ON ONLY ", " ON ") for _n, d in indexes]  # partitioned: on every partition
        print("dropped, to build after the fill:", *saved, sep="\n  ", flush=True)
        for sql in BIG_FILL:
            timed(sql.split("(")[0].strip() + " (extra)", lambda sql=sql: conn.execute(sql.format(extra=extra)))  # type: ignore[misc]
        for sql in saved:
            timed(sql[:90], lambda sql=sql: conn.execute(sql))  # type: ignore[misc]
        conn.execute("SELECT setval('audit_auditevent_id_seq', (SELECT max(id) FROM audit_auditevent))")
        timed("analyze (partitioned, 50 M)", lambda: conn.execute("ANALYZE"))
        total = 0
        for table in ("eservices_dossier", *BIG_TABLES, "portalsync_outboxevent"):
            rows = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            size = conn.execute(
                "SELECT pg_size_pretty(pg_total_relation_size(%s::regclass) + coalesce((SELECT "
                "sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = %s::regclass), 0))",
                [table, table],
            ).fetchone()[0]  # type: ignore[index]
            parts = conn.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = %s::regclass", [table]).fetchone()[
                0
            ]  # type: ignore[index]
            total += rows if table != "eservices_dossier" else 0
            print(f"  {table}: {rows:,} rows, {size}, {parts} partitions")
        print(f"  rows in the partitioned tables: {total:,}")
        for database in (BIG_PLAIN, BIG_PART):
            size = conn.execute(f"SELECT pg_size_pretty(pg_database_size('{database}'))").fetchone()[0]  # type: ignore[index]
            print(f"  {database}: {size}")


EXPLAINED = [
    ("the chain's tail, before audit 0005", "SELECT hash FROM audit_auditevent ORDER BY id DESC LIMIT 1"),
    ("the chain's head, audit 0005", "SELECT hash FROM audit_chainhead WHERE id = 1"),
    (
        "a dossier's history, by dossier only",
        "SELECT * FROM eservices_dossierevent WHERE dossier_id = {id} ORDER BY at, id",
    ),
    (
        "a dossier's history, at >= submitted_at - 1 day",
        "SELECT * FROM eservices_dossierevent WHERE dossier_id = {id} AND at >= '{since}' ORDER BY at, id",
    ),
    (
        "intake's history row (rolled back)",
        "INSERT INTO eservices_dossierevent (dossier_id, at, action, from_status, to_status, note, data) "
        "VALUES ({id}, now(), 'explain', '', 'received', '', '{{}}')",
    ),
]


def explain(database: str) -> None:
    """The plans of intake's statements on the partitioned tables and of the look-up's history read."""
    with psycopg.connect(f"{PG}/{database}") as conn:
        top = conn.execute("SELECT max(id) FROM eservices_dossier").fetchone()[0]  # type: ignore[index]
        dossier, submitted = conn.execute(
            "SELECT id, submitted_at FROM eservices_dossier WHERE id = %s", [top // 4 * 2 + 1]
        ).fetchone()  # type: ignore[misc]
        since = submitted - __import__("datetime").timedelta(days=1)
        for label, sql in EXPLAINED:
            text = sql.format(id=dossier, since=since.isoformat())
            try:
                for _ in range(2):  # the second run, warm
                    plan = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS, SUMMARY) {text}").fetchall()  # type: ignore[arg-type]
            except psycopg.errors.UndefinedTable:
                conn.rollback()
                print(f"-- {label}: no such table here\n")
                continue
            conn.rollback()
            print(f"-- {label}\n{text}")
            lines = [row[0] for row in plan]
            scans = sum("Scan" in line for line in lines)
            print(
                *(
                    lines
                    if len(lines) <= 14
                    else [*lines[:8], f"   … {len(lines) - 12} lines, {scans} scans …", *lines[-4:]]
                ),
                sep="\n",
            )
            print()


def _cpu(pid: int | None = None) -> float:
    if pid is None:
        times = os.times()
        return times.user + times.system
    return process_cpu(pid)


def measure(database: str, blocks: int, per_block: int) -> dict[str, object]:
    os.environ.update({"DATABASE_URL": f"{PG}/{database}", "DEBUG": "false", "LOG_LEVEL": "WARNING"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from precinct.accounts.models import User
    from precinct.eservices.models import Dossier, Procedure
    from precinct.eservices.selectors import dossier_get, dossier_list
    from precinct.eservices.services import dossier_submit
    from precinct.organisation.models import RoleAssignment
    from precinct.stats.selectors import dossier_report, period_parse, stats_scope

    connection.ensure_connection()
    backend = connection.cursor().execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[union-attr]
    rng = random.Random(7)
    admin = User.objects.filter(is_superuser=True).first()
    citizen = User.objects.filter(kind="citizen").exclude(personal_id="").first()
    ward_role = RoleAssignment.objects.select_related("user", "unit").filter(unit__kind__in=["ward"]).first()
    officer = ward_role.user if ward_role else admin
    procedure = Procedure.objects.get(code="CT-06")
    unit_code = ward_role.unit.code if ward_role else "07168"
    top = Dossier.objects.order_by("-id").values_list("id", flat=True).first() or 1
    # Odd-numbered dossiers: their history is the same in the 50 M database (prepare50m grows the even ones').
    codes = [c for c in (Dossier.objects.filter(id=rng.randint(0, top // 2) * 2 + 1).values_list("code", flat=True).first()
                         for _ in range(blocks * per_block)) if c]  # fmt: skip
    period = period_parse()
    from precinct.eservices.models import DossierEvent
    from precinct.eservices.selectors import HISTORY_MARGIN

    sample = list(Dossier.objects.filter(code__in=codes).values_list("id", "submitted_at"))

    def intake(i: int) -> None:
        dossier_submit(actor=citizen, procedure=procedure, form_data={"muc_dich": f"bench {i}"}, unit_code=unit_code)

    def lookup(i: int) -> None:
        dossier = dossier_get(actor=admin, code=codes[i % len(codes)])
        list(dossier.events.all())

    def history(i: int) -> None:  # the history read alone, by dossier only (before the bound)
        list(DossierEvent.objects.select_related("actor").filter(dossier_id=sample[i % len(sample)][0]))

    def history_bounded(i: int) -> None:  # … and with at >= submitted_at - 1 day (dossier_get's read now)
        dossier_id, submitted_at = sample[i % len(sample)]
        list(
            DossierEvent.objects.select_related("actor").filter(
                dossier_id=dossier_id, at__gte=submitted_at - HISTORY_MARGIN
            )
        )

    def inbox(i: int) -> None:
        list(dossier_list(actor=officer, status="received").order_by("due_date")[:50])

    def dashboard(i: int) -> None:
        dossier_report(scope=stats_scope(actor=admin), period=period)

    figures: dict[str, object] = {"floor_s": min(floor() for _ in range(3))}
    for name, action, count in (("intake", intake, per_block), ("lookup", lookup, per_block),
                                ("history", history, per_block), ("history_bounded", history_bounded, per_block),
                                ("inbox", inbox, per_block // 4), ("dashboard", dashboard, max(per_block // 20, 3))):  # fmt: skip
        action(0)  # warm
        walls, cpus, server = [], [], []
        for _ in range(blocks):
            wall, cpu, db = time.perf_counter(), _cpu(), _cpu(backend)
            for i in range(count):
                action(i)
            walls.append((time.perf_counter() - wall) / count * 1000)
            cpus.append((_cpu() - cpu) / count * 1000)
            server.append((_cpu(backend) - db) / count * 1000)
        figures[name] = {
            "items": count * blocks,
            "wall_ms_min": min(walls), "wall_ms_median": statistics.median(walls),
            "cpu_ms_min": min(cpus), "server_cpu_ms_min": min(server), "server_cpu_ms_median": statistics.median(server),
        }  # fmt: skip
    figures["load"] = os.getloadavg()
    return figures


def compare(rounds: int, blocks: int, per_block: int, big: bool = False) -> None:
    global PLAIN, PARTITIONED
    if big:
        PLAIN, PARTITIONED = BIG_PLAIN, BIG_PART
    results: dict[str, list[dict[str, object]]] = {PLAIN: [], PARTITIONED: []}
    for _ in range(rounds):
        for database in (PLAIN, PARTITIONED):
            out = subprocess.run(  # noqa: S603
                [sys.executable, __file__, "measure", "--database", database, "--blocks", str(blocks),
                 "--per-block", str(per_block)], cwd=ROOT, capture_output=True, text=True, check=True,
            )  # fmt: skip
            results[database].append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(
        f"{'operation':16} {'tables':12} {'wall ms min/med':>18} {'CPU ms (py)':>12} {'CPU ms (pg)':>12} {'py/floor':>9}"
    )
    for op in ("intake", "lookup", "history", "history_bounded", "inbox", "dashboard"):
        for database, label in ((PLAIN, "plain"), (PARTITIONED, "partitioned")):
            runs = results[database]
            best = min(runs, key=lambda r: r[op]["wall_ms_min"])  # type: ignore[index]
            cpu = min(r[op]["cpu_ms_min"] for r in runs)  # type: ignore[index]
            pg = min(r[op]["server_cpu_ms_min"] for r in runs)  # type: ignore[index]
            fl = min(r["floor_s"] for r in runs)  # type: ignore[type-var]
            w = best[op]  # type: ignore[index]
            print(f"{op:16} {label:12} {w['wall_ms_min']:8.2f} / {w['wall_ms_median']:7.2f} {cpu:12.2f} {pg:12.2f} "
                  f"{cpu / (fl * 1000):9.4f}")  # fmt: skip
    print("floor (3 M-iteration loop, s):", {d: [round(r["floor_s"], 3) for r in rs] for d, rs in results.items()})  # type: ignore[index]
    print("load average per run:", {d: [r["load"] for r in rs] for d, rs in results.items()})


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--dossiers", type=int, default=1_000_000)
    p.add_argument("--events", type=int, default=2)
    p.add_argument("--resume", action="store_true", help="keep the plain database's dossiers; rebuild and go on")
    m = sub.add_parser("measure")
    m.add_argument("--database", required=True)
    for s in (m, c := sub.add_parser("compare")):
        s.add_argument("--blocks", type=int, default=5)
        s.add_argument("--per-block", type=int, default=40)
    c.add_argument("--rounds", type=int, default=3)
    c.add_argument("--big", action="store_true", help="the prepare50m pair (1 M plain, ≥ 50 M partitioned)")
    sub.add_parser("drop")
    b = sub.add_parser("prepare50m")
    b.add_argument("--dossiers", type=int, default=1_000_000)
    b.add_argument("--extra", type=int, default=48, help="extra history events (and audit rows) per even dossier")
    b.add_argument("--fill-only", action="store_true", help="only the extra rows, on the existing partitioned copy")
    sub.add_parser("drop50m")
    e = sub.add_parser("explain")
    e.add_argument("--database", default=BIG_PART)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.dossiers, args.events, args.resume)
    elif args.command == "prepare50m":
        prepare50m(args.dossiers, args.extra, args.fill_only)
    elif args.command == "drop50m":
        for name in (BIG_PLAIN, BIG_PART):
            admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    elif args.command == "explain":
        explain(args.database)
    elif args.command == "measure":
        print(json.dumps(measure(args.database, args.blocks, args.per_block)))
    elif args.command == "compare":
        compare(args.rounds, args.blocks, args.per_block, args.big)
    else:
        for name in (PLAIN, PARTITIONED):
            admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
