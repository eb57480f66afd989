"""The leaders' dashboard over a large dossier table (PostgreSQL).

Prints, from one run:
- server time (Django's handler through the test client: middleware, selectors, template) of the
  province leader's and a ward leader's dashboard (all KPIs with comparisons, 12-month trend, unit and
  procedure rankings), and of the API answer grouped by unit: p50 / p95 over --runs requests;
- the naive way, the same figures computed from the raw dossier table on each request (three aggregate
  queries: received per month/unit/channel, closed per month/unit/outcome, open by due date), and the ratio;
- what following dossiers costs a submission: `dossier_submit` in-process with the statistics receiver
  connected and disconnected (interleaved blocks).

Prepare the database once (see docs/PERFORMANCE.md), e.g. 10 million dossiers:
  createdb precinct_stats_bench
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/precinct_stats_bench manage.py migrate && … seed_demo
  DATABASE_URL=… manage.py generate_dossiers --count 10000000 --years 5
(generate_dossiers is precinct.devdata's, installed outside production; PRECINCT_DEVDATA=1 if PRECINCT_ENV=production.)
Usage: DATABASE_URL=… .venv/bin/python bench/stats_dashboard.py [--runs 40] [--naive-runs 3] [--submissions 200]
"""

import argparse
import os
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
from precinct.eservices.models import Dossier
from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Role, RoleAssignment
from precinct.stats.selectors import add_months
from precinct.testing import sign_in


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn, runs: int, warm: int = 3) -> list[float]:  # type: ignore[no-untyped-def]
    for _ in range(warm):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def leader(kinds: tuple[str, ...]) -> User:
    assignment = (
        RoleAssignment.objects.filter(role=Role.LEADER, unit__kind__in=kinds, user__is_active=True)
        .select_related("user", "unit")
        .order_by("unit__path")
        .first()
    )
    if assignment is None:
        raise SystemExit(f"No leader of a {kinds} unit: run seed_demo first.")
    return assignment.user


NAIVE = """
WITH scope AS (SELECT * FROM eservices_dossier d WHERE d.unit_path LIKE %(path)s)
SELECT 'received', date_trunc('month', received_on)::date, unit_id, channel, COUNT(*), 0, 0, 0, 0
  FROM scope WHERE received_on >= %(earliest)s AND received_on < %(after)s GROUP BY 2, 3, 4
UNION ALL
SELECT 'closed', date_trunc('month', (completed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)::date, unit_id, status,
       COUNT(*),
       COUNT(*) FILTER (WHERE (completed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date < due_date),
       COUNT(*) FILTER (WHERE (completed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date = due_date),
       COUNT(*) FILTER (WHERE (completed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date > due_date), 0
  FROM scope WHERE completed_at >= %(earliest)s AND completed_at < %(after)s GROUP BY 2, 3, 4
UNION ALL
SELECT 'open', NULL, unit_id, '', COUNT(*), COUNT(*) FILTER (WHERE due_date < %(today)s), 0, 0, 0
  FROM scope WHERE status NOT IN ('done', 'refused', 'returned', 'withdrawn') GROUP BY 3
"""


def naive(path: str) -> None:
    today = timezone.localdate()
    this_month = today.replace(day=1)
    params = {
        "path": f"{path}%",
        "earliest": add_months(this_month, -23),  # the period, the previous one and the same one last year
        "after": add_months(this_month, 1),
        "today": today,
    }
    with connection.cursor() as cursor:
        cursor.execute(NAIVE, params)
        cursor.fetchall()


def submissions(count: int) -> tuple[float, float]:
    """Mean ms per dossier_submit with the statistics receiver connected and disconnected."""
    from precinct.eservices.models import Level, Procedure
    from precinct.eservices.services import dossier_submit
    from precinct.eservices.signals import dossier_changed, dossier_transition_checking
    from precinct.organisation.models import Unit
    from precinct.stats import receivers

    citizen = User.objects.filter(kind="citizen").first()
    procedure = Procedure.objects.filter(current__level=Level.COMMUNE, current__form_schema__required=[]).first()
    procedure = procedure or Procedure.objects.get(code="CT-06")
    assert procedure.current is not None
    unit = Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS).first()
    form = {"muc_dich": "Đo hiệu năng"} if procedure.code == "CT-06" else {}
    times: dict[bool, list[float]] = {True: [], False: []}
    for block in range(count // 20):
        connected = block % 2 == 0
        if not connected:
            dossier_changed.disconnect(dispatch_uid="stats.record_change")
            dossier_transition_checking.disconnect(dispatch_uid="stats.remember_before")
        for _ in range(20):
            started = time.perf_counter()
            dossier_submit(actor=citizen, procedure=procedure, form_data=form, unit_code=unit.code if unit else None)
            times[connected].append((time.perf_counter() - started) * 1000)
        if not connected:
            dossier_changed.connect(receivers.record_change, dispatch_uid="stats.record_change")
            dossier_transition_checking.connect(receivers.remember_before, dispatch_uid="stats.remember_before")
    from precinct.stats.folding import stats_fold

    stats_fold()  # the bench's own submissions join the figures
    return statistics.mean(times[True]), statistics.mean(times[False])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--naive-runs", type=int, default=3)
    parser.add_argument("--submissions", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Run against PostgreSQL (DATABASE_URL).")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM eservices_dossier")
        total = cursor.fetchone()[0]
    print(f"dossiers in the table: {total:,}")
    rows = []
    for who, kinds in (("province leader", ("province",)), ("ward leader", tuple(COMMUNE_LEVEL_KINDS))):
        user = leader(kinds)
        client = Client()
        sign_in(client, user)  # the password step, then the leader's second factor (ADR 0026)
        unit = RoleAssignment.objects.filter(user=user, role=Role.LEADER).select_related("unit").first().unit
        in_scope = Dossier.objects.filter(unit_path__startswith=unit.path).count()

        def page(client: Client = client) -> None:
            assert client.get("/stats/").status_code == 200

        def api(client: Client = client) -> None:
            assert client.get("/api/v1/stats/dossiers", {"group_by": "unit"}).status_code == 200

        page_ms = timed(page, args.runs)
        api_ms = timed(api, args.runs)
        naive_ms = timed(lambda path=unit.path: naive(path), args.naive_runs, warm=1)
        rows.append((who, unit.display_name, in_scope, page_ms, api_ms, naive_ms))
    print()
    print("| dashboard | dossiers in scope | page p50 / p95 | API p50 / p95 | naive query p50 / p95 | ratio (p95) |")
    print("|---|---|---|---|---|---|")
    for who, name, in_scope, page_ms, api_ms, naive_ms in rows:
        print(
            f"| {who} ({name}) | {in_scope:,} | {pct(page_ms, 50):.0f} / **{pct(page_ms, 95):.0f} ms** | "
            f"{pct(api_ms, 50):.0f} / {pct(api_ms, 95):.0f} ms | {pct(naive_ms, 50):,.0f} / {pct(naive_ms, 95):,.0f} ms | "
            f"{pct(naive_ms, 95) / pct(page_ms, 95):,.0f}× |"
        )
    if args.submissions:
        with_stats, without = submissions(args.submissions)
        print()
        print(
            f"dossier_submit in-process: {with_stats:.2f} ms with the statistics receiver, {without:.2f} ms without "
            f"(+{with_stats - without:.2f} ms, {args.submissions // 2} each)"
        )


if __name__ == "__main__":
    main()
