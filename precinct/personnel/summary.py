"""The summaries behind the leaders' figures: UnitStrength (officers in service per unit, with degrees, planned
positions and vacancies) and CourseUnitResult (enrolments and passes per course and unit).

They are recounted, never incremented: `units_refresh(unit_ids)` counts again, from the officers and enrolments,
the few units a write touched, inside the writer's transaction, so a summary cannot drift from its source. The
writers: any save or deletion of an organisation.Officer (receivers.py: its old and new unit), a profile or degree
(services.career), a planned position, an enrolment or its result (services.training). Bulk loaders (the demo,
`generate_force`) call `rebuild()`, and `manage.py personnel_summary_rebuild` does the same by hand.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q

from precinct.organisation.models import Officer
from precinct.personnel.models import (
    CourseUnitResult,
    EducationLevel,
    Enrolment,
    EnrolmentResult,
    StaffPosition,
    UnitStrength,
)

DEGREE = Q(profile__education_level__gte=EducationLevel.COLLEGE)


def _strengths(officers, positions) -> dict[int, UnitStrength]:  # type: ignore[no-untyped-def]
    """Per unit: officers in service, those with a degree, planned positions and those nobody holds (a title is
    held by the officers whose position reads the same, ignoring case and spaces around)."""
    found: dict[int, UnitStrength] = {}
    held: dict[tuple[int, str], int] = {}
    for unit_id, position, n, degree in (
        officers.values("unit_id", "position")
        .annotate(n=Count("id"), degree=Count("id", filter=DEGREE))
        .values_list("unit_id", "position", "n", "degree")
    ):
        row = found.setdefault(unit_id, UnitStrength(unit_id=unit_id))
        row.headcount += n
        row.degree += degree
        key = (unit_id, (position or "").strip().lower())
        held[key] = held.get(key, 0) + n
    for unit_id, title, count in positions.values_list("unit_id", "title", "count"):
        row = found.setdefault(unit_id, UnitStrength(unit_id=unit_id))
        row.positions += count
        row.vacancies += max(0, count - held.get((unit_id, title.strip().lower()), 0))
    return found


def _results(enrolments):  # type: ignore[no-untyped-def]
    return [
        CourseUnitResult(course_id=course_id, unit_id=unit_id, enrolled=n, passed=passed)
        for course_id, unit_id, n, passed in enrolments.values("course_id", "officer__unit_id")
        .annotate(n=Count("id"), passed=Count("id", filter=Q(result=EnrolmentResult.PASSED)))
        .values_list("course_id", "officer__unit_id", "n", "passed")
    ]


@transaction.atomic
def units_refresh(unit_ids: Iterable[int | None]) -> None:
    """Count again the summaries of these units (a handful of rows each: indexes on the officer's unit and the
    enrolment's officer)."""
    ids = sorted({i for i in unit_ids if i is not None})
    if not ids:
        return
    strengths = _strengths(
        Officer.objects.filter(unit_id__in=ids, is_active=True), StaffPosition.objects.filter(unit_id__in=ids)
    )
    UnitStrength.objects.filter(unit_id__in=ids).delete()
    UnitStrength.objects.bulk_create([strengths.get(i) or UnitStrength(unit_id=i) for i in ids])
    CourseUnitResult.objects.filter(unit_id__in=ids).delete()
    CourseUnitResult.objects.bulk_create(
        _results(Enrolment.objects.filter(officer__unit_id__in=ids, officer__is_active=True))
    )


@transaction.atomic
def rebuild() -> int:
    """Every unit's summaries from scratch (set-wise: two grouped queries); returns the number of units."""
    strengths = _strengths(Officer.objects.filter(is_active=True), StaffPosition.objects.all())
    UnitStrength.objects.all().delete()
    UnitStrength.objects.bulk_create(strengths.values(), batch_size=2000)
    CourseUnitResult.objects.all().delete()
    CourseUnitResult.objects.bulk_create(_results(Enrolment.objects.filter(officer__is_active=True)), batch_size=2000)
    return len(strengths)
