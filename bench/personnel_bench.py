"""Personnel on a generated force (PostgreSQL).

Prints, from one run:
- transfer-round eligibility (Resolution 40, commune → province) over the installation's province: the candidates'
  query and the judgement of every criterion for each officer; wall time p50 / max over --runs, CPU per officer,
  and the ratio to a floor measured in the same run (loading the same officers with their unit and profile, which
  any list of them costs);
- the leaders' figures for the whole force (every province, broken down by province) and for the province:
  p50 / p95 over --runs, and the ratio to a floor (one COUNT of the force's officers in service).

Prepare the database once (see docs/PERFORMANCE.md):
  createdb precinct_bench_personnel
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/precinct_bench_personnel manage.py migrate
  DATABASE_URL=… manage.py generate_force --officers 100000 --years 20 --province-officers 5000
Usage: DATABASE_URL=… .venv/bin/python bench/personnel_bench.py [--runs 30]
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection
from django.utils import timezone

from precinct.organisation.models import Officer
from precinct.organisation.selectors import province_root
from precinct.personnel import eligibility
from precinct.personnel.figures import force_figures
from precinct.personnel.models import Direction, EducationLevel, Rating, TransferCriteria


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn, runs: int, warm: int = 2) -> tuple[list[float], float]:  # type: ignore[no-untyped-def]
    """Wall milliseconds per run, and CPU seconds (this process) over all runs."""
    for _ in range(warm):
        fn()
    samples = []
    cpu = time.process_time()
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Run on PostgreSQL (DATABASE_URL=postgres://…/precinct_bench_personnel).")
    root = province_root()
    today = timezone.localdate()
    criteria, _ = TransferCriteria.objects.get_or_create(
        direction=Direction.TO_PROVINCE,
        defaults={
            "min_years_at_level": 5,
            "max_age": 45,
            "min_rank": "thuong_uy",
            "min_education": EducationLevel.UNIVERSITY,
            "discipline_free_years": 2,
            "min_rating": Rating.COMPLETED,
            "rating_years": 2,
        },
    )
    total = Officer.objects.count()
    print(
        f"database: PostgreSQL {connection.pg_version}; officers: {total}; province {root.code}: "
        f"{Officer.objects.filter(unit__path__startswith=root.path).count()}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM personnel_evaluation) + (SELECT count(*) FROM personnel_rankrecord)"
            " + (SELECT count(*) FROM personnel_posting) + (SELECT count(*) FROM personnel_education)"
            " + (SELECT count(*) FROM personnel_certificate) + (SELECT count(*) FROM personnel_commendation)"
            " + (SELECT count(*) FROM personnel_disciplinerecord)"
        )
        print(f"history rows: {cursor.fetchone()[0]}")

    verdicts: list[eligibility.Verdict] = []

    def round_eligibility() -> None:
        nonlocal verdicts
        verdicts = eligibility.evaluate(eligibility.candidates(Direction.TO_PROVINCE, root.path), criteria, today)

    def floor_list() -> None:
        list(eligibility.candidates(Direction.TO_PROVINCE, root.path))

    runs = max(5, args.runs // 3)
    wall, cpu = timed(round_eligibility, runs)
    floor_wall, floor_cpu = timed(floor_list, runs)
    n = len(verdicts)
    print(f"\neligibility, {n} commune officers of province {root.code}, {sum(v.eligible for v in verdicts)} eligible:")
    print(f"  p50 {pct(wall, 50):.0f} ms, max {max(wall):.0f} ms; CPU {cpu / runs / n * 1e6:.0f} µs per officer")
    print(
        f"  floor (load the same officers): p50 {pct(floor_wall, 50):.0f} ms, CPU {floor_cpu / runs / n * 1e6:.0f} µs per officer;"
        f" ratio {pct(wall, 50) / pct(floor_wall, 50):.1f}×"
    )

    start = today.replace(month=1, day=1)
    figures = None

    def whole() -> None:
        nonlocal figures
        figures = force_figures(unit=None, start=start, end=today)

    def province() -> None:
        force_figures(unit=root, start=start, end=today)

    def floor_count() -> None:
        Officer.objects.filter(is_active=True).count()

    wall, cpu = timed(whole, args.runs)
    floor_wall, _ = timed(floor_count, args.runs)
    assert figures is not None
    t = figures.total
    print(
        f"\nleaders' figures, whole force ({t.headcount} officers, {len(figures.rows)} provinces): degree {t.degree_share} %,"
        f" discipline {t.discipline_rate} %, coverage {t.coverage} %, vacancies {t.vacancies}, transfers {t.to_province}/{t.to_commune}"
    )
    print(f"  p50 {pct(wall, 50):.0f} ms, p95 {pct(wall, 95):.0f} ms; CPU {cpu / args.runs * 1000:.1f} ms per request")
    print(
        f"  floor (COUNT of officers in service): p50 {pct(floor_wall, 50):.1f} ms; ratio {pct(wall, 50) / pct(floor_wall, 50):.1f}×"
    )
    wall, cpu = timed(province, args.runs)
    print(
        f"leaders' figures, province {root.code} by unit: p50 {pct(wall, 50):.0f} ms, p95 {pct(wall, 95):.0f} ms;"
        f" CPU {cpu / args.runs * 1000:.1f} ms per request"
    )
    print(f"\nmachine: {os.cpu_count()} CPUs, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
