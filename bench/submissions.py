"""Dossier submissions through the real HTTP stack: gunicorn, PostgreSQL, bearer-authenticated citizens,
schema validation, dossier code, due date, history and audit all included.

Prints: throughput with 32 concurrent clients (closed loop), latency at a steady offered rate (open loop,
measured from each request's scheduled time, so queueing counts), and the floor PostgreSQL alone reaches
committing the same three rows per transaction with pgbench and 32 clients.

Needs the local PostgreSQL (BENCH_PG, default postgres://postgres@127.0.0.1:5432) and pgbench on PATH.
Also prints the CPU each submission cost the app server and the PostgreSQL backends of the bench's database
(read from /proc around each closed loop): unlike the rate, it depends little on what else runs on the machine.

Usage: .venv/bin/python bench/submissions.py [--seconds 15] [--rate 150] [--workers 3] [--threads 1]
       [--server gunicorn|granian]
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "precinct_bench"
PORT = 8765
CLIENTS = 32


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


TICK = os.sysconf("SC_CLK_TCK")


def cpu_by_process() -> dict[int, tuple[str, int, float]]:
    """pid -> (command name, parent pid, user + system CPU seconds) for every process on the machine."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        table[int(entry.name)] = (name, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK)
    return table


def cpu_of(server_pid: int, backends: set[int]) -> dict[int, tuple[str, float]]:
    """pid -> (role, CPU seconds so far) for the app server (master and workers) and the PostgreSQL backends
    connected to the bench's database (not other people's: they share this server)."""
    roles = {}
    for pid, (_name, parent, seconds) in cpu_by_process().items():
        if pid == server_pid or parent == server_pid:
            roles[pid] = ("app", seconds)
        elif pid in backends:
            roles[pid] = ("postgres", seconds)
    return roles


def cpu_line(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]], done: int) -> str:
    """CPU per submission does not depend on what else the machine is doing, unlike the rate. Counted over
    the processes alive at both readings (the server's workers and database connections persist)."""
    if not done:
        return "no submissions"
    spent = {"app": 0.0, "postgres": 0.0}
    for pid, (role, seconds) in after.items():
        if pid in before:
            spent[role] += seconds - before[pid][1]
    app, pg = (spent[k] * 1000 / done for k in ("app", "postgres"))
    return (
        f"CPU per submission: app server {app:.2f} ms + PostgreSQL {pg:.2f} ms = {app + pg:.2f} ms "
        f"(=> {2000 / (app + pg):,.0f}/s if both had the 2 cores to themselves)"
    )


def wait_for_port(free: bool, timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            listening = probe.connect_ex(("127.0.0.1", PORT)) == 0
        if listening != free:
            return
        time.sleep(0.2)
    sys.exit(f"port {PORT} is {'still taken' if free else 'not answering'} after {timeout:.0f} s")


def recreate_database() -> str:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    return f"{PG}/{DB}"


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


PREPARE = """
import json
from django.db import transaction
from precinct.accounts.models import User
from precinct.accounts.services import api_token_issue
from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Unit
tokens = []
with transaction.atomic():
    for i in range(%d):
        pid = "022090%%06d" %% (100000 + i)
        # Reachable by email and SMS like real citizens: their messages are queued with each submission.
        user = User.objects.create_user(username=pid, password=None, kind="citizen", full_name="Bench %%d" %% i,
                                        personal_id=pid, phone="09%%08d" %% i, email="bench%%d@example.vn" %% i)
        tokens.append(api_token_issue(user=user))
units = list(Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS).values_list("code", flat=True))
print(json.dumps({"tokens": tokens, "units": units}))
"""


def body(unit: str, i: int) -> bytes:
    # The API's JSON shape: {"procedure_code", "unit_code", "data"} (multipart is for files).
    payload = {"procedure_code": "CT-06", "unit_code": unit, "data": {"muc_dich": f"Xác nhận cư trú để xin việc #{i}"}}
    return json.dumps(payload, ensure_ascii=False).encode()


class Client:
    def __init__(self, token: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def submit(self, payload: bytes) -> int:
        try:
            self.conn.request("POST", "/api/v1/dossiers", body=payload, headers=self.headers)
            response = self.conn.getresponse()
            response.read()
            return response.status
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            return 0


def closed_loop(tokens: list[str], units: list[str], seconds: float) -> tuple[int, int, list[float]]:
    latencies: list[float] = []
    counts = {"ok": 0, "bad": 0}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def run(n: int) -> None:
        client = Client(tokens[n % len(tokens)])
        i = 0
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            status = client.submit(body(units[(n + i) % len(units)], i))
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)
                counts["ok" if status == 201 else "bad"] += 1
            i += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts["ok"], counts["bad"], latencies


def open_loop(tokens: list[str], units: list[str], rate: float, seconds: float) -> tuple[int, int, list[float]]:
    """Requests are due at fixed times; latency counts from the due time (no coordinated omission)."""
    total = int(rate * seconds)
    start = time.perf_counter() + 0.2
    next_index = iter(range(total))
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"ok": 0, "bad": 0}

    def run(n: int) -> None:
        client = Client(tokens[n % len(tokens)])
        while True:
            with lock:
                i = next(next_index, None)
            if i is None:
                return
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            status = client.submit(body(units[i % len(units)], i))
            with lock:
                latencies.append((time.perf_counter() - due) * 1000)
                counts["ok" if status == 201 else "bad"] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts["ok"], counts["bad"], latencies


WRK_SCRIPT = """
local tokens = {%s}
local units = {%s}
local counter = 0
local thread_id = 0
local threads = {}
function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end
function init(args)
  counter = id * 100000
end
function request()
  counter = counter + 1
  local token = tokens[(counter %% #tokens) + 1]
  local unit = units[(counter %% #units) + 1]
  local body = '{"procedure_code": "CT-06", "unit_code": "' .. unit .. '", "data": {"muc_dich": "x' .. counter .. '"}}'
  return wrk.format("POST", "/api/v1/dossiers", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json"}, body)
end
"""


def wrk_closed_loop(tokens: list[str], units: list[str], seconds: float) -> tuple[float, str] | None:
    """The same closed loop with wrk (C, 2 threads), which leaves the app more of the 2 cores."""
    if shutil.which("wrk") is None:
        return None
    lua = WRK_SCRIPT % (", ".join(f'"{t}"' for t in tokens), ", ".join(f'"{u}"' for u in units))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    out = subprocess.run(  # noqa: S603
        [
            "wrk",
            "-t2",
            f"-c{CLIENTS}",
            f"-d{int(seconds)}s",
            "--latency",
            "-s",
            script.name,
            f"http://127.0.0.1:{PORT}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = next(line.split(":")[1].strip() for line in out.splitlines() if line.startswith("Requests/sec"))
    p99 = next(line.split()[1] for line in out.splitlines() if line.strip().startswith("99%"))
    errors = next((line.strip() for line in out.splitlines() if "Non-2xx" in line or "errors" in line), "0 errors")
    return float(rate), f"{float(rate):,.0f} dossiers/s, p99 {p99} ({errors})"


PGBENCH_SETUP = """
DROP TABLE IF EXISTS floor_dossier, floor_event, floor_audit;
CREATE TABLE floor_dossier (id bigserial primary key, code varchar(64) unique, unit_path varchar(255), status varchar(24),
  form_data jsonb, submitted_at timestamptz, received_on date, due_date date);
CREATE TABLE floor_event (id bigserial primary key, dossier_id bigint, at timestamptz, action varchar(40), to_status varchar(24),
  data jsonb);
CREATE TABLE floor_audit (id bigserial primary key, occurred_at timestamptz, action varchar(100), target_id varchar(100),
  after jsonb, prev_hash varchar(64), hash varchar(64) unique);
"""
PGBENCH_SCRIPT = """
BEGIN;
INSERT INTO floor_dossier (code, unit_path, status, form_data, submitted_at, received_on, due_date)
  VALUES (md5(random()::text), '22/07168/', 'submitted', '{"muc_dich": "x"}', now(), current_date, current_date + 3);
INSERT INTO floor_event (dossier_id, at, action, to_status, data) VALUES (currval('floor_dossier_id_seq'), now(), 'submit', 'submitted', '{}');
INSERT INTO floor_audit (occurred_at, action, target_id, after, prev_hash, hash)
  VALUES (now(), 'eservices.dossier_submit', currval('floor_dossier_id_seq')::text, '{}', md5(random()::text), md5(random()::text) || md5(random()::text));
END;
"""


def pgbench_floor(url: str, seconds: int) -> float:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(PGBENCH_SETUP)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(PGBENCH_SCRIPT)
    out = subprocess.run(  # noqa: S603
        ["pgbench", "-n", "-c", str(CLIENTS), "-j", "2", "-T", str(seconds), "-f", script.name, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tps = [line for line in out.splitlines() if line.startswith("tps")]
    return float(tps[0].split("=")[1].split()[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rate", type=float, default=150)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--server", choices=("gunicorn", "granian"), default="gunicorn")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that `finally` stops the server
    if args.server == "granian" and not (ROOT / ".venv" / "bin" / "granian").exists():
        sys.exit("granian is not installed (it is not a dependency): .venv/bin/pip install granian")

    url = recreate_database()
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "LOG_LEVEL": "WARNING", "DB_CONN_MAX_AGE": "600"}
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    prepared = json.loads(manage(env, "shell", "-c", PREPARE % CLIENTS).strip().splitlines()[-1])
    tokens, units = prepared["tokens"], prepared["units"]

    if args.server == "granian":
        command = [
            str(ROOT / ".venv" / "bin" / "granian"),
            "--interface",
            "wsgi",
            "config.wsgi:application",
            "--workers",
            str(args.workers),
            "--blocking-threads",
            str(args.threads),
            "--host",
            "127.0.0.1",
            "--port",
            str(PORT),
            "--log-level",
            "warning",
        ]
    else:
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-w",
            str(args.workers),
            "--threads",
            str(args.threads),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ]
    wait_for_port(free=True)  # a server from an earlier run must not answer for this one
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603

    counter = psycopg.connect(url, autocommit=True)  # one connection, opened before any CPU is read

    def dossiers() -> int:
        return counter.execute("SELECT count(*) FROM eservices_dossier").fetchone()[0]

    def cpu() -> dict[int, tuple[str, float]]:
        rows = counter.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
        return cpu_of(server.pid, {pid for (pid,) in rows})

    try:
        wait_for_port(free=False)
        time.sleep(1)  # let every worker boot
        closed_loop(tokens, units, 3)  # warm up: connections, caches, the calendar
        print(f"server: {args.server}, {args.workers} workers x {args.threads} threads; database: PostgreSQL ({DB})")
        load = os.getloadavg()[0]
        n0, cpu0 = dossiers(), cpu()
        ok, bad, lat = closed_loop(tokens, units, args.seconds)
        best_rate = ok / args.seconds
        print(
            f"closed loop, {CLIENTS} clients, {args.seconds:.0f} s: {ok / args.seconds:,.0f} dossiers/s "
            f"({bad} errors); latency p50 {statistics.median(lat):.0f} ms, p99 {pct(lat, 99):.0f} ms "
            f"(load average {load:.1f} before)"
        )
        print("  " + cpu_line(cpu0, cpu(), dossiers() - n0))
        load = os.getloadavg()[0]
        n0, cpu0 = dossiers(), cpu()
        wrk_result = wrk_closed_loop(tokens, units, args.seconds)
        if wrk_result:
            best_rate = max(best_rate, wrk_result[0])
            print(
                f"closed loop with wrk, {CLIENTS} connections, {args.seconds:.0f} s: {wrk_result[1]} (load average {load:.1f} before)"
            )
            print("  " + cpu_line(cpu0, cpu(), dossiers() - n0))
        load = os.getloadavg()[0]
        ok, bad, lat = open_loop(tokens, units, args.rate, args.seconds)
        print(
            f"open loop at {args.rate:.0f}/s, {args.seconds:.0f} s: {ok} ok, {bad} errors; latency from schedule "
            f"p50 {statistics.median(lat):.0f} ms, p99 {pct(lat, 99):.0f} ms (load average {load:.1f} before)"
        )
    finally:
        counter.close()
        server.terminate()
        server.wait(timeout=20)
    floor = pgbench_floor(url, int(args.seconds))
    print(f"pgbench floor, {CLIENTS} clients, same 3 rows per transaction: {floor:,.0f} transactions/s")
    print(f"ratio of the app's best closed-loop rate to the floor: {best_rate / floor:.1%}")


if __name__ == "__main__":
    main()
