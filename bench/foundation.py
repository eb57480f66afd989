"""Foundation figures: audit appends per second, and the scoped officer list through the API.

Runs on a throwaway database: SQLite in var/bench.sqlite3 by default, or BENCH_DATABASE_URL
(e.g. postgres://postgres@127.0.0.1:5432/test; the tables are created and dropped by this script).
Usage: .venv/bin/python bench/foundation.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")

import django

django.setup()

from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client

OFFICERS_PER_UNIT = 40


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    if connection.vendor == "sqlite":
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
    elif _has_tables():
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

    from precinct.accounts.models import User
    from precinct.accounts.services import api_token_issue
    from precinct.audit.services import audit_record
    from precinct.organisation.models import Officer, Rank, Unit

    # A force of realistic size: OFFICERS_PER_UNIT officers in every unit.
    units = list(Unit.objects.all())
    Officer.objects.bulk_create(
        Officer(full_name=f"Cán bộ {u.code}-{i}", rank=Rank.CAPTAIN, unit=u)
        for u in units
        for i in range(OFFICERS_PER_UNIT)
    )
    print(f"database: {connection.vendor}; units: {len(units)}; officers: {Officer.objects.count()}")

    n = 2000
    start = time.perf_counter()
    for i in range(n):
        with transaction.atomic():
            audit_record(actor=None, action="bench.append", target_label=str(i), after={"i": i})
    elapsed = time.perf_counter() - start
    print(f"audit_record, one per transaction: {n / elapsed:,.0f} appends/s")

    start = time.perf_counter()
    call_command("audit_verify", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from precinct.audit.models import AuditEvent

    rows = AuditEvent.objects.count()
    print(f"audit_verify: {rows / (time.perf_counter() - start):,.0f} rows/s ({rows} rows)")

    for username in ("canbo.haan", "lanhdao.tinh"):
        with transaction.atomic():
            token = api_token_issue(user=User.objects.get(username=username))
        client = Client(headers={"Authorization": f"Bearer {token}"})
        samples = []
        for _ in range(200):
            t0 = time.perf_counter()
            response = client.get("/api/v1/officers")
            samples.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        count = response.json()["count"]
        print(
            f"GET /api/v1/officers as {username} ({count} officers in reach, first page of 100): "
            f"p50 {statistics.median(samples):.1f} ms, p95 {percentile(samples, 95):.1f} ms"
        )


def _has_tables() -> bool:
    return "organisation_unit" in connection.introspection.table_names()


if __name__ == "__main__":
    main()
