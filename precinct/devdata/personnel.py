"""A generated force for benchmarks: `manage.py generate_force` (development tooling).

Every province's units come from organisation's own loader (`province_units_load`, the `vietnam-provinces`
divisions); officers and their careers from personnel's own generator (`personnel.synthetic`, the one the demo
uses), saved in batches with bulk_create. The installation's province (PRECINCT_PROVINCE_CODE) gets
`province_officers` officers at commune level plus a tenth as many in its departments; the rest are spread over
the other provinces (three in four at commune level). Also: discipline records at about the seeds' rate (0.36 % a
year), applied transfers both ways, positions per unit, and this year's mandatory courses with enrolments.
"""

import datetime
import random
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from vietnam_provinces import Province

from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Officer, Unit
from precinct.organisation.selectors import root_units, unit_by_code
from precinct.organisation.services import province_units_load
from precinct.personnel import summary, synthetic
from precinct.personnel.models import (
    Course,
    CourseKind,
    Direction,
    DisciplineKind,
    DisciplineRecord,
    Enrolment,
    EnrolmentResult,
    MandatoryFor,
    StaffPosition,
    Transfer,
    TransferStatus,
)

BATCH = 2000


def _units(province_code: int) -> tuple[list[Unit], list[Unit]]:
    root = unit_by_code(f"{province_code:02d}")
    assert root is not None
    units = list(Unit.objects.filter(parent=root, is_active=True).order_by("code"))
    return [u for u in units if u.kind in COMMUNE_LEVEL_KINDS], [root] + [
        u for u in units if u.kind not in COMMUNE_LEVEL_KINDS
    ]


def _save(
    officers: list[Officer], rng: random.Random, today: datetime.date, years: int, departments: list[Unit]
) -> int:
    with transaction.atomic():
        Officer.objects.bulk_create(officers, batch_size=BATCH)
        history = synthetic.careers(rng, officers, today=today, years=years, province_units=departments)
        rows = history.save()
        synthetic.save_ranks(officers)
        discipline = []
        for officer in officers:
            for year in range(today.year - years, today.year + 1):
                if rng.random() < 0.0036:
                    day = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
                    if day <= today:
                        discipline.append(
                            DisciplineRecord(
                                officer=officer,
                                unit_path=officer.unit.path,
                                kind=rng.choice(list(DisciplineKind)[:3]),
                                violation="(generated)",
                                decided_on=day,
                                starts_on=day,
                                decision_number=f"{rng.randint(1, 999)}/QĐ",
                            )
                        )
        DisciplineRecord.objects.bulk_create(discipline, batch_size=BATCH)
    return rows + len(discipline)


def generate_force(*, officers: int, years: int, province_officers: int, stdout: Any, seed: int = 40) -> None:
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
    today = timezone.localdate()
    started = time.perf_counter()
    codes = sorted(int(p.code) for p in Province.iter_all())
    for code in codes:
        province_units_load(actor=None, province_code=code)
    stdout.write(f"units: {Unit.objects.count()} in {len(codes)} provinces ({time.perf_counter() - started:.0f} s)")
    home = settings.PRECINCT_PROVINCE_CODE
    plan: list[tuple[int, int, int]] = [(home, province_officers, province_officers // 10)]
    rest = officers - province_officers - province_officers // 10
    others = [c for c in codes if c != home]
    for i, code in enumerate(others):
        share = rest // len(others) + (1 if i < rest % len(others) else 0)
        plan.append((code, share * 3 // 4, share - share * 3 // 4))
    rows = 0
    for code, at_commune, at_province in plan:
        communes, departments = _units(code)
        for unit_list, count in ((communes, at_commune), (departments, at_province)):
            for first in range(0, count, 5000):
                batch = synthetic.new_officers(rng, unit_list, min(5000, count - first))
                rows += _save(batch, rng, today, years, departments)
        positions = [
            StaffPosition(unit=u, title=t, count=n)
            for u in communes + departments
            for t, n in (("Trưởng Công an", 1), ("Phó Trưởng Công an", 3), ("Cán bộ", 30))
        ]
        StaffPosition.objects.bulk_create(positions, ignore_conflicts=True)
        stdout.write(
            f"province {code:02d}: {at_commune} + {at_province} officers"
            f" ({time.perf_counter() - started:.0f} s, {rows} rows)"
        )
    _courses_and_transfers(rng, today)
    summary.rebuild()  # officers and enrolments were written in bulk, past personnel's receivers
    stdout.write(
        f"done: {Officer.objects.count()} officers, {rows} history rows in {time.perf_counter() - started:.0f} s"
    )


def _courses_and_transfers(rng: random.Random, today: datetime.date) -> None:
    year_start = today.replace(month=1, day=1)
    with transaction.atomic():
        for root in root_units():
            courses = Course.objects.bulk_create(
                Course(
                    title=f"Bồi dưỡng nghiệp vụ {i + 1}",
                    kind=CourseKind.PROFESSIONAL,
                    organiser=root,
                    unit_path=root.path,
                    starts_on=year_start + datetime.timedelta(days=30 * i),
                    ends_on=year_start + datetime.timedelta(days=30 * i + 5),
                    capacity=5000,
                    mandatory_for=MandatoryFor.COMMUNE if i < 2 else MandatoryFor.EVERYONE,
                )
                for i in range(3)
            )
            ids = list(Officer.objects.filter(unit__path__startswith=root.path).values_list("pk", flat=True))
            Enrolment.objects.bulk_create(
                (
                    Enrolment(
                        course=courses[i % 3],
                        officer_id=pk,
                        result=EnrolmentResult.PASSED,
                        certificate_number=f"G-{pk}",
                    )
                    for i, pk in enumerate(ids)
                    if rng.random() < 0.7
                ),
                batch_size=BATCH,
            )
            communes = list(Unit.objects.filter(parent=root, kind__in=COMMUNE_LEVEL_KINDS))
            departments = list(Unit.objects.filter(parent=root).exclude(kind__in=COMMUNE_LEVEL_KINDS))
            moved = list(Officer.objects.filter(unit__in=communes).order_by("?")[:60].select_related("unit"))
            Transfer.objects.bulk_create(
                Transfer(
                    officer=o,
                    direction=Direction.TO_PROVINCE if i % 3 else Direction.TO_COMMUNE,
                    from_unit=o.unit,
                    to_unit=rng.choice(departments),
                    to_position="Cán bộ",
                    effective_on=today - datetime.timedelta(days=rng.randint(0, 700)),
                    status=TransferStatus.APPLIED,
                    unit_path=o.unit.path,
                    decision_number="(generated)",
                )
                for i, o in enumerate(moved)
            )
