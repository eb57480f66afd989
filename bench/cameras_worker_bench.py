"""Camera worker speed: `inbox_process()` turning stored Frigate `events` messages into CameraEvent rows.

N Frigate events (new/update/end triples, interleaved across cameras as a busy night would be, so a batch of
500 holds some triples whole and some split across batches) are stored in the inbox with `inbox_store` (the
listener's own path, no broker: its speed is cameras_ingest_bench.py's), a few alert rules are registered,
then `inbox_process(limit=500)` runs until the inbox is empty (at most WORKER_SECONDS). Printed: rows per
second, the worker's CPU per row (this process) and the PostgreSQL backend's CPU per row (/proc), events and
alerts made, and a fixed pure-Python workload's CPU time (`cpu floor`, as in the other benches) with the
ratio of the worker's CPU per row to it, so figures from a loaded machine can be compared.

PostgreSQL database BENCH_DB (default precinct_bench_cameras_worker; dropped and created) at BENCH_PG (default
postgres://postgres@127.0.0.1:5432).
Usage: .venv/bin/python bench/cameras_worker_bench.py [--events 5000] [--cameras 100] [--profile]
"""

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_DB", "precinct_bench_cameras_worker")
WORKER_SECONDS = 90

import psycopg

with psycopg.connect(f"{PG}/postgres", autocommit=True) as _conn:
    _conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    _conn.execute(f"CREATE DATABASE {DB}")
os.environ["DATABASE_URL"] = f"{PG}/{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django

django.setup()

from django.core.management import call_command
from django.db import connection
from support.measure import process_cpu  # bench/ is this script's folder, first on sys.path


def cpu_floor() -> float:
    """CPU seconds of a fixed pure-Python workload: the machine's speed at this moment."""
    start = time.process_time()
    total = 0
    for i in range(2_000_000):
        total += i * i % 7
    return time.process_time() - start


def world(cameras: int) -> list[tuple[str, str]]:
    """Recorders of 10 cameras each, registered with consent, and three rules of the ward (one matches the
    boats at night); answers (prefix, camera name) pairs."""
    from decimal import Decimal

    from precinct.cameras.models import AlertRule
    from precinct.cameras.services import camera_register, consent_record, recorder_register
    from precinct.organisation.models import Unit, UnitKind

    province = Unit.objects.create(code="B22", name="Tỉnh", kind=UnitKind.PROVINCE, division_code="B22")
    ward = Unit.objects.create(code="B1", name="Phường", kind=UnitKind.WARD, parent=province, division_code="B1")
    pairs = []
    for r in range(max(1, cameras // 10)):
        prefix = f"bench-{r}"
        recorder = recorder_register(actor=None, unit=ward, name=f"R{r}", owner_name="H", mqtt_prefix=prefix)
        for c in range(10):
            camera = camera_register(
                actor=None,
                unit=ward,
                code=f"B-{r}-{c}",
                name=f"Cam {r}.{c}",
                owner_name="H",
                latitude=Decimal("20.9"),
                longitude=Decimal("107.1"),
                recorder=recorder,
                source_name=f"cam_{c}",
            )
            consent_record(actor=None, camera=camera, signed_on=datetime.date(2026, 1, 1), retention_days=30)
            pairs.append((prefix, f"cam_{c}"))
    # Rules as a ward would have them; "boat" matches one event in 3 at most, "car" none, "dog" only by day.
    for labels, start, end in ((["car"], 0, 24), (["dog"], 6, 18), (["boat"], 20, 5)):
        AlertRule.objects.create(
            unit=ward,
            unit_path=ward.path,
            name=labels[0],
            labels=labels,
            start_hour=start,
            end_hour=end,
            min_score=Decimal("0.999"),  # Frigate's top_score here is 0.959: these rules are evaluated, never met
        )
    return pairs


def messages(pairs: list[tuple[str, str]], events: int, alerting: int) -> list[tuple[str, bytes]]:
    """new/update/end triples, interleaved; the first `alerting` events have a score that meets the boat rule
    at night (started at 22:00 local time), so a few alerts are raised as in real life."""
    out = []
    now = time.time()
    night = datetime.datetime(2026, 1, 1, 15, 0, tzinfo=datetime.UTC).timestamp()  # 22:00 in Vietnam
    for i in range(events):
        prefix, camera = pairs[i % len(pairs)]
        event_id = f"{now + i / 1000:.6f}-{i:06x}"
        alert = i < alerting
        for n, kind in enumerate(("new", "update", "end")):
            after = {
                "id": event_id,
                "camera": camera,
                "frame_time": now + n,
                "snapshot": {"frame_time": now, "box": [415, 489, 528, 700], "area": 12728, "score": 0.77},
                "label": "boat" if alert else ("person" if i % 3 else "boat"),
                "sub_label": None,
                "top_score": 0.9995 if alert else 0.958984375,
                "false_positive": False,
                "start_time": night if alert else now,
                "end_time": now + 30 if kind == "end" else None,
                "score": 0.7890625 + n / 100,
                "box": [424, 500, 536, 712],
                "area": 23744,
                "ratio": 2.113207,
                "region": [264, 450, 667, 853],
                "current_zones": ["cages"],
                "entered_zones": ["cages"],
                "thumbnail": None,
                "has_snapshot": True,
                "has_clip": kind != "new",
                "stationary": False,
                "motionless_count": 0,
                "position_changes": n,
            }
            out.append((f"{prefix}/events", json.dumps({"type": kind, "before": after, "after": after}).encode()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000, help="Frigate events (3 messages each)")
    parser.add_argument("--cameras", type=int, default=100)
    parser.add_argument("--alerting", type=int, default=5, help="events that raise an alert")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions of the worker")
    args = parser.parse_args()
    from precinct.cameras.ingest import Received, inbox_process, inbox_store
    from precinct.cameras.models import Alert, CameraEvent, InboxMessage, InboxState

    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    call_command("migrate", verbosity=0)
    pairs = world(args.cameras)
    batch = messages(pairs, args.events, args.alerting)
    at = datetime.datetime.now(datetime.UTC)
    for i in range(0, len(batch), 1000):
        inbox_store([Received(topic, body, at) for topic, body in batch[i : i + 1000]])
    floor = min(cpu_floor() for _ in range(3))
    print(f"cpu floor: {floor * 1000:.0f} ms CPU for the fixed workload")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    db0, cpu0, start = process_cpu(backend), time.process_time(), time.perf_counter()
    while inbox_process(limit=500)["done"] and time.perf_counter() - start < WORKER_SECONDS:
        pass
    seconds, cpu, db = time.perf_counter() - start, time.process_time() - cpu0, process_cpu(backend) - db0
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    done = InboxMessage.objects.filter(state=InboxState.DONE).count()
    refused = InboxMessage.objects.filter(state=InboxState.REFUSED).count()
    print(
        f"inbox_process: {done} messages done ({refused} refused) → {CameraEvent.objects.count()} events, "
        f"{Alert.objects.count()} alerts in {seconds:.2f} s = {done / seconds:,.0f} rows/s"
    )
    per_row = cpu / max(done, 1)
    print(
        f"worker CPU {per_row * 1e6:.0f} µs per row ({per_row / floor * 1000:.3f} per mille of the cpu floor); "
        f"PostgreSQL backend CPU {db / max(done, 1) * 1e6:.0f} µs per row"
    )
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
