"""The per-unit summaries follow every write that changes them, in the writer's transaction, and a rebuild from
scratch agrees with them; eligibility's one statement reads the live history (corrections, unbroken runs)."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from precinct.organisation.services import officer_save
from precinct.personnel import eligibility, summary
from precinct.personnel.models import (
    CourseKind,
    CourseUnitResult,
    Direction,
    EducationLevel,
    MandatoryFor,
    Posting,
    TransferCriteria,
    UnitStrength,
)
from precinct.personnel.services import career, training

from .conftest import make_officer, years_ago

pytestmark = pytest.mark.django_db


def _snapshot():
    strengths = set(UnitStrength.objects.values_list("unit_id", "headcount", "degree", "positions", "vacancies"))
    strengths = {row for row in strengths if any(row[1:])}  # a unit with nobody left may keep a row of zeros
    results = set(CourseUnitResult.objects.values_list("course_id", "unit_id", "enrolled", "passed"))
    return strengths, results


def test_saving_an_officer_recounts_the_unit_left_and_the_unit_joined(world):
    officer = make_officer(world, world.ward_a, "Mover", education=EducationLevel.UNIVERSITY)
    before_a = UnitStrength.objects.get(unit=world.ward_a)
    assert before_a.headcount == 2 and before_a.degree == 1  # the world's officer of A has no profile

    officer_save(actor=None, officer=officer, unit=world.ward_b, position="Phó Trưởng Công an")

    assert UnitStrength.objects.get(unit=world.ward_a).headcount == 1
    after_b = UnitStrength.objects.get(unit=world.ward_b)
    assert after_b.headcount == 2 and after_b.degree == 1


def test_positions_and_vacancies_follow_the_plan_and_the_holders(world, hr):
    officer = make_officer(world, world.ward_a, "Holder")  # position "Cán bộ"
    training.position_set(actor=hr, unit_code=world.ward_a.code, title=" cán bộ ", count=3)
    training.position_set(actor=hr, unit_code=world.ward_a.code, title="Trưởng Công an", count=1)
    strength = UnitStrength.objects.get(unit=world.ward_a)
    assert (strength.positions, strength.vacancies) == (4, 3)  # 3 − 1 holder, 1 − 0
    officer_save(actor=None, officer=officer, position="Trưởng Công an")
    strength = UnitStrength.objects.get(unit=world.ward_a)
    assert (strength.positions, strength.vacancies) == (4, 3)  # 3 − 0, 1 − 1
    officer_save(actor=None, officer=officer, unit=world.ward_b)
    assert UnitStrength.objects.get(unit=world.ward_a).vacancies == 4


def test_a_failed_write_leaves_the_summary_as_it_was(world):
    officer = make_officer(world, world.ward_a, "Stays")
    with pytest.raises(RuntimeError), transaction.atomic():
        officer_save(actor=None, officer=officer, unit=world.ward_b)
        raise RuntimeError("the writer's transaction fails after the save")
    assert UnitStrength.objects.get(unit=world.ward_a).headcount == 2
    assert UnitStrength.objects.get(unit=world.ward_b).headcount == 1


def test_degrees_enrolments_and_results_follow_and_a_rebuild_agrees(world, hr):
    officer = make_officer(world, world.ward_a, "Learner", education=EducationLevel.INTERMEDIATE)
    assert UnitStrength.objects.get(unit=world.ward_a).degree == 0
    career.career_add(
        actor=hr,
        officer=officer,
        kind="education",
        values={"level": EducationLevel.COLLEGE, "field": "Luật", "institution": "CĐ CSND", "year": 2020},
    )
    assert UnitStrength.objects.get(unit=world.ward_a).degree == 1
    today = timezone.localdate()
    course = training.course_create(
        actor=hr,
        title="Kỹ năng",
        kind=CourseKind.TOPIC,
        organiser_code=f"{world.province.code}-PX01",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=2),
        capacity=5,
        mandatory_for=MandatoryFor.EVERYONE,
    )
    enrolment = training.enrol(actor=hr, course=course, officer=officer)
    assert CourseUnitResult.objects.get(course=course, unit=world.ward_a).enrolled == 1
    training.enrolment_result(
        actor=hr, enrolment=enrolment, result="passed", sessions_attended=2, certificate_number="K-1"
    )
    assert CourseUnitResult.objects.get(course=course, unit=world.ward_a).passed == 1

    kept = _snapshot()
    assert summary.rebuild() >= 3
    assert _snapshot() == kept


def test_eligibility_reads_live_postings_and_the_unbroken_run(world, hr, criteria):
    officer = make_officer(world, world.ward_a, "Run", years_at_level=6)
    rules = TransferCriteria.objects.get(direction=Direction.TO_PROVINCE)
    facts = eligibility.facts([officer.pk], rules, timezone.localdate())[officer.pk]
    assert facts.level_since == years_ago(6)
    # A correction moves the start of the ward posting to three years ago: the run is now 3 years.
    ward_posting = Posting.objects.filter(officer=officer, unit=world.ward_a).get()
    corrected = Posting.objects.create(
        officer=officer, unit=world.ward_a, level="commune", start_on=years_ago(3), corrects=ward_posting
    )
    assert corrected.pk
    verdict = eligibility.evaluate([officer], rules, timezone.localdate())[0]
    assert verdict.failing == ["years_at_level"]
    assert verdict.checks[0].detail.startswith("3 ")  # "3 trên 5 năm" in Vietnamese, the default
