"""The figures leaders report about the force, for a unit's subtree and a period: headcount by level, the share
with a college degree or higher (each officer once, at the highest level), training coverage of mandatory courses,
discipline rate, vacancies, transfers by direction, activities. One computation behind the page, the API, the
XLSX export and the measures `personnel.*`.

Each figure is a few grouped queries (by unit) folded in Python into the unit's children, so the whole force's
figures cost the same handful of statements as one ward's.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Officer, Unit
from precinct.personnel.models import (
    Activity,
    Course,
    DisciplineRecord,
    EducationLevel,
    Enrolment,
    EnrolmentResult,
    MandatoryFor,
    StaffPosition,
    Transfer,
    TransferStatus,
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
    courses: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind → (courses, officers)
    activities: dict[str, dict[str, int]] = field(default_factory=dict)


def _officers(path: str):  # type: ignore[no-untyped-def]
    officers = Officer.objects.filter(is_active=True, unit__is_active=True)
    return officers.filter(unit__path__startswith=path) if path else officers


def force_figures(*, unit: Unit | None, start: datetime.date, end: datetime.date, breakdown: bool = True) -> Figures:
    """`unit` None: the whole force (every root: a national installation), broken down by root."""
    path = unit.path if unit is not None else ""
    parent_id = unit.pk if unit is not None else None
    units = (
        {u.pk: u for u in Unit.objects.filter(path__startswith=path)} if breakdown or unit is None else {unit.pk: unit}
    )
    children = (
        sorted((u for u in units.values() if u.parent_id == parent_id), key=lambda u: u.path) if breakdown else []
    )
    rows = {c.pk: Row(c) for c in children}
    total = Row(unit)
    by_path = {u.path: u.pk for u in units.values()}

    def bucket(unit_id: int | None = None, unit_path: str | None = None) -> Row | None:
        if not breakdown:
            return None
        if unit_path is None:
            known = units.get(unit_id) if unit_id is not None else None
            unit_path = known.path if known else ""
        for child in children:
            if unit_path.startswith(child.path):
                return rows[child.pk]
        return None

    kinds = {u.pk: u.kind for u in units.values()}
    officers = _officers(path)
    level_counts: Counter[int] = Counter()
    for unit_id, kind, n, degree in (
        officers.values("unit_id", "unit__kind")
        .annotate(n=Count("id"), degree=Count("id", filter=Q(profile__education_level__gte=EducationLevel.COLLEGE)))
        .values_list("unit_id", "unit__kind", "n", "degree")
    ):
        kinds[unit_id] = kind
        level_counts[unit_id] = n
        for row in filter(None, (total, bucket(unit_id))):
            row.headcount += n
            row.degree += degree
            if kind in COMMUNE_LEVEL_KINDS:
                row.commune_level += n
            else:
                row.province_level += n

    discipline = DisciplineRecord.objects.filter(unit_path__startswith=path, decided_on__gte=start, decided_on__lte=end)
    total.disciplined = discipline.values("officer_id").distinct().count()
    if breakdown:
        for unit_path, n in (
            discipline.values("unit_path").annotate(n=Count("officer_id", distinct=True)).values_list("unit_path", "n")
        ):
            child = bucket(unit_path=unit_path)
            if child:
                child.disciplined += n

    held = Counter(
        {
            (u, p.strip().lower()): n
            for u, p, n in officers.values("unit_id", "position")
            .annotate(n=Count("id"))
            .values_list("unit_id", "position", "n")
        }
    )
    for unit_id, title, count in StaffPosition.objects.filter(unit__path__startswith=path).values_list(
        "unit_id", "title", "count"
    ):
        missing = max(0, count - held.get((unit_id, title.strip().lower()), 0))
        for row in filter(None, (total, bucket(unit_id))):
            row.positions += count
            row.vacancies += missing

    mandatory = Course.objects.filter(starts_on__gte=start, starts_on__lte=end).exclude(
        mandatory_for=MandatoryFor.NOBODY
    )
    wanted = Counter(mandatory.values_list("mandatory_for", flat=True))
    for unit_id, n in level_counts.items():
        commune = kinds.get(unit_id) in COMMUNE_LEVEL_KINDS
        required = n * (
            wanted[MandatoryFor.EVERYONE] + wanted[MandatoryFor.COMMUNE if commune else MandatoryFor.PROVINCE]
        )
        for row in filter(None, (total, bucket(unit_id))):
            row.required += required
    fits = (
        Q(course__mandatory_for=MandatoryFor.EVERYONE)
        | Q(course__mandatory_for=MandatoryFor.COMMUNE, officer__unit__kind__in=COMMUNE_LEVEL_KINDS)
        | (Q(course__mandatory_for=MandatoryFor.PROVINCE) & ~Q(officer__unit__kind__in=COMMUNE_LEVEL_KINDS))
    )
    for unit_id, n in (
        Enrolment.objects.filter(
            course__in=list(mandatory.values_list("pk", flat=True)),
            result=EnrolmentResult.PASSED,
            officer__is_active=True,
            officer__unit__is_active=True,
        )
        .filter(fits, **({"officer__unit__path__startswith": path} if path else {}))
        .values("officer__unit_id")
        .annotate(n=Count("id"))
        .values_list("officer__unit_id", "n")
    ):
        for row in filter(None, (total, bucket(unit_id))):
            row.trained += n

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
        for row in filter(None, (total, bucket(unit_path=unit_path))):
            if direction == "to_province":
                row.to_province += n
            else:
                row.to_commune += n

    courses = {
        kind: (n, people)
        for kind, n, people in Course.objects.filter(
            unit_path__startswith=path, starts_on__gte=start, starts_on__lte=end
        )
        .values("kind")
        .annotate(n=Count("id", distinct=True), people=Count("enrolments__officer_id", distinct=True))
        .values_list("kind", "n", "people")
    }
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
    del by_path
    return Figures(unit, start, end, total, list(rows.values()), courses, activities)
