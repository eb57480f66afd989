"""The crime statistics page over a large incident register (PostgreSQL).

Prints, from one run:
- server time (Django's handler through the test client: middleware, selectors, template) of the
  statistics page (this year so far, the default) for the province leader and for a ward's leader:
  p50 / p95 over --runs requests, and the process CPU per request;
- the naive aggregate beside it: the same figures computed from the raw incident table on each request
  (selectors.crime_figures_raw: grouped COUNTs over the incidents of the subtree and period), p50 / p95.

Prepare the database once (see docs/PERFORMANCE.md), e.g. 2 million incidents over 20 years:
  createdb -h 127.0.0.1 -U postgres precinct_bench_incidents
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/precinct_bench_incidents manage.py migrate && … seed_demo
  DATABASE_URL=… manage.py generate_incidents --count 2000000 --years 20 --seed 16
  DATABASE_URL=… manage.py rebuild_incident_summary   (generate_incidents already does it)
  psql … -c "VACUUM ANALYZE"
Usage: DATABASE_URL=… .venv/bin/python bench/incidents_bench.py [--runs 40] [--naive-runs 5]
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.db import connection
from django.test import Client
from django.utils import timezone

from precinct.accounts.models import User
from precinct.incidents import selectors
from precinct.incidents.models import Incident
from precinct.organisation.models import Role, RoleAssignment
from precinct.organisation.selectors import province_root
from precinct.testing import sign_in


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn, runs: int, warm: int = 2) -> tuple[list[float], float]:  # type: ignore[no-untyped-def]
    for _ in range(warm):
        fn()
    samples = []
    cpu = time.process_time()
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples, (time.process_time() - cpu) * 1000 / runs


def line(label: str, samples: list[float], cpu: float | None = None) -> str:
    extra = f", CPU {cpu:.1f} ms/request (this process)" if cpu is not None else ""
    return f"  {label:<38} p50 {statistics.median(samples):7.1f} ms  p95 {pct(samples, 95):7.1f} ms{extra}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--naive-runs", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: DATABASE_URL=postgres://…/precinct_bench_incidents")
    root = province_root()
    leader = User.objects.get(username="lanhdao.tinh")
    ward_role = RoleAssignment.objects.filter(role=Role.LEADER, unit__kind__in=("ward", "commune", "special_zone"))
    ward_leader = ward_role.select_related("user", "unit").first()
    assert ward_leader is not None, "no ward leader: run seed_demo first"
    today = timezone.localdate()
    start = today.replace(month=1, day=1)
    count = Incident.objects.count()
    print(
        f"{count:,} incidents; {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"PostgreSQL {connection.cursor().connection.info.server_version}; {timezone.now():%Y-%m-%d %H:%M} UTC"
    )
    print(f"Statistics page, {start} → {today} (this year so far), {args.runs} requests each:")
    for label, user, unit in (
        ("province (leader of the province)", leader, root),
        (f"ward {ward_leader.unit.code} (its leader)", ward_leader.user, ward_leader.unit),
    ):
        client = Client()
        sign_in(client, user)  # leaders pass the second factor (ADR 0026), as in the tests

        def page(client=client, unit=unit) -> None:  # type: ignore[no-untyped-def]
            response = client.get("/incidents/stats/", {"unit": unit.code})
            assert response.status_code == 200, response.status_code

        samples, cpu = timed(page, args.runs)
        print(line(label, samples, cpu))

        def naive(unit=unit) -> None:  # type: ignore[no-untyped-def]
            selectors.crime_figures_raw(unit, start, today)

        samples, cpu = timed(naive, args.naive_runs, warm=1)
        print(line("  naive aggregate (raw table)", samples))
        figures = selectors.crime_figures(unit, start, today)
        raw = selectors.crime_figures_raw(unit, start, today)
        same = (figures.crimes, figures.solved, figures.incidents) == (raw.crimes, raw.solved, raw.incidents)
        print(
            f"    crimes {figures.crimes:,}, solved {figures.solved:,}, incidents {figures.incidents:,}; "
            f"summary and raw agree: {same}"
        )


if __name__ == "__main__":
    main()
