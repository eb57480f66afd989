"""Plans at province scale: 500 plans × 100 tasks and 10 years of monthly indicator values.

Prints, from one run, server time (Django's handler through the test client: middleware, selectors,
template) as p50 / p95 wall and CPU per request, and each figure's ratio to the same run's floor (the
test client's round trip for /healthz), for:
- the plans list with each plan's tasks counted by derived status (a page of 50 plans: 5,000 tasks);
- a plan's periodic report page (100 tasks, indicators read from 10 years of monthly values);
- the periodic report as DOCX.

The data is written once with bulk inserts (statuses are derived, so the facts are all there is); a second
run reuses it. Targets (issue 17): list p95 < 200 ms, report page < 1 s, DOCX < 3 s.
Usage: DATABASE_URL=postgres://…/wt_planning_bench .venv/bin/python manage.py migrate
       DATABASE_URL=… .venv/bin/python bench/planning_bench.py [--runs 30]
"""

import argparse
import datetime
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from precinct.accounts.models import User
from precinct.planning.models import Direction, Indicator, IndicatorValue, Plan, Task, TaskKind, TaskUpdate
from precinct.planning.status import period_start
from precinct.testing import build_world, sign_in

PLANS, TASKS, YEARS = 500, 100, 10
KINDS = (TaskKind.DUE,) * 4 + (TaskKind.MONTHLY, TaskKind.QUARTERLY, TaskKind.YEARLY, TaskKind.CONTINUOUS)


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(client: Client, url: str, runs: int, warm: int = 2) -> tuple[list[float], list[float]]:
    for _ in range(warm):
        assert client.get(url).status_code == 200, url
    wall, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        cpu.append((time.process_time() - cpu_started) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return wall, cpu


@transaction.atomic
def build() -> None:
    world = build_world()
    leader = world.users["leader_p"]
    today = timezone.localdate()
    start = datetime.date(today.year - YEARS, 1, 1)
    rng = random.Random(17)
    units = [world.province, world.department, world.ward_a, world.ward_b]
    plans = Plan.objects.bulk_create(
        Plan(
            number=f"{n}/KH-BENCH",
            title=f"Kế hoạch thử tải {n}",
            issuer="UBND tỉnh",
            issued_on=start,
            period_start=start,
            period_end=datetime.date(today.year + 1, 12, 31),
            lead_unit=units[n % 2],
        )
        for n in range(1, PLANS + 1)
    )
    tasks = Task.objects.bulk_create(
        Task(
            plan=plan,
            position=i,
            content=f"Nhiệm vụ {i} của kế hoạch {plan.number}",
            lead_unit=units[(plan.pk + i) % len(units)],
            kind=(kind := KINDS[i % len(KINDS)]),
            due_on=today + datetime.timedelta(days=rng.randint(-60, 400)) if kind == TaskKind.DUE else None,
            starts_on=start,
        )
        for plan in plans
        for i in range(1, TASKS + 1)
    )
    updates = []
    for task in tasks:
        if task.kind == TaskKind.DUE:
            if rng.random() < 0.5:
                done = today - datetime.timedelta(days=rng.randint(1, 300))
                updates.append(
                    TaskUpdate(task=task, text="Xong", percent=100, done_on=done, evidence="BC", reported_on=done)
                )
            elif rng.random() < 0.6:
                updates.append(TaskUpdate(task=task, text="Đang làm", percent=40, reported_on=today))
        else:
            last = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
            updates.append(
                TaskUpdate(task=task, period_start=period_start(task.kind, last), text="Kỳ trước", reported_on=today)
            )
    TaskUpdate.objects.bulk_create(updates, batch_size=5000)
    indicators = Indicator.objects.bulk_create(
        Indicator(
            plan=plan,
            position=k,
            name=f"Chỉ tiêu {k}",
            unit=plan.lead_unit,
            direction=Direction.DECREASE,
            baseline_value=Decimal(1000),
            baseline_label="2016–2020",
            target_value=Decimal(-5),
            target_relative=True,
        )
        for plan in plans
        for k in (1, 2)
    )
    values = []
    for indicator in indicators:
        for month in range(YEARS * 12):
            first = datetime.date(start.year + month // 12, month % 12 + 1, 1)
            last = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
            if first > today:
                break
            values.append(
                IndicatorValue(
                    indicator=indicator,
                    period_start=first,
                    period_end=last,
                    value=Decimal(rng.randint(60, 100)),
                    author=leader,
                )
            )
    IndicatorValue.objects.bulk_create(values, batch_size=5000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if not Plan.objects.filter(number__endswith="/KH-BENCH").exists():
        started = time.perf_counter()
        build()
        print(f"built in {time.perf_counter() - started:.0f} s")
    print(
        f"{connection.vendor}: {Plan.objects.count()} plans, {Task.objects.count()} tasks, "
        f"{TaskUpdate.objects.count()} updates, {IndicatorValue.objects.count()} indicator values"
    )
    client = Client()
    sign_in(client, User.objects.get(username="leader_p"))
    plan = Plan.objects.get(number="250/KH-BENCH")
    floor_wall, floor_cpu = measure(client, "/healthz", args.runs)
    floor = pct(floor_wall, 50)
    print(f"floor (/healthz): p50 {floor:.1f} ms wall, {pct(floor_cpu, 50):.1f} ms CPU")
    for label, url, items in (
        ("plans list (50 plans, 5,000 tasks)", "/planning/", 50 * TASKS),
        ("report page (100 tasks, 2 indicators)", f"/planning/{plan.pk}/", TASKS),
        ("report DOCX", f"/planning/{plan.pk}/report.docx", TASKS),
        ("report XLSX", f"/planning/{plan.pk}/report.xlsx", TASKS),
    ):
        wall, cpu = measure(client, url, args.runs)
        print(
            f"{label}: p50 {pct(wall, 50):.0f} ms, p95 {pct(wall, 95):.0f} ms wall "
            f"({pct(wall, 95) / floor:.0f}× floor); CPU p50 {pct(cpu, 50):.0f} ms "
            f"= {pct(cpu, 50) / items * 1000:.0f} µs per task"
        )


if __name__ == "__main__":
    main()
