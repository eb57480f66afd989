"""Training and activity pages: courses (list, new), a course (enrolment, sessions and attendance per session,
results and certificates), emulation movements / political activities / dialogue sessions (list, record). Reads go
through the selectors (scoped); every write is a service call (checked, audited); a refused write shows the
service's messages and changes nothing."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from precinct.core.actors import Actor
from precinct.core.errors import DomainError, NotFound, PermissionDenied
from precinct.organisation.selectors import province_root
from precinct.personnel import permissions, selectors
from precinct.personnel.models import (
    ActivityKind,
    Course,
    CourseKind,
    Enrolment,
    EnrolmentResult,
    MandatoryFor,
)
from precinct.personnel.services import training
from precinct.personnel.views import _date, _errors, _reader


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value or default)
    except ValueError:
        return -1  # refused by the service with its message


def _dated(value: str | None, field: str) -> datetime.date:
    day = _date(value)
    if day is None:
        raise DomainError("invalid", _("Enter a valid date."), fields={field: [_("Enter a valid date.")]})
    return day


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    root = province_root()
    may_create = permissions.can_run_transfers(actor, root)
    errors: list[str] = []
    if request.method == "POST":
        if not may_create:
            raise PermissionDenied()
        try:
            course = training.course_create(
                actor=actor,
                title=request.POST.get("title", ""),
                kind=request.POST.get("kind", ""),
                organiser_code=request.POST.get("organiser", ""),
                starts_on=_dated(request.POST.get("starts_on"), "starts_on"),
                ends_on=_dated(request.POST.get("ends_on"), "ends_on"),
                capacity=_int(request.POST.get("capacity")),
                programme=request.POST.get("programme", ""),
                mandatory_for=request.POST.get("mandatory_for", ""),
            )
        except PermissionDenied:
            raise
        except DomainError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("personnel:course", pk=course.pk)
    return render(
        request,
        "personnel/courses.html",
        {
            "courses": selectors.course_list(actor=actor)[:200],
            "may_create": may_create,
            "kinds": CourseKind.choices,
            "mandatory": MandatoryFor.choices,
            "organiser": f"{root.code}-PX01" if root else "",
            "errors": errors,
            "form": request.POST if errors else {},
        },
        status=422 if errors else 200,
    )


def _course_post(request: HttpRequest, actor: Actor, course: Course, enrolments: list[Enrolment]) -> None:
    action = request.POST.get("action")
    visible = {e.pk: e for e in enrolments}
    if action == "enrol":
        officer = selectors.officer_get(actor=actor, officer_id=_int(request.POST.get("officer")))
        training.enrol(actor=actor, course=course, officer=officer)
    elif action == "session":
        training.session_add(
            actor=actor, course=course, held_on=_date(request.POST.get("held_on")), topic=request.POST.get("topic", "")
        )
    elif action == "attendance":
        try:
            session = selectors.course_session_get(course=course, session_id=_int(request.POST.get("session")))
        except NotFound:
            raise DomainError("invalid", _("Choose one of the course's sessions.")) from None
        # Officers the actor cannot see keep their attendance as it was.
        hidden = set(session.attendance.exclude(enrolment_id__in=list(visible)).values_list("enrolment_id", flat=True))
        present = {_int(v) for v in request.POST.getlist("present")}
        if not present <= set(visible):
            raise DomainError("invalid", _("Only officers enrolled in this course can be marked present."))
        training.attendance_set(actor=actor, session=session, present=sorted(present | hidden))
    elif action == "result":
        enrolment = visible.get(_int(request.POST.get("enrolment")))
        if enrolment is None:
            raise DomainError("invalid", _("Choose one of the course's enrolments."))
        training.enrolment_result(
            actor=actor,
            enrolment=enrolment,
            result=request.POST.get("result", ""),
            sessions_attended=enrolment.sessions_attended,
            certificate_number=request.POST.get("certificate_number", ""),
        )
    else:
        raise DomainError("unknown_action", _("Unknown action."))


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    course, enrolments = selectors.course_get(actor=actor, course_id=pk)
    may_run = permissions.can_run_transfers(actor, course.organiser)
    errors: list[str] = []
    if request.method == "POST":
        if not may_run:
            raise PermissionDenied()
        try:
            _course_post(request, actor, course, enrolments)
        except PermissionDenied:
            raise
        except DomainError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("personnel:course", pk=course.pk)
    q = request.GET.get("q", "").strip()
    enrolled = {e.officer_id for e in enrolments}
    found = [o for o in selectors.officer_list(actor=actor, q=q)[:20] if o.pk not in enrolled] if q and may_run else []
    return render(
        request,
        "personnel/course.html",
        {
            "course": course,
            "enrolments": enrolments,
            "sessions": selectors.course_sessions(course=course, enrolments=enrolments),
            "may_run": may_run,
            "results": EnrolmentResult.choices,
            "q": q,
            "found": found,
            "errors": errors,
        },
        status=422 if errors else 200,
    )


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    root = province_root()
    may_record = permissions.can_run_transfers(actor, root)
    errors: list[str] = []
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied()
        try:
            training.activity_record(
                actor=actor,
                kind=request.POST.get("kind", ""),
                title=request.POST.get("title", ""),
                unit_code=request.POST.get("unit", ""),
                held_on=_dated(request.POST.get("held_on"), "held_on"),
                participants=_int(request.POST.get("participants")),
                awards=_int(request.POST.get("awards")),
                issues_raised=_int(request.POST.get("issues_raised")),
                issues_resolved=_int(request.POST.get("issues_resolved")),
            )
        except PermissionDenied:
            raise
        except DomainError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("personnel:activities")
    kind = request.GET.get("kind", "")
    activities = selectors.activity_list(actor=actor)
    if kind in ActivityKind.values:
        activities = activities.filter(kind=kind)
    return render(
        request,
        "personnel/activities.html",
        {
            "activities": activities[:200],
            "kind": kind,
            "kinds": ActivityKind.choices,
            "may_record": may_record,
            "unit": root.code if root else "",
            "errors": errors,
            "form": request.POST if errors else {},
        },
        status=422 if errors else 200,
    )
