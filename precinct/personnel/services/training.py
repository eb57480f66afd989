"""Staffing positions, training courses and enrolments, emulation / political activities and dialogue sessions."""

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.organisation.models import Officer
from precinct.organisation.selectors import unit_by_code
from precinct.personnel import summary
from precinct.personnel.models import (
    Activity,
    ActivityKind,
    Attendance,
    Course,
    CourseKind,
    CourseSession,
    Enrolment,
    EnrolmentResult,
    MandatoryFor,
    StaffPosition,
)
from precinct.personnel.permissions import can_edit_career, can_run_transfers


@transaction.atomic
def position_set(*, actor: Actor, unit_code: str, title: str, count: int) -> StaffPosition:
    """How many of a title a unit should have (0 removes nothing: the row stays, with no post to fill)."""
    unit = unit_by_code(unit_code)
    errors: dict[str, list[Any]] = {}
    if unit is None:
        errors["unit"] = [_("There is no active unit with this code.")]
    if not title.strip():
        errors["title"] = [_("This field is required.")]
    if not 0 <= count <= 500:
        errors["count"] = [_("Enter a whole number from 0 to 500.")]
    if errors:
        raise ValidationFailed(errors)
    assert unit is not None
    if actor is not None and not can_run_transfers(actor, unit):
        raise PermissionDenied()
    position, _created = StaffPosition.objects.update_or_create(
        unit=unit, title=title.strip(), defaults={"count": count}
    )
    summary.units_refresh([unit.pk])  # its positions and vacancies
    audit_record(
        actor=actor, action="personnel.position_set", target=position, unit=unit, after={"title": title, "count": count}
    )
    return position


@transaction.atomic
def course_create(
    *,
    actor: Actor,
    title: str,
    kind: str,
    organiser_code: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    capacity: int,
    programme: str = "",
    mandatory_for: str = "",
) -> Course:
    organiser = unit_by_code(organiser_code)
    errors: dict[str, list[Any]] = {}
    if not title.strip():
        errors["title"] = [_("This field is required.")]
    if kind not in CourseKind.values:
        errors["kind"] = [_("Choose one of the listed kinds.")]
    if organiser is None:
        errors["organiser"] = [_("There is no active unit with this code.")]
    if ends_on < starts_on:
        errors["ends_on"] = [_("The end must come after the start.")]
    if capacity < 1:
        errors["capacity"] = [_("Enter a whole number from 1.")]
    if mandatory_for not in MandatoryFor.values:
        errors["mandatory_for"] = [_("Choose one of the listed values.")]
    if errors:
        raise ValidationFailed(errors)
    assert organiser is not None
    if actor is not None and not can_run_transfers(actor, organiser):
        raise PermissionDenied()
    course = Course.objects.create(
        title=title.strip(),
        programme=programme.strip(),
        kind=kind,
        organiser=organiser,
        unit_path=organiser.path,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        mandatory_for=mandatory_for,
    )
    audit_record(
        actor=actor,
        action="personnel.course_create",
        target=course,
        unit=organiser,
        after={"title": title, "kind": kind},
    )
    return course


@transaction.atomic
def enrol(*, actor: Actor, course: Course, officer: Officer) -> Enrolment:
    if actor is not None and not can_edit_career(actor, officer):
        raise PermissionDenied()
    Course.objects.select_for_update().get(pk=course.pk)  # enrolments of one course serialise on its row
    if Enrolment.objects.filter(course=course, officer=officer).exists():
        raise DomainError("already_enrolled", _("This officer is already enrolled."), status=409)
    if Enrolment.objects.filter(course=course).count() >= course.capacity:
        raise DomainError("course_full", _("The course is full."), status=409)
    enrolment = Enrolment.objects.create(course=course, officer=officer)
    summary.units_refresh([officer.unit_id])
    audit_record(
        actor=actor,
        action="personnel.enrol",
        target=enrolment,
        unit=officer.unit,
        after={"course": course.pk, "officer": officer.pk},
    )
    return enrolment


@transaction.atomic
def enrolment_result(
    *, actor: Actor, enrolment: Enrolment, result: str, sessions_attended: int, certificate_number: str = ""
) -> Enrolment:
    if actor is not None and not can_run_transfers(actor, enrolment.course.organiser):
        raise PermissionDenied()
    errors: dict[str, list[Any]] = {}
    if result not in EnrolmentResult.values:
        errors["result"] = [_("Choose one of the listed values.")]
    if sessions_attended < 0:
        errors["sessions_attended"] = [_("Enter a whole number from 0.")]
    if result == EnrolmentResult.PASSED and not certificate_number.strip():
        errors["certificate_number"] = [_("A pass needs the certificate's number.")]
    if errors:
        raise ValidationFailed(errors)
    before = {"result": enrolment.result}
    enrolment.result, enrolment.sessions_attended = result, sessions_attended
    enrolment.certificate_number = certificate_number.strip()
    enrolment.save(update_fields=["result", "sessions_attended", "certificate_number"])
    summary.units_refresh([enrolment.officer.unit_id])
    audit_record(
        actor=actor,
        action="personnel.enrolment_result",
        target=enrolment,
        unit=enrolment.course.organiser,
        before=before,
        after={"result": result},
    )
    return enrolment


@transaction.atomic
def activity_record(
    *,
    actor: Actor,
    kind: str,
    title: str,
    unit_code: str,
    held_on: datetime.date,
    participants: int = 0,
    awards: int = 0,
    issues_raised: int = 0,
    issues_resolved: int = 0,
) -> Activity:
    unit = unit_by_code(unit_code)
    errors: dict[str, list[Any]] = {}
    if kind not in ActivityKind.values:
        errors["kind"] = [_("Choose one of the listed kinds.")]
    if not title.strip():
        errors["title"] = [_("This field is required.")]
    if unit is None:
        errors["unit"] = [_("There is no active unit with this code.")]
    if min(participants, awards, issues_raised, issues_resolved) < 0 or issues_resolved > issues_raised:
        errors["issues_resolved"] = [_("Counts are whole numbers from 0; no more issues resolved than raised.")]
    if errors:
        raise ValidationFailed(errors)
    assert unit is not None
    if actor is not None and not can_run_transfers(actor, unit):
        raise PermissionDenied()
    activity = Activity.objects.create(
        kind=kind,
        title=title.strip(),
        unit=unit,
        unit_path=unit.path,
        held_on=held_on,
        participants=participants,
        awards=awards,
        issues_raised=issues_raised,
        issues_resolved=issues_resolved,
    )
    audit_record(
        actor=actor,
        action="personnel.activity_record",
        target=activity,
        unit=unit,
        after={"kind": kind, "title": title},
    )
    return activity


@transaction.atomic
def session_add(*, actor: Actor, course: Course, held_on: datetime.date | None, topic: str = "") -> CourseSession:
    """A session of the course, on a day within the course's dates."""
    if actor is not None and not can_run_transfers(actor, course.organiser):
        raise PermissionDenied()
    if held_on is None:
        raise ValidationFailed({"held_on": [_("Enter a valid date.")]})
    if not course.starts_on <= held_on <= course.ends_on:
        raise ValidationFailed({"held_on": [_("A session is held between the course's first and last day.")]})
    session = CourseSession.objects.create(course=course, held_on=held_on, topic=topic.strip()[:200])
    audit_record(
        actor=actor,
        action="personnel.session_add",
        target=session,
        unit=course.organiser,
        after={"course": course.pk, "held_on": held_on, "topic": session.topic},
    )
    return session


@transaction.atomic
def attendance_set(*, actor: Actor, session: CourseSession, present: list[int]) -> list[int]:
    """Who was present at the session (enrolment ids of its course); the others are absent. Each enrolment's
    `sessions_attended` is recounted. Returns the ids now present."""
    course = session.course
    if actor is not None and not can_run_transfers(actor, course.organiser):
        raise PermissionDenied()
    enrolled = set(Enrolment.objects.filter(course=course).values_list("pk", flat=True))
    wanted = set(present)
    if not wanted <= enrolled:
        raise ValidationFailed({"present": [_("Only officers enrolled in this course can be marked present.")]})
    before = set(Attendance.objects.filter(session=session).values_list("enrolment_id", flat=True))
    Attendance.objects.filter(session=session).exclude(enrolment_id__in=wanted).delete()
    Attendance.objects.bulk_create([Attendance(session=session, enrolment_id=i) for i in sorted(wanted - before)])
    for enrolment_id in before ^ wanted:
        Enrolment.objects.filter(pk=enrolment_id).update(
            sessions_attended=Attendance.objects.filter(enrolment_id=enrolment_id).count()
        )
    audit_record(
        actor=actor,
        action="personnel.attendance_set",
        target=session,
        unit=course.organiser,
        before={"present": sorted(before)},
        after={"present": sorted(wanted)},
    )
    return sorted(wanted)
