"""Dossier submissions through Django's WSGI handler in one process (what a gunicorn worker runs, without
the HTTP server), on PostgreSQL: the cost of one submission, to compare changes on a noisy machine.

Prints: CPU per submission of this process and of its PostgreSQL backend (minimum and median over blocks:
interference only ever adds, so the minimum is the steadiest figure), Python function calls per submission
(cProfile) and the statements each submission sends (with BEGIN and COMMIT).

Needs the local PostgreSQL (BENCH_PG, default postgres://postgres@127.0.0.1:5432).
Usage: .venv/bin/python bench/submissions_inprocess.py [--blocks 16] [--per-block 100]
`--database NAME` submits into an existing, migrated database instead of a fresh one (the ≥ 50 M rows pair of
`partitions_bench.py prepare50m`); its bench citizens and tokens are made once and found again on later runs.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import submissions as http_bench  # the same database preparation as the HTTP bench
from support.measure import floor

TICK = os.sysconf("SC_CLK_TCK")


def prepare(database: str | None) -> tuple[list[str], list[str]]:
    if database:  # an existing database: the citizens may be there from an earlier run (found, given new tokens)
        url = f"{http_bench.PG}/{database}"
        script = http_bench.PREPARE.replace(
            "user = User.objects.create_user(",
            "user = User.objects.filter(username=pid).first() or User.objects.create_user(",
        )
    else:
        http_bench.DB = "precinct_bench_inprocess"
        url = http_bench.recreate_database()
        script = http_bench.PREPARE
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "LOG_LEVEL": "WARNING"}
    if not database:
        http_bench.manage(env, "migrate", "--noinput")
        http_bench.manage(env, "seed_demo")
    prepared = json.loads(http_bench.manage(env, "shell", "-c", script % 32).strip().splitlines()[-1])
    os.environ.update({"DATABASE_URL": url, "DEBUG": "false", "LOG_LEVEL": "WARNING", "DB_CONN_MAX_AGE": "600"})
    return prepared["tokens"], prepared["units"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blocks", type=int, default=16)
    parser.add_argument("--per-block", type=int, default=100)
    parser.add_argument("--database", help="an existing migrated database (default: a fresh one)")
    args = parser.parse_args()
    tokens, units = prepare(args.database)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    app = get_wsgi_application()
    counter = iter(range(10**9))

    def submit() -> None:
        i = next(counter)
        body = http_bench.body(units[i % len(units)], i)
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/v1/dossiers",
            "QUERY_STRING": "",
            "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8765",
            "HTTP_HOST": "127.0.0.1:8765",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_AUTHORIZATION": f"Bearer {tokens[i % len(tokens)]}",
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        status: list[str] = []
        answer = b"".join(app(environ, lambda s, headers, exc_info=None: status.append(s)))
        if not status[0].startswith("201"):
            sys.exit(f"submission refused: {status[0]} {answer.decode()[:300]}")

    def backend_cpu() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    for _ in range(100):  # warm up: connection, memos, the calendar
        submit()
    python_ms, postgres_ms = [], []
    for _ in range(args.blocks):
        cpu0, pg0 = time.process_time(), backend_cpu()
        for _ in range(args.per_block):
            submit()
        python_ms.append((time.process_time() - cpu0) * 1000 / args.per_block)
        postgres_ms.append((backend_cpu() - pg0) * 1000 / args.per_block)

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(200):
        submit()
    profile.disable()
    calls = pstats.Stats(profile).total_calls / 200  # type: ignore[attr-defined]

    statements: list[str] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append(sql.split("(")[0].strip()[:70])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        submit()

    print(
        f"{args.blocks} blocks of {args.per_block} submissions through the WSGI handler, PostgreSQL {args.database or ''}"
    )
    print(f"load average {os.getloadavg()}; floor (3 M-iteration loop) {floor():.3f} s")
    print(
        f"CPU per submission: this process min {min(python_ms):.2f} ms, median {statistics.median(python_ms):.2f} ms;"
        f" its PostgreSQL backend min {min(postgres_ms):.2f} ms, median {statistics.median(postgres_ms):.2f} ms"
    )
    print(f"Python function calls per submission: {calls:,.0f}")
    print(f"statements per submission: {len(statements)} and BEGIN/COMMIT")
    for sql in statements:
        print(f"  {sql}")


if __name__ == "__main__":
    main()
