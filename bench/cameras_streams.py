"""What open duty consoles cost the server (ADR 0036): each holds one server-sent-events stream that polls one
indexed aggregate every CAMERAS_STREAM_POLL_SECONDS.

Prints: the aggregate's cost in-process (µs per check, PostgreSQL, the demo's Hà An duty officer); then with
gunicorn's gthread worker (1 process × --threads) and --streams consoles open for --seconds: the CPU the web
process and PostgreSQL spend per stream-second, and the latency of an ordinary request (`/healthz`) meanwhile,
beside the same request with no stream open (the floor) and the ratio. A sync worker is not measured: each open
stream would hold a whole worker process for its life (60 s), so WEB_CONCURRENCY consoles would stop the site.

Needs the local PostgreSQL (BENCH_PG). Usage: .venv/bin/python bench/cameras_streams.py [--streams 40] [--seconds 20]
"""

import argparse
import http.client
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "precinct_bench_cameras_streams"
PORT = 8792


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "--ppid", str(pid), "-o", "pid="], capture_output=True, text=True).stdout  # noqa: S603
    return [pid, *(int(p) for p in out.split())]


def database_pids(url: str) -> list[int]:
    with psycopg.connect(url, autocommit=True) as conn:
        return [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [DB]).fetchall()]


def healthz(n: int) -> list[float]:
    out = []
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    for _ in range(n):
        t = time.perf_counter()
        conn.request("GET", "/healthz")
        conn.getresponse().read()
        out.append((time.perf_counter() - t) * 1000)
        time.sleep(0.05)
    conn.close()
    return out


def hold(session: str, stop: threading.Event, events: list[int]) -> None:
    """One console: reads its stream (and reconnects, as a browser does) until told to stop."""
    while not stop.is_set():
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        conn.request("GET", "/cameras/console/stream", headers={"Cookie": f"sessionid={session}"})
        response = conn.getresponse()
        while not stop.is_set() and (line := response.readline()):
            if line.startswith(b"event:"):
                events.append(1)
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--streams", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, default=64)
    args = parser.parse_args()

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    url = f"{PG}/{DB}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "LOG_LEVEL": "WARNING", "DB_CONN_MAX_AGE": "600"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    for step in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run([sys.executable, "manage.py", *step], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections
    from django.test import Client

    from precinct.accounts.demo import _slug
    from precinct.accounts.models import User
    from precinct.cameras.stream import console_snapshot
    from precinct.organisation.demo import demo_communes
    from precinct.organisation.selectors import province_root

    duty = User.objects.get(username=f"truc.{_slug(demo_communes(province_root())[0])}")
    console_snapshot(actor=duty)
    n, t = 2000, time.process_time()
    wall = time.perf_counter()
    for _ in range(n):
        console_snapshot(actor=duty)
    per_check_cpu = (time.process_time() - t) / n * 1e6
    per_check_wall = (time.perf_counter() - wall) / n * 1e6
    print(
        f"one check (the console's aggregate, PostgreSQL): {per_check_wall:.0f} µs wall, {per_check_cpu:.0f} µs "
        f"CPU in Django (the database's share is in the per-console figure below)"
    )
    client = Client()
    client.force_login(duty)
    session = client.cookies["sessionid"].value
    connections.close_all()

    server = subprocess.Popen(  # noqa: S603
        [
            *(str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-k", "gthread", "-w", "1"),
            *("--threads", str(args.threads), "-b", f"127.0.0.1:{PORT}", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
    )
    stop = threading.Event()
    try:
        time.sleep(4)
        healthz(20)
        floor = healthz(100)
        events: list[int] = []
        threads = [
            threading.Thread(target=hold, args=(session, stop, events), daemon=True) for _ in range(args.streams)
        ]
        for thread in threads:
            thread.start()
        time.sleep(3)
        pids, db_pids = children(server.pid), database_pids(url)
        web0, db0, load0 = cpu_seconds(pids), cpu_seconds(db_pids), os.getloadavg()[0]
        t0 = time.monotonic()
        loaded = healthz(int(args.seconds / 0.06))
        elapsed = time.monotonic() - t0
        web, db = cpu_seconds(pids) - web0, cpu_seconds(db_pids) - db0
        stream_seconds = args.streams * elapsed
        print(
            f"gunicorn gthread 1 x {args.threads} threads, {args.streams} consoles open for {elapsed:.0f} s "
            f"(load average at start {load0:.1f}): web {web:.2f} s + PostgreSQL {db:.2f} s CPU = "
            f"{(web + db) / stream_seconds * 1000:.1f} ms per console-second "
            f"({(web + db) / elapsed:.2f} of the 2 cores; one core would carry about "
            f"{elapsed * args.streams / max(web + db, 0.001):,.0f} consoles)"
        )
        print(
            f"/healthz meanwhile: p50 {pct(loaded, 50):.1f} ms, p99 {pct(loaded, 99):.1f} ms; with no stream open "
            f"(floor): p50 {pct(floor, 50):.1f} ms, p99 {pct(floor, 99):.1f} ms; ratio p50 "
            f"{pct(loaded, 50) / max(pct(floor, 50), 0.01):.1f}x"
        )
    finally:
        stop.set()
        server.terminate()  # open streams would hold a graceful stop for their life: not waited for
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
