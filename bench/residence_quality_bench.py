"""Data quality of the register as rules, a consistency dimension and a work queue (ADR 0038). PostgreSQL.

Prints, from one run on a database prepared with the province's units:
- generation of --count synthetic residents with their households and residence records (planted flaws,
  duplicates, inconsistencies counted);
- the full quality scan of the province (quality.ward_report on the root path, every active rule): wall time,
  this process's CPU per person, and the floor: the same ordered stream of narrow tuples read with no check,
  for the ratio;
- duplicate precision and recall against the planted pairs, blocked on the birth date AND the ID prefix (the
  rule as stored) and on the birth date only (prefix_days 0, for comparison); planted birth-date slips counted;
- the consistency rules alone over the province (consistency.consistency_findings): wall, CPU per person;
- the work queue's full scan of the province (workqueue.ward_sync): first run (every finding opened), second
  run (nothing changed: everything compared, nothing written);
- the incremental scan after a change (workqueue.persons_sync for one person after an UPDATE of its record: its
  own rules, its two duplicate blocks, its households and records, the queue rows around it): p50 / p95.

Prepare once:
  createdb -h 127.0.0.1 -U postgres precinct_bench_quality
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/precinct_bench_quality .venv/bin/python manage.py migrate
  DATABASE_URL=… .venv/bin/python manage.py load_units --province 22
Usage: DATABASE_URL=… .venv/bin/python bench/residence_quality_bench.py [--count 100000] [--checks 100]
  [--truth FILE] [--only-duplicates]
--truth FILE: after generating, the planted duplicate pairs are written there; with --count 0 they are read from
it, so a register generated once (1.4 M persons) is measured again without generating it anew.
--only-duplicates: the duplicate pass alone (precision / recall, its wall and CPU per person) then the full scan
and the incremental check; the consistency, queue and birth-date-only figures are skipped.
"""

import argparse
import copy
import datetime
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.update({"DEBUG": "false", "LOG_LEVEL": "WARNING"})

import django

django.setup()

from django.db import connection

from precinct.devdata.residents import generate_residents
from precinct.organisation.selectors import province_root
from precinct.residence import quality, workqueue
from precinct.residence.consistency import consistency_findings
from precinct.residence.models import Person, QualityIssue
from precinct.residence.rules import RuleSet

PROVINCE_POPULATION = 1_400_000


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn):  # type: ignore[no-untyped-def]
    cpu, wall = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def precision_recall(pairs: list[tuple[int, int, int]], truth: set[tuple[int, int]]) -> tuple[float, float, int]:
    found = {(a, b) for a, b, _s in pairs}
    hits = len(found & truth)
    return (hits / len(found) if found else 0.0), (hits / len(truth) if truth else 0.0), len(found)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000, help="residents to generate (0: use those there)")
    parser.add_argument("--seed", type=int, default=38)
    parser.add_argument("--checks", type=int, default=100)
    parser.add_argument(
        "--truth", type=Path, default=None, help="the planted pairs: written after generating, read with --count 0"
    )
    parser.add_argument(
        "--only-duplicates", action="store_true", help="the duplicate pass, the full scan, the incremental check"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("warning: not PostgreSQL; the issue's figures are for PostgreSQL", file=sys.stderr)
    print(f"load at start: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print(f"machine: {platform.node()} {os.cpu_count()} cores, {platform.python_version()}, {connection.vendor}")
    truth: set[tuple[int, int]] = set()
    if args.count:
        generated = generate_residents(count=args.count, seed=args.seed, progress=lambda _m: None)
        truth = generated.duplicate_pairs
        print(
            f"generated {generated.persons:,} residents, {generated.households:,} households, "
            f"{generated.records:,} residence records in {generated.seconds} s; planted {generated.planted}"
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        if args.truth:
            args.truth.write_text(json.dumps(sorted(truth)))
    elif args.truth and args.truth.exists():
        truth = {(a, b) for a, b in json.loads(args.truth.read_text())}
        print(f"truth: {len(truth):,} planted pairs read from {args.truth}")
    persons = Person.objects.count()
    root = province_root()
    rules = RuleSet()

    # The duplicate pass alone (the stream of duplicate_pairs' tuples) ----------------------------------------------
    dup_rows = (
        Person.objects.filter(unit_path__startswith=root.path)
        .exclude(date_of_birth=None)
        .order_by("date_of_birth", "pk")
        .values_list(*getattr(quality, "DUP_FIELDS", ("pk", "personal_id", "date_of_birth", "name_folded", "sex")))
    )
    pairs, wall, cpu = timed(lambda: quality.duplicate_pairs(dup_rows.iterator(chunk_size=quality.STREAM_CHUNK), rules))
    dup = rules.rule("duplicate_person")
    print(
        f"duplicate pass: {persons:,} persons in {wall:.1f} s wall, {cpu / persons * 1e6:.1f} µs CPU per person; "
        f"{len(pairs):,} candidate pairs; parameters {dup.parameters if dup else '(defaults)'}"
    )
    if truth:
        p, r, n = precision_recall(pairs, truth)
        print(
            f"  precision {p:.3f}, recall {r:.3f} ({len(set((a, b) for a, b, _s in pairs) & truth):,} true of {n:,} found; {len(truth):,} planted)"
        )

    # Full scan and its floor ---------------------------------------------------------------------------------
    stream = Person.objects.filter(unit_path__startswith=root.path).order_by("date_of_birth", "pk")
    rows = stream.values_list("pk", "personal_id", "date_of_birth", "sex", "status", "name_folded")
    _n, floor_wall, floor_cpu = timed(lambda: sum(1 for _r in rows.iterator(chunk_size=quality.STREAM_CHUNK)))
    report, wall, cpu = timed(lambda: quality.ward_report(root.path, rules=rules, list_limit=0))
    scan_wall = wall
    print(
        f"full scan: {persons:,} persons in {wall:.1f} s wall ({persons / wall:,.0f}/s), {cpu / persons * 1e6:.1f} µs "
        f"CPU per person; floor (the stream read alone) {floor_cpu / persons * 1e6:.1f} µs CPU per person "
        f"({floor_wall:.1f} s wall), ratio {cpu / max(floor_cpu, 1e-9):.1f}; extrapolated to "
        f"{PROVINCE_POPULATION:,} (linear): {PROVINCE_POPULATION / persons * wall:.0f} s"
    )
    print(
        f"  scores: completeness {report.completeness} %, validity {report.validity} %, uniqueness "
        f"{report.uniqueness} %, timeliness {report.timeliness} %, consistency {report.consistency} % "
        f"({report.consistency_count:,} consistency findings, {report.expired_count:,} expired temporary)"
    )

    # Precision / recall ----------------------------------------------------------------------------------------
    if truth and not args.only_duplicates:
        p, r, n = precision_recall(report.pairs, truth)
        date_only = RuleSet([copy.copy(row) for row in rules.rows.values()])
        dup = date_only.rows["duplicate_person"]
        dup.parameters = {**dup.parameters, "prefix_days": 0}
        plain, plain_wall, _c = timed(lambda: quality.ward_report(root.path, rules=date_only, list_limit=0))
        p0, r0, n0 = precision_recall(plain.pairs, truth)
        print(
            f"duplicates: planted {len(truth):,}; blocked on birth date + ID prefix "
            f"(±{rules.param('duplicate_person', 'prefix_days')} days): found {n:,}, precision {p:.3f}, recall "
            f"{r:.3f}; on birth date only: found {n0:,}, precision {p0:.3f}, recall {r0:.3f} "
            f"(threshold {rules.param('duplicate_person', 'threshold')}; that scan {plain_wall:.1f} s)"
        )

    today = datetime.date.today()
    if not args.only_duplicates:
        others(rules, root, persons, scan_wall)
    incremental(args, today)
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")


def others(rules: RuleSet, root, persons: int, scan_wall: float) -> None:  # type: ignore[no-untyped-def]
    # Consistency alone -----------------------------------------------------------------------------------------
    today = datetime.date.today()
    found, wall, cpu = timed(lambda: consistency_findings(rules, today, path=root.path))
    print(
        f"consistency rules alone: {len(found):,} findings over {persons:,} persons in {wall:.1f} s wall, "
        f"{cpu / persons * 1e6:.1f} µs CPU per person"
    )

    # The queue's full scan -------------------------------------------------------------------------------------
    QualityIssue.objects.all().delete()
    (opened, _f), wall, cpu = timed(lambda: workqueue.ward_sync(actor=None, unit=root))
    print(
        f"queue full scan (first): {opened:,} issues opened in {wall:.1f} s wall, {cpu / persons * 1e6:.1f} µs "
        f"CPU per person; ratio to the report's scan {wall / scan_wall:.1f}"
    )
    (again, fixed), wall, cpu = timed(lambda: workqueue.ward_sync(actor=None, unit=root))
    print(
        f"queue full scan (again, nothing changed): {again} opened, {fixed} fixed in {wall:.1f} s wall, "
        f"{cpu / persons * 1e6:.1f} µs CPU per person"
    )


def incremental(args: argparse.Namespace, today: datetime.date) -> None:
    # Incremental scan ----------------------------------------------------------------------------------------
    rng = random.Random(args.seed)
    top = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = sorted({rng.randrange(1, top + 1) for _ in range(args.checks * 2)})
    ids = list(Person.objects.filter(pk__in=ids).values_list("pk", flat=True)[: args.checks])
    samples, cpu_total = [], 0.0
    for pk in ids:
        Person.objects.filter(pk=pk).update(verified_on=today)  # the change (its own commit)
        started, cpu = time.perf_counter(), time.process_time()
        workqueue.persons_sync(person_ids=[pk])
        cpu_total += time.process_time() - cpu
        samples.append((time.perf_counter() - started) * 1000)
    print(
        f"incremental scan of one changed person (rules, both duplicate blocks, households, records, queue rows): "
        f"p50 {pct(samples, 50):.1f} ms, p95 {pct(samples, 95):.1f} ms, max {max(samples):.1f} ms over "
        f"{len(ids)}; {cpu_total / len(ids) * 1000:.2f} ms CPU each"
    )
    checks, cpu_total = [], 0.0
    for pk in ids:
        person = Person.objects.get(pk=pk)
        started, cpu = time.perf_counter(), time.process_time()
        quality.person_check(person)
        cpu_total += time.process_time() - cpu
        checks.append((time.perf_counter() - started) * 1000)
    print(
        f"incremental check of one record (quality.person_check: its fields, its ID, both duplicate blocks scored): "
        f"p50 {pct(checks, 50):.1f} ms, p95 {pct(checks, 95):.1f} ms, max {max(checks):.1f} ms over {len(ids)}; "
        f"{cpu_total / len(ids) * 1000:.2f} ms CPU each"
    )


if __name__ == "__main__":
    main()
