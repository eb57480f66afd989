"""The population register (issue 18): full quality scan, incremental check, duplicate precision / recall,
stays throughput. PostgreSQL.

Prints, from one run on a database prepared with the province's units:
- generation of --count synthetic residents (precinct.devdata.residents, COPY), planted flaws counted;
- the full quality scan of the whole province (quality.ward_report on the root path: database counts, one
  stream ordered by birth date, rapidfuzz within each birth-date block): wall time, this process's CPU, CPU
  per person, and the extrapolation to 1.4 M persons (linear: the blocks grow with the population, so the pair
  comparisons grow a little faster; the figure says so);
- precision and recall of the scan's candidate pairs against the planted duplicates;
- the incremental check of one changed record (quality.person_check after an UPDATE of its name): p50 / p95
  over --checks records;
- stays: POST /api/v1/residence/stays in batches of 100 through Django's handler (the test client: middleware,
  key check, validation, inbox INSERTs, audit row; no HTTP socket), rows per second and CPU per row; then the
  worker turning the inbox into stays (with the incidents app's flagged-guest receiver listening), rows per
  second; the same POSTs with an Idempotency-Key per batch (core's @idempotent, ADR 0042), and every keyed
  batch replayed (answered with Idempotent-Replayed: true). The floor: the same batches' validation alone
  (services.stay_row_errors), for the ratio.

Prepare once:
  createdb -h 127.0.0.1 -U postgres precinct_bench_residence
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/precinct_bench_residence .venv/bin/python manage.py migrate
  DATABASE_URL=… .venv/bin/python manage.py load_units
Usage: DATABASE_URL=… .venv/bin/python bench/residence_bench.py [--count 200000] [--checks 200] [--batches 50]
"""

import argparse
import datetime
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.update({"DEBUG": "false", "LOG_LEVEL": "WARNING"})

import django

django.setup()

from django.db import connection
from django.test import Client

from precinct.devdata.residents import generate_residents
from precinct.organisation.selectors import commune_level_units, province_root
from precinct.residence import quality
from precinct.residence.models import Person, Stay, StayNotice
from precinct.residence.services import establishment_register, stay_notices_process, stay_row_errors

PROVINCE_POPULATION = 1_400_000


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def stay_rows(batch: int, size: int, rng: random.Random) -> list[dict]:
    rows = []
    for i in range(size):
        n = batch * size + i
        if i % 10 == 9:  # one foreign guest in ten
            rows.append(
                {
                    "stay_id": f"B{n}",
                    "full_name": "Anna Schmidt",
                    "nationality": "DE",
                    "passport_number": f"C{n:08d}",
                    "date_of_birth": "1990-02-03",
                    "arrival": "2026-12-01T15:00:00+07:00",
                    "expected_departure": "2026-12-04",
                }
            )
        else:
            year = rng.randrange(1950, 2005)
            rows.append(
                {
                    "stay_id": f"B{n}",
                    "full_name": "Nguyễn Văn Khách",
                    "personal_id": f"022{0 if year < 2000 else 2}{year % 100:02d}{n % 1_000_000:06d}",
                    "date_of_birth": f"{year}-05-06",
                    "sex": "male",
                    "arrival": "2026-12-01T15:00:00+07:00",
                    "expected_departure": "2026-12-03",
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200_000, help="residents to generate (0: use those there)")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--checks", type=int, default=200)
    parser.add_argument("--batches", type=int, default=50)
    parser.add_argument("--skip-scan", action="store_true", help="skip the full scan (and precision / recall)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("warning: not PostgreSQL; the issue's figures are for PostgreSQL", file=sys.stderr)
    print(f"machine: {platform.node()} {os.cpu_count()} cores, {platform.python_version()}, {connection.vendor}")
    truth: set[tuple[int, int]] = set()
    if args.count:
        generated = generate_residents(count=args.count, seed=args.seed, progress=lambda _m: None)
        truth = generated.duplicate_pairs
        print(
            f"generated {generated.persons:,} residents in {generated.seconds} s "
            f"({generated.persons / max(generated.seconds, 0.001):,.0f}/s); planted {generated.planted}"
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE residence_person")
    persons = Person.objects.count()
    root = province_root()
    path = root.path if root is not None else ""

    # Full scan ---------------------------------------------------------------------------------------------
    cpu, wall = time.process_time(), time.perf_counter()
    report = None if args.skip_scan else quality.ward_report(path)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    per = persons / max(wall, 1e-9)
    if report is not None:
        print(
            f"full scan: {persons:,} persons in {wall:.1f} s wall ({per:,.0f} persons/s), {cpu:.1f} s CPU of this "
            f"process = {cpu / persons * 1e6:.1f} µs CPU per person; completeness {report.completeness} %, validity "
            f"{report.validity} %, uniqueness {report.uniqueness} %, timeliness {report.timeliness} %, "
            f"{report.duplicate_count:,} candidate pairs"
        )
        print(f"  extrapolated to {PROVINCE_POPULATION:,} (linear): {PROVINCE_POPULATION / per:.0f} s wall")

    # Precision / recall --------------------------------------------------------------------------------------
    if truth and report is not None:
        found = {(a, b) for a, b, _s in report.pairs}
        hits = len(found & truth)
        precision = hits / len(found) if found else 0.0
        recall = hits / len(truth)
        print(
            f"duplicates: planted {len(truth):,}, found {len(found):,}, true {hits:,}: "
            f"precision {precision:.3f}, recall {recall:.3f} (threshold {quality.match_threshold()})"
        )

    # Incremental check ---------------------------------------------------------------------------------------
    rng = random.Random(args.seed)
    ids = list(Person.objects.order_by("?").values_list("pk", flat=True)[: args.checks])
    samples, changes, cpu = [], [], 0.0
    for pk in ids:
        started = time.perf_counter()
        person = Person.objects.get(pk=pk)
        Person.objects.filter(pk=pk).update(verified_on=datetime.date.today())  # the change (its own commit)
        checked = time.perf_counter()
        cpu_start = time.process_time()
        quality.person_check(person)
        cpu += time.process_time() - cpu_start
        samples.append((time.perf_counter() - checked) * 1000)
        changes.append((checked - started) * 1000)
    print(
        f"incremental check of one changed record (its fields, its birth-date block over the whole register): "
        f"p50 {pct(samples, 50):.1f} ms, p95 {pct(samples, 95):.1f} ms, max {max(samples):.1f} ms over "
        f"{len(ids)}; {cpu / len(ids) * 1000:.2f} ms CPU each (the change before it, load + UPDATE + commit: p50 "
        f"{pct(changes, 50):.1f} ms, p95 {pct(changes, 95):.1f} ms)"
    )

    # Stays ----------------------------------------------------------------------------------------------------
    ward = commune_level_units().first()
    _est, key = establishment_register(
        actor=None, unit=ward, name="Bench hotel", kind="hotel", owner_name="Bench", address="Bench"
    )
    client = Client(headers={"X-Establishment-Key": key})
    batches = [stay_rows(b + int(time.time()) % 1000 * 1000, 100, rng) for b in range(args.batches)]
    cpu, floor_wall = time.process_time(), time.perf_counter()
    for rows in batches:
        for row in rows:
            stay_row_errors(row)
    floor_cpu, floor_wall = time.process_time() - cpu, time.perf_counter() - floor_wall
    before = StayNotice.objects.count()
    client.post("/api/v1/residence/stays", {"stays": stay_rows(10**7, 100, rng)}, content_type="application/json")
    cpu, wall = time.process_time(), time.perf_counter()
    for rows in batches:
        response = client.post("/api/v1/residence/stays", {"stays": rows}, content_type="application/json")
        assert response.status_code == 200 and not response.json()["refused"], response.content[:300]
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    rows_n = args.batches * 100
    stored = StayNotice.objects.count() - before
    print(
        f"stays POST: {rows_n:,} rows in {args.batches} batches of 100: {rows_n / wall:,.0f} rows/s, "
        f"{cpu / rows_n * 1e6:.0f} µs CPU per row; floor (validation alone) {floor_cpu / rows_n * 1e6:.0f} µs CPU "
        f"per row, ratio {cpu / max(floor_cpu, 1e-9):.1f}; {stored:,} notices stored"
    )
    # The same again with an Idempotency-Key per batch (ADR 0039), then every batch replayed with its key.
    keyed = [stay_rows(b + 500_000 + int(time.time()) % 1000 * 1000, 100, rng) for b in range(args.batches)]
    for label, replay in (("with Idempotency-Key", False), ("replayed with its key", True)):
        cpu, wall = time.process_time(), time.perf_counter()
        for b, rows in enumerate(keyed):
            response = client.post(
                "/api/v1/residence/stays",
                {"stays": rows},
                content_type="application/json",
                headers={"Idempotency-Key": f"bench-{os.getpid()}-{b}"},
            )
            assert response.status_code == 200 and (response.has_header("Idempotent-Replayed") == replay)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(
            f"stays POST {label}: {rows_n / wall:,.0f} rows/s, {cpu / rows_n * 1e6:.0f} µs CPU per row, "
            f"ratio to the floor {cpu / max(floor_cpu, 1e-9):.1f}"
        )
    cpu, wall = time.process_time(), time.perf_counter()
    stays_before = Stay.objects.count()
    while stay_notices_process(limit=1000):
        pass
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    made = Stay.objects.count() - stays_before
    print(
        f"stays worker: {made:,} stays in {wall:.1f} s ({made / max(wall, 1e-9):,.0f}/s), {cpu / max(made, 1) * 1e6:.0f} µs CPU each"
    )


if __name__ == "__main__":
    main()
