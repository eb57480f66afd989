"""The leaders' figures: discipline rate, degree share (each officer once), vacancies, training, measures."""

import datetime

import pytest
from django.utils import timezone

from precinct.core.measures import measure_value
from precinct.organisation.models import Officer, Rank
from precinct.personnel import summary
from precinct.personnel.figures import force_figures
from precinct.personnel.models import CourseKind, DisciplineRecord, EducationLevel, MandatoryFor
from precinct.personnel.services import career, training

from .conftest import make_officer

pytestmark = pytest.mark.django_db


def _year():
    today = timezone.localdate()
    return today.replace(month=1, day=1), today.replace(month=12, day=31)


def test_seven_of_two_thousand_disciplined_is_0_35_percent(world):
    start, end = _year()
    existing = Officer.objects.filter(unit__path__startswith=world.province.path, is_active=True).count()
    officers = Officer.objects.bulk_create(
        Officer(full_name=f"O{i}", rank=Rank.CAPTAIN, unit=world.ward_a if i % 2 else world.ward_b)
        for i in range(2000 - existing)
    )
    summary.rebuild()  # bulk_create passes by the receivers, as in the demo and the generator
    DisciplineRecord.objects.bulk_create(
        DisciplineRecord(
            officer=o, unit_path=o.unit.path, kind="warning", violation="x", decided_on=start, starts_on=start
        )
        for o in officers[:7]
    )
    # one officer disciplined twice counts once
    DisciplineRecord.objects.create(
        officer=officers[0],
        unit_path=officers[0].unit.path,
        kind="reprimand",
        violation="y",
        decided_on=start,
        starts_on=start,
    )
    figures = force_figures(unit=world.province, start=start, end=end)
    assert figures.total.headcount == 2000
    assert figures.total.disciplined == 7
    assert str(figures.total.discipline_rate) == "0.35"
    assert (
        str(measure_value("personnel.discipline_rate", unit_path=world.province.path, start=start, end=end)) == "0.35"
    )
    by_unit = {row.unit.code: row for row in figures.rows}
    assert by_unit[world.ward_a.code].disciplined + by_unit[world.ward_b.code].disciplined == 7


def test_the_degree_share_counts_each_officer_once_at_the_highest_level(world):
    start, end = _year()
    Officer.objects.filter(unit__path__startswith=world.province.path).update(is_active=False)
    summary.rebuild()  # a queryset update passes by the receivers
    many = make_officer(world, world.ward_a, "Three Degrees", education=EducationLevel.UNIVERSITY)
    career.career_add(
        actor=None,
        officer=many,
        kind="education",
        values={"level": EducationLevel.MASTER, "field": "Luật", "institution": "HV", "year": 2015},
    )
    career.career_add(
        actor=None,
        officer=many,
        kind="education",
        values={"level": EducationLevel.DOCTORATE, "field": "Luật", "institution": "HV", "year": 2020},
    )
    make_officer(world, world.ward_a, "Intermediate", education=EducationLevel.INTERMEDIATE)
    make_officer(world, world.ward_b, "College", education=EducationLevel.COLLEGE)
    wrong = make_officer(world, world.ward_b, "Corrected", education=EducationLevel.UNIVERSITY)
    first = career.career_add(
        actor=None,
        officer=wrong,
        kind="education",
        values={"level": EducationLevel.MASTER, "field": "x", "institution": "y", "year": 2019},
    )
    # the university degree was a mistake: corrected to intermediate, so this officer has master only
    from precinct.personnel.models import Education

    uni = Education.objects.get(officer=wrong, level=EducationLevel.UNIVERSITY)
    career.career_add(
        actor=None,
        officer=wrong,
        kind="education",
        corrects_id=uni.pk,
        values={"level": EducationLevel.INTERMEDIATE, "field": "x", "institution": "y", "year": 2009},
    )
    assert first.pk
    figures = force_figures(unit=world.province, start=start, end=end)
    assert figures.total.headcount == 4
    assert figures.total.degree == 3  # Three Degrees once, College, Corrected (master)
    assert str(figures.total.degree_share) == "75.00"


def test_vacancies_and_training_coverage(world, hr):
    start, end = _year()
    Officer.objects.filter(unit__path__startswith=world.province.path).update(is_active=False)
    summary.rebuild()  # a queryset update passes by the receivers
    a1 = make_officer(world, world.ward_a, "A1")
    a2 = make_officer(world, world.ward_a, "A2")
    training.position_set(actor=hr, unit_code=world.ward_a.code, title="Cán bộ", count=3)
    training.position_set(actor=hr, unit_code=world.ward_a.code, title="Trưởng Công an", count=1)
    today = timezone.localdate()
    course = training.course_create(
        actor=hr,
        title="Nghiệp vụ",
        kind=CourseKind.PROFESSIONAL,
        organiser_code=f"{world.province.code}-PX01",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=5),
        capacity=10,
        mandatory_for=MandatoryFor.COMMUNE,
    )
    done = training.enrol(actor=hr, course=course, officer=a1)
    training.enrol(actor=hr, course=course, officer=a2)
    training.enrolment_result(actor=hr, enrolment=done, result="passed", sessions_attended=5, certificate_number="CC-1")
    figures = force_figures(unit=world.province, start=start, end=end)
    assert figures.total.positions == 4 and figures.total.vacancies == 2  # 3 − 2 holders, 1 − 0
    assert figures.total.required == 2 and figures.total.trained == 1
    assert str(figures.total.coverage) == "50.00"
    assert figures.courses["professional"] == (1, 2)
