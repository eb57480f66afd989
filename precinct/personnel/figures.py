"""The figures leaders report about the force, for a unit's subtree and a period: headcount by level, the share
with a college degree or higher (each officer once, at the highest level), training coverage of mandatory courses,
discipline rate, vacancies, transfers by direction, activities. One computation behind the page, the API, the
XLSX export and the measures `personnel.*`.

Headcount, degrees, positions held and passes of mandatory courses come from the per-unit summaries (summary.py:
UnitStrength, CourseUnitResult, recounted by every write that changes them), never from the officers or the
enrolments; discipline, transfers, courses and activities are small grouped queries. Each is folded in Python into
the unit's children through a unit → child map built once, so the whole force costs the same dozen statements as a
ward.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Unit
from precinct.personnel.models import (
    Activity,
    Course,
    CourseUnitResult,
    DisciplineRecord,
    MandatoryFor,
    Transfer,
    TransferStatus,
    UnitStrength,
)


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Row:
    """One unit's figures (its whole subtree)."""

    unit: Unit | None
    headcount: int = 0
    commune_level: int = 0
    province_level: int = 0
    degree: int = 0
    disciplined: int = 0
    positions: int = 0
    vacancies: int = 0
    required: int = 0
    trained: int = 0
    to_province: int = 0
    to_commune: int = 0

    @property
    def degree_share(self) -> Decimal | None:
        return percent(self.degree, self.headcount)

    @property
    def discipline_rate(self) -> Decimal | None:
        return percent(self.disciplined, self.headcount)

    @property
    def coverage(self) -> Decimal | None:
        return percent(self.trained, self.required)


@dataclass
class Figures:
    unit: Unit | None
    start: datetime.date
    end: datetime.date
    total: Row
    rows: list[Row]
    courses: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind → (courses, enrolments)
    activities: dict[str, dict[str, int]] = field(default_factory=dict)


def _add(row: Row, commune: bool, n: int, degree: int, positions: int, vacancies: int) -> None:
    row.headcount += n
    row.degree += degree
    row.positions += positions
    row.vacancies += vacancies
    if commune:
        row.commune_level += n
    else:
        row.province_level += n


def force_figures(*, unit: Unit | None, start: datetime.date, end: datetime.date, breakdown: bool = True) -> Figures:
    """`unit` None: the whole force (every root: a national installation), broken down by root."""
    path = unit.path if unit is not None else ""
    parent_id = unit.pk if unit is not None else None
    # The subtree's units as plain values (3,600 for a nationwide force): which are active, their kind, and the
    # unit directly under `unit` each falls in (found once here, by path prefix, not per figure).
    units = list(Unit.objects.filter(path__startswith=path).values_list("pk", "path", "kind", "is_active", "parent_id"))
    children = (
        sorted(Unit.objects.filter(pk__in=[u[0] for u in units if u[4] == parent_id]), key=lambda u: u.path)
        if breakdown
        else []
    )
    rows = {c.pk: Row(c) for c in children}
    total = Row(unit)
    by_child_path = {c.path: rows[c.pk] for c in children}
    depth = path.count("/") + 1  # segments in a child's path
    kinds: dict[int, str] = {}
    active: set[int] = set()
    under: dict[int, Row] = {}
    for pk, unit_path, kind, is_active, _parent in units:
        kinds[pk] = kind
        if is_active:
            active.add(pk)
        child = by_child_path.get("/".join(unit_path.split("/")[:depth]) + "/")
        if child is not None:
            under[pk] = child

    def targets(unit_id: int) -> tuple[Row, ...]:
        child = under.get(unit_id)
        return (total, child) if child is not None else (total,)

    def path_targets(unit_path: str) -> tuple[Row, ...]:
        child = by_child_path.get("/".join(unit_path.split("/")[:depth]) + "/") if breakdown else None
        return (total, child) if child is not None else (total,)

    # Headcount, degrees, positions and vacancies: the per-unit summary (summary.py), not the officers.
    headcounts: dict[int, int] = {}
    for unit_id, n, degree, positions, vacancies in UnitStrength.objects.filter(
        unit__path__startswith=path
    ).values_list("unit_id", "headcount", "degree", "positions", "vacancies"):
        if unit_id not in active:
            continue
        headcounts[unit_id] = n
        commune = kinds[unit_id] in COMMUNE_LEVEL_KINDS
        for row in targets(unit_id):
            _add(row, commune, n, degree, positions, vacancies)

    discipline = DisciplineRecord.objects.filter(unit_path__startswith=path, decided_on__gte=start, decided_on__lte=end)
    total.disciplined = discipline.values("officer_id").distinct().count()
    if breakdown:
        for unit_path, n in (
            discipline.values("unit_path").annotate(n=Count("officer_id", distinct=True)).values_list("unit_path", "n")
        ):
            for row in path_targets(unit_path)[1:]:
                row.disciplined += n

    mandatory = dict(
        Course.objects.filter(starts_on__gte=start, starts_on__lte=end)
        .exclude(mandatory_for=MandatoryFor.NOBODY)
        .values_list("pk", "mandatory_for")
    )
    wanted = Counter(mandatory.values())
    for unit_id, headcount in headcounts.items():
        commune = kinds[unit_id] in COMMUNE_LEVEL_KINDS
        required = headcount * (
            wanted[MandatoryFor.EVERYONE] + wanted[MandatoryFor.COMMUNE if commune else MandatoryFor.PROVINCE]
        )
        for row in targets(unit_id):
            row.required += required
    if mandatory:
        for course_id, unit_id, passed in CourseUnitResult.objects.filter(
            course_id__in=list(mandatory), unit__path__startswith=path, passed__gt=0
        ).values_list("course_id", "unit_id", "passed"):
            if unit_id not in active:
                continue
            applies = mandatory[course_id]
            commune = kinds[unit_id] in COMMUNE_LEVEL_KINDS
            if applies == MandatoryFor.EVERYONE or applies == (
                MandatoryFor.COMMUNE if commune else MandatoryFor.PROVINCE
            ):
                for row in targets(unit_id):
                    row.trained += passed

    for unit_path, direction, n in (
        Transfer.objects.filter(
            Q(unit_path__startswith=path) | Q(to_unit__path__startswith=path),
            status=TransferStatus.APPLIED,
            effective_on__gte=start,
            effective_on__lte=end,
        )
        .values("unit_path", "direction")
        .annotate(n=Count("id"))
        .values_list("unit_path", "direction", "n")
    ):
        for row in path_targets(unit_path):
            if direction == "to_province":
                row.to_province += n
            else:
                row.to_commune += n

    in_period = Course.objects.filter(unit_path__startswith=path, starts_on__gte=start, starts_on__lte=end)
    courses = {kind: (n, 0) for kind, n in in_period.values("kind").annotate(n=Count("id")).values_list("kind", "n")}
    # Enrolments ("lượt cán bộ", as the seeds count them: "18 topic courses for more than 2,060 commune officers" in
    # a force of about 2,000) from the summary. Distinct officers across courses would need the 70,000 enrolments of
    # the whole force hashed on every request (260 ms at the load measured, EXPLAIN ANALYZE in docs/PERFORMANCE.md).
    for kind, enrolled in (
        CourseUnitResult.objects.filter(course__in=in_period)
        .values("course__kind")
        .annotate(n=Sum("enrolled"))
        .values_list("course__kind", "n")
    ):
        courses[kind] = (courses[kind][0], enrolled or 0)
    activities = {
        kind: {"count": n, "participants": p or 0, "awards": a or 0, "raised": r or 0, "resolved": s or 0}
        for kind, n, p, a, r, s in Activity.objects.filter(
            unit_path__startswith=path, held_on__gte=start, held_on__lte=end
        )
        .values("kind")
        .annotate(
            n=Count("id"),
            p=Sum("participants"),
            a=Sum("awards"),
            r=Sum("issues_raised"),
            s=Sum("issues_resolved"),
        )
        .values_list("kind", "n", "p", "a", "r", "s")
    }
    return Figures(unit, start, end, total, list(rows.values()), courses, activities)
