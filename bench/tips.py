"""Anonymous crime reports through the real HTTP stack: gunicorn, PostgreSQL, proof-of-work check,
validation, Argon2id of the receipt, per-report key, secretbox encryption, sealed box to the ward's
key, blind index of phones/plates, history and hash-chained audit row, and the 201 with the receipt.

The proof of work is the client's cost: challenges are fetched and solved before the timed phase
(at difficulty 12 to keep the bench short; the server's check is one SHA-256 whatever the difficulty).
The global per-minute cap is raised so that the bench measures capacity, not the limit.

Prints: Argon2id cost in-process; throughput with N concurrent clients (closed loop); latency at a
steady offered rate (open loop, from each request's scheduled time).
Needs the local PostgreSQL (BENCH_PG, default postgres://postgres@127.0.0.1:5432).
Usage: .venv/bin/python bench/tips.py [--seconds 20] [--rate 20] [--workers 3] [--threads 2] [--clients 8]
"""

import argparse
import hashlib
import http.client
import itertools
import json
import os
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
DB = "precinct_bench_tips"
PORT = 8766
DIFFICULTY = 12


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


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


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def solved_challenges(count: int) -> list[dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    out = []
    for _ in range(count):
        conn.request("GET", "/api/v1/tips/challenge")
        challenge = json.loads(conn.getresponse().read())
        for nonce in itertools.count():
            if (
                leading_zero_bits(hashlib.sha256(f"{challenge['id']}{nonce}".encode()).digest())
                >= challenge["difficulty"]
            ):
                out.append({"challenge_id": challenge["id"], "nonce": str(nonce)})
                break
    return out


CATEGORIES = ["drugs", "loan_sharking", "fraud", "gambling", "theft", "smuggling", "public_order", "other"]


def report(wards: list[str], i: int, solved: dict[str, str]) -> bytes:
    body = {
        "category": CATEGORIES[i % len(CATEGORIES)],
        "ward": wards[i % len(wards)],
        "description": (
            f"Tin báo số {i}: có nhóm người tụ tập đánh bạc và cho vay nặng lãi tại quán nước gần chợ, "
            f"thường xuyên đe dọa người vay qua số 09{i % 10**8:08d}; xe máy 14A-{i % 1000:03d}.{i % 100:02d} hay đỗ trước cửa."
        ),
        "address": "Gần chợ trung tâm",
        "people": "Một người tên Hùng, khoảng 40 tuổi",
        "occurred_at": "2026-11-20T21:30",
        **solved,
    }
    return json.dumps(body, ensure_ascii=False).encode()


class Client:
    def __init__(self) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)

    def post(self, payload: bytes) -> int:
        try:
            self.conn.request("POST", "/api/v1/tips", body=payload, headers={"Content-Type": "application/json"})
            response = self.conn.getresponse()
            response.read()
            return response.status
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            return 0


def closed_loop(payloads: list[bytes], clients: int, seconds: float) -> tuple[int, int, list[float]]:
    latencies: list[float] = []
    counts = {"ok": 0, "bad": 0}
    lock = threading.Lock()
    source = iter(payloads)
    deadline = time.perf_counter() + seconds

    def run() -> None:
        client = Client()
        while time.perf_counter() < deadline:
            with lock:
                payload = next(source, None)
            if payload is None:
                return
            t0 = time.perf_counter()
            status = client.post(payload)
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)
                counts["ok" if status == 201 else "bad"] += 1

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts["ok"], counts["bad"], latencies


def open_loop(payloads: list[bytes], rate: float, seconds: float) -> tuple[int, int, list[float]]:
    total = min(int(rate * seconds), len(payloads))
    start = time.perf_counter() + 0.2
    indexes = iter(range(total))
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"ok": 0, "bad": 0}

    def run() -> None:
        client = Client()
        while True:
            with lock:
                i = next(indexes, None)
            if i is None:
                return
            due = start + i / rate
            if (delay := due - time.perf_counter()) > 0:
                time.sleep(delay)
            status = client.post(payloads[i])
            with lock:
                latencies.append((time.perf_counter() - due) * 1000)
                counts["ok" if status == 201 else "bad"] += 1

    threads = [threading.Thread(target=run) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts["ok"], counts["bad"], latencies


ARGON2 = """
import time
from django.conf import settings
from precinct.tips import crypto
key = crypto.new_report_key()
crypto.receipt_protect("1234567890123456", key)
t = time.perf_counter()
for _ in range(20):
    crypto.receipt_protect("1234567890123456", key)
print(settings.PRECINCT_TIPS_ARGON2, round((time.perf_counter() - t) / 20 * 1000, 1))
"""


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (Linux /proc), in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(master: int) -> list[int]:
    children = subprocess.run(["ps", "--ppid", str(master), "-o", "pid="], capture_output=True, text=True).stdout  # noqa: S603
    return [master, *(int(p) for p in children.split())]


def database_pids(url: str) -> list[int]:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [DB]).fetchall()
    return [r[0] for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    url = recreate_database()
    keys = tempfile.mkdtemp(prefix="tips-bench-keys-")
    media = tempfile.mkdtemp(prefix="tips-bench-media-")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "DB_CONN_MAX_AGE": "600",
        "PRECINCT_TIPS_KEY_DIR": keys,
        "MEDIA_ROOT": media,
        "PRECINCT_TIPS_POW_DIFFICULTY": str(DIFFICULTY),
        "PRECINCT_TIPS_GLOBAL_PER_MINUTE": "1000000",
        "PRECINCT_TIPS_ALERT_PER_MINUTE": "1000000",
        # Rate-limit counters in Redis, as in production (its own database number: others share this Redis).
        "REDIS_URL": os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/11"),
    }
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    wards = json.loads(
        manage(
            env,
            "shell",
            "-c",
            "import json; from precinct.tips.selectors import wards; "
            "print(json.dumps([w.division_code or w.code for w in wards()]))",
        )
        .strip()
        .splitlines()[-1]
    )
    params, ms = manage(env, "shell", "-c", ARGON2).strip().splitlines()[-1].rsplit(" ", 1)
    print(f"Argon2id {params}: {ms} ms per receipt (one computation per report: hash + receipt-derived key)")

    server = subprocess.Popen(  # noqa: S603
        [
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
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(3)
        needed = int(40 * args.seconds + args.rate * args.seconds + 40)
        t = time.perf_counter()
        payloads = [report(wards, i, s) for i, s in enumerate(solved_challenges(needed))]
        print(
            f"{len(payloads)} challenges fetched and solved (difficulty {DIFFICULTY}) in {time.perf_counter() - t:.1f} s"
        )
        closed_loop(payloads[:20], args.clients, 3)  # warm up
        payloads = payloads[20:]
        pids = server_pids(server.pid)
        db_pids = database_pids(url)
        app_cpu, db_cpu = cpu_seconds(pids), cpu_seconds(db_pids)
        load_before = os.getloadavg()[0]
        ok, bad, lat = closed_loop(payloads, args.clients, args.seconds)
        app_cpu, db_cpu = cpu_seconds(pids) - app_cpu, cpu_seconds(db_pids) - db_cpu
        payloads = payloads[ok + bad :]
        print(
            f"server: gunicorn, {args.workers} workers x {args.threads} threads; database: PostgreSQL ({DB}); "
            f"cache: {env['REDIS_URL']}"
        )
        print(
            f"closed loop, {args.clients} clients, {args.seconds:.0f} s: {ok / args.seconds:,.1f} reports/s "
            f"({bad} errors); latency p50 {statistics.median(lat):.0f} ms, p99 {pct(lat, 99):.0f} ms"
        )
        per_report = (app_cpu + db_cpu) / max(ok, 1) * 1000
        print(
            f"CPU per accepted report: {app_cpu / max(ok, 1) * 1000:.0f} ms in gunicorn + {db_cpu / max(ok, 1) * 1000:.0f} ms "
            f"in PostgreSQL = {per_report:.0f} ms -> 2 idle cores would carry about {2000 / per_report:.0f} reports/s "
            f"(load average when the run started: {load_before:.1f}; the server got "
            f"{(app_cpu + db_cpu) / args.seconds:.2f} of the 2 cores)"
        )
        ok, bad, lat = open_loop(payloads, args.rate, args.seconds)
        print(
            f"open loop at {args.rate:.0f}/s, {args.seconds:.0f} s: {ok} ok, {bad} errors; latency from schedule "
            f"p50 {statistics.median(lat):.0f} ms, p99 {pct(lat, 99):.0f} ms"
        )
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
