"""Camera ingest speed: Frigate `events` messages through the real Mosquitto broker into PostgreSQL.

1. The floor: the publisher's own rate, N Frigate event messages (new/update/end triples for many cameras)
   published with QoS 1 to a topic nobody reads, until the broker has acknowledged the last one.
2. Stored: the same N messages published to the registered recorders' `<prefix>/events` while
   `manage.py cameras_listen` (a separate process, PostgreSQL) stores them in the inbox. The publisher keeps at
   most WINDOW messages ahead of what is stored (Mosquitto drops what exceeds a subscriber's queue,
   max_queued_messages, 1000 by default), so the stored rate is the listener's. CPU per message is the
   listener process's CPU time over the flow (/proc), and `ratio` the stored rate over the floor.
3. The worker: `inbox_process()` turning the stored messages into CameraEvent rows, in-process, for at most
   WORKER_SECONDS: its rate and CPU per message.
A fixed pure-Python workload's CPU time (`cpu floor`, as in the other benches) is printed beside them, so
figures from a loaded machine can be compared.

PostgreSQL database BENCH_DB (default precinct_bench_cameras; dropped and created) at BENCH_PG (default
postgres://postgres@127.0.0.1:5432); broker at BENCH_MQTT (default mqtt://127.0.0.1:1883).
Usage: .venv/bin/python bench/cameras_ingest_bench.py [--events 5000] [--cameras 100]
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
MQTT = os.environ.get("BENCH_MQTT", "mqtt://127.0.0.1:1883")
DB = os.environ.get("BENCH_DB", "precinct_bench_cameras")
WINDOW = 1500
WORKER_SECONDS = 45  # the worker runs batches of 500 for this long at most (or until the inbox is empty)

import psycopg

with psycopg.connect(f"{PG}/postgres", autocommit=True) as _conn:
    _conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    _conn.execute(f"CREATE DATABASE {DB}")
os.environ["DATABASE_URL"] = f"{PG}/{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django

django.setup()

import paho.mqtt.client as mqtt
from django.core.management import call_command
from django.db.models import Max
from support.measure import process_cpu  # bench/ is this script's folder, first on sys.path


def cpu_floor() -> float:
    """CPU seconds of a fixed pure-Python workload: the machine's speed at this moment."""
    start = time.process_time()
    total = 0
    for i in range(2_000_000):
        total += i * i % 7
    return time.process_time() - start


def world(run: str, cameras: int) -> list[tuple[str, str]]:
    """Recorders of 10 cameras each, registered with consent; answers (prefix, camera name) pairs."""
    import datetime
    from decimal import Decimal

    from precinct.cameras.services import camera_register, consent_record, recorder_register
    from precinct.organisation.models import Unit, UnitKind

    province = Unit.objects.create(code="B22", name="Tỉnh", kind=UnitKind.PROVINCE, division_code="B22")
    ward = Unit.objects.create(code="B1", name="Phường", kind=UnitKind.WARD, parent=province, division_code="B1")
    pairs = []
    for r in range(max(1, cameras // 10)):
        prefix = f"bench-{run}-{r}"
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
    return pairs


def messages(pairs: list[tuple[str, str]], events: int) -> list[tuple[str, bytes]]:
    """new/update/end triples, interleaved across cameras as a busy night would be."""
    out = []
    now = time.time()
    for i in range(events):
        prefix, camera = pairs[i % len(pairs)]
        event_id = f"{now + i / 1000:.6f}-{i:06x}"
        for n, kind in enumerate(("new", "update", "end")):
            after = {
                "id": event_id,
                "camera": camera,
                "frame_time": now + n,
                "snapshot": {"frame_time": now, "box": [415, 489, 528, 700], "area": 12728, "score": 0.77},
                "label": "person" if i % 3 else "boat",
                "sub_label": None,
                "top_score": 0.958984375,
                "false_positive": False,
                "start_time": now,
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


def publisher() -> mqtt.Client:
    parts = urlsplit(MQTT)
    client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{uuid.uuid4()}")
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect(parts.hostname or "127.0.0.1", parts.port or 1883)
    client.loop_start()
    return client


def publish_all(client: mqtt.Client, batch: list[tuple[str, bytes]], *, gate=None) -> float:
    """Publish with QoS 1; answers the seconds until the broker acknowledged the last one. `gate(i)` holds
    the publisher back (flow control) before message i."""
    acked = threading.Semaphore(0)
    client.on_publish = lambda *args: acked.release()
    start = time.perf_counter()
    for i, (topic, body) in enumerate(batch):
        if gate is not None and i % 100 == 0:
            gate(i)
        client.publish(topic, body, qos=1)
    for _ in batch:
        acked.acquire()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000, help="Frigate events (3 messages each)")
    parser.add_argument("--cameras", type=int, default=100)
    args = parser.parse_args()
    from precinct.cameras.ingest import inbox_process
    from precinct.cameras.models import CameraEvent, InboxMessage, InboxState

    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:8]
    pairs = world(run, args.cameras)
    batch = messages(pairs, args.events)
    floor = min(cpu_floor() for _ in range(3))
    print(f"cpu floor: {floor * 1000:.0f} ms CPU for the fixed workload")

    pub = publisher()
    nowhere = [(f"bench-nobody-{run}/x/{topic}", body) for topic, body in batch]
    pub_seconds = publish_all(pub, nowhere)
    pub_rate = len(batch) / pub_seconds
    print(f"publisher alone: {len(batch)} messages in {pub_seconds:.2f} s = {pub_rate:,.0f}/s (the floor)")

    env = {**os.environ, "CAMERAS_MQTT_CLIENT_ID": f"bench-listen-{run}", "LOG_LEVEL": "WARNING"}
    listener = subprocess.Popen(  # noqa: S603 (our own command)
        [sys.executable, "manage.py", "cameras_listen", "--url", MQTT], cwd=ROOT, env=env, stdout=subprocess.PIPE
    )
    try:
        # Ready once a marker published before the flow is stored.
        marker = [(f"{pairs[0][0]}/available", b"online")]
        deadline = time.monotonic() + 60
        while not InboxMessage.objects.exists():
            publish_all(pub, marker)
            time.sleep(0.5)
            if time.monotonic() > deadline:
                raise SystemExit("cameras_listen stored nothing within 60 s")
        base = InboxMessage.objects.aggregate(m=Max("id"))["m"]

        def gate(i: int) -> None:
            while i - ((InboxMessage.objects.aggregate(m=Max("id"))["m"] or 0) - base) > WINDOW:
                time.sleep(0.005)

        cpu0 = process_cpu(listener.pid)
        start = time.perf_counter()
        publish_all(pub, batch, gate=gate)
        ours = InboxMessage.objects.filter(topic__startswith=f"bench-{run}-", topic__endswith="/events")
        while ours.count() < len(batch):
            time.sleep(0.01)
            if time.perf_counter() - start > 600:
                raise SystemExit(f"only {ours.count()} of {len(batch)} stored after 600 s")
        stored_seconds = time.perf_counter() - start
        listen_cpu = process_cpu(listener.pid) - cpu0
    finally:
        listener.terminate()
        listener.wait(30)
        pub.loop_stop()
        pub.disconnect()
    stored_rate = len(batch) / stored_seconds
    duplicates = len(batch) - ours.values("key").distinct().count()
    print(
        f"cameras_listen stored {len(batch)} messages in {stored_seconds:.2f} s = {stored_rate:,.0f}/s, "
        f"ratio to the publisher {stored_rate / pub_rate:.2f}; listener CPU {listen_cpu / len(batch) * 1e6:.0f} µs "
        f"per message ({listen_cpu / len(batch) / floor * 1000:.3f} per mille of the cpu floor); duplicates {duplicates}"
    )

    cpu0, start = time.process_time(), time.perf_counter()
    while inbox_process(limit=500)["done"] and time.perf_counter() - start < WORKER_SECONDS:
        pass
    work_seconds, work_cpu = time.perf_counter() - start, time.process_time() - cpu0
    done = ours.filter(state=InboxState.DONE).count()
    print(
        f"inbox_process: {done} messages → {CameraEvent.objects.count()} events in {work_seconds:.2f} s = "
        f"{done / work_seconds:,.0f}/s; worker CPU {work_cpu / max(done, 1) * 1e6:.0f} µs per message "
        f"(the database's own CPU not counted)"
    )
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
