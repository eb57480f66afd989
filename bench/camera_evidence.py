"""Camera alerts' evidence: snapshot fetches from a recorder over HTTP, the escalation sweep and the
retention sweep.

Prints, from one run:
- the floor: plain HTTP GETs of the same JPEG from the same local recorder (http.server in a thread), no
  database: snapshots/s and CPU per snapshot (this process, the server thread included);
- `evidence.snapshot_fetch()` for N pending snapshots (GET, size and type checks, SHA-256, the file under
  MEDIA, the row, its timeline line and audit row): snapshots/s, CPU per snapshot, ratio to the floor;
- `escalation.escalation_sweep()` over N overdue alerts (leader told, alert marked, timeline, audit): alerts/s;
- `retention.retention_sweep()` over N snapshots past their retention (file deleted, row kept): snapshots/s.

Needs a migrated database with the demo (`manage.py migrate && manage.py seed_demo`); PostgreSQL for figures
worth writing down. Usage: DATABASE_URL=… .venv/bin/python bench/camera_evidence.py [--count 300]
"""

import argparse
import datetime
import json
import os
import platform
import sys
import tempfile
import time
import urllib.request
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="precinct-bench-media-"))

import django

django.setup()

from django.db import connection
from django.utils import timezone

from precinct.cameras.escalation import escalation_sweep
from precinct.cameras.evidence import snapshot_fetch
from precinct.cameras.ingest import Received, inbox_process, inbox_store
from precinct.cameras.models import Alert, AlertStatus, Snapshot, SnapshotState
from precinct.cameras.retention import retention_sweep
from precinct.cameras.services import camera_register, consent_record, recorder_register
from precinct.cameras.tests import recorder_http
from precinct.organisation.demo import demo_communes
from precinct.organisation.selectors import province_root


def measure(fn, count: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Items per second and CPU ms per item (this process) for fn() doing `count` items."""
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return count / wall, cpu * 1000 / count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    n = args.count
    ward = demo_communes(province_root())[0]
    server = recorder_http.start()
    run = uuid.uuid4().hex[:6]
    recorder = recorder_register(
        actor=None, unit=ward, name=f"bench {run}", mqtt_prefix=f"bench-{run}", http_base_url=server.url
    )
    camera = camera_register(
        actor=None, unit=ward, code=f"BENCH-{run}", name="bench", owner_name="bench", latitude=Decimal("20.9"),
        longitude=Decimal("106.9"), source_name="bench_cam", recorder=recorder,
    )  # fmt: skip
    consent_record(actor=None, camera=camera, signed_on=timezone.localdate(), retention_days=30)
    night = timezone.localtime().replace(hour=23, minute=0, second=0, microsecond=0) - datetime.timedelta(days=1)
    bodies = []
    for i in range(n):
        after = {
            "id": f"{run}-{i}", "camera": "bench_cam", "label": "person", "score": 0.9, "top_score": 0.9,
            "start_time": night.timestamp(), "has_snapshot": True, "has_clip": False,
        }  # fmt: skip
        bodies.append(json.dumps({"type": "new", "before": after, "after": after}).encode())
    inbox_store([Received(topic=f"bench-{run}/events", body=b, received_at=timezone.now()) for b in bodies])
    while inbox_process()["done"]:
        pass
    pending = list(
        Snapshot.objects.filter(alert__camera=camera, state=SnapshotState.PENDING).values_list("pk", flat=True)
    )
    assert len(pending) == n, f"{len(pending)} snapshots pending, expected {n}"
    print(
        f"{platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, {connection.vendor}; "
        f"{timezone.now():%Y-%m-%d %H:%M} UTC; JPEG of {len(server.image):,} bytes; {n} items each"
    )
    url = f"{server.url}/api/events/{run}-0/snapshot.jpg"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def floor() -> None:
        for _ in range(n):
            with opener.open(url, timeout=5) as response:
                response.read()

    floor_rate, floor_cpu = measure(floor, n)
    print(f"  floor: HTTP GET only              {floor_rate:8.0f} /s   CPU {floor_cpu:6.2f} ms/item")

    def fetch() -> None:
        for pk in pending:
            assert snapshot_fetch(snapshot_id=pk) == SnapshotState.STORED

    rate, cpu = measure(fetch, n)
    print(
        f"  snapshot_fetch (GET+hash+store)   {rate:8.0f} /s   CPU {cpu:6.2f} ms/item   "
        f"ratio to floor {rate / floor_rate:.2f}"
    )

    Alert.objects.filter(camera=camera).update(status=AlertStatus.NEW, escalated_at=None)
    later = timezone.now() + datetime.timedelta(hours=1)
    escalating = Alert.objects.filter(status=AlertStatus.NEW, escalated_at__isnull=True).count()
    rate, cpu = measure(lambda: escalation_sweep(now=later, limit=escalating), escalating)
    print(f"  escalation_sweep ({escalating} alerts)      {rate:8.0f} /s   CPU {cpu:6.2f} ms/item")
    assert escalation_sweep(now=later) == {"escalated": 0}

    Snapshot.objects.filter(alert__camera=camera).update(fetched_at=timezone.now() - datetime.timedelta(days=40))
    counts = {}

    def sweep() -> None:
        counts.update(retention_sweep())

    rate, cpu = measure(sweep, n)
    print(f"  retention_sweep                   {rate:8.0f} /s   CPU {cpu:6.2f} ms/item   ({counts})")
    server.stop()


if __name__ == "__main__":
    main()
