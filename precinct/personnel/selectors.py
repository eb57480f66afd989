"""Reads of the force's records, narrowed to what the actor may see (permissions.career_q / discipline_q, which
build on organisation.scoping). Outside the reach answers 404, like absent."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from precinct.core.actors import Actor
from precinct.core.errors import NotFound, PermissionDenied
from precinct.organisation.models import Officer, Role, Unit
from precinct.organisation.scoping import scope_paths
from precinct.organisation.selectors import province_root, unit_by_code
from precinct.personnel import eligibility
from precinct.personnel.figures import Figures, force_figures
from precinct.personnel.models import (
    Activity,
    Attendance,
    Certificate,
    Commendation,
    Course,
    CourseSession,
    DisciplineRecord,
    Education,
    Enrolment,
    Evaluation,
    Posting,
    RankRecord,
    StaffPosition,
    TheoryRecord,
    Transfer,
    TransferCriteria,
    TransferRound,
)
from precinct.personnel.permissions import (
    can_run_transfers,
    can_use_personnel,
    can_view_figures,
    career_q,
    course_q,
    department_paths,
    discipline_q,
)
from precinct.personnel.services.discipline import discipline_read_audit


def officer_list(*, actor: Actor, unit: Unit | None = None, q: str = "") -> QuerySet[Officer]:
    officers = Officer.objects.filter(career_q(actor, "unit__path")).select_related("unit", "profile")
    if unit is not None:
        officers = officers.filter(unit__path__startswith=unit.path)
    if q:
        officers = officers.filter(full_name__icontains=q)
    return officers.order_by("unit__path", "full_name", "pk")


def officer_get(*, actor: Actor, officer_id: int) -> Officer:
    officer = officer_list(actor=actor).filter(pk=officer_id).first()
    if officer is None:
        raise NotFound()
    return officer


def _live(model: Any, officer: Officer) -> QuerySet[Any]:
    return model.objects.filter(officer=officer).exclude(Exists(model.objects.filter(corrects=OuterRef("pk"))))


@dataclass(frozen=True)
class Career:
    officer: Officer
    ranks: list[RankRecord]
    postings: list[tuple[Posting, datetime.date | None]]  # each with its end: the next posting's start
    education: list[Education]
    theory: list[TheoryRecord]
    certificates: list[Certificate]
    commendations: list[Commendation]
    evaluations: list[Evaluation]


def career_get(*, actor: Actor, officer_id: int) -> Career:
    officer = officer_get(actor=actor, officer_id=officer_id)
    postings = list(_live(Posting, officer).select_related("unit").order_by("start_on", "pk"))
    ends = [p.start_on for p in postings[1:]] + [None]
    return Career(
        officer=officer,
        ranks=list(_live(RankRecord, officer).order_by("-effective_on", "-pk")),
        postings=list(reversed(list(zip(postings, ends, strict=True)))),
        education=list(_live(Education, officer).order_by("-level", "-year")),
        theory=list(_live(TheoryRecord, officer).order_by("-awarded_on")),
        certificates=list(_live(Certificate, officer).order_by("-issued_on")),
        commendations=list(_live(Commendation, officer).order_by("-awarded_on")),
        evaluations=list(_live(Evaluation, officer).order_by("-year")),
    )


def discipline_list(*, actor: Actor, officer: Officer | None = None, where: str = "page") -> list[DisciplineRecord]:
    """Discipline records the actor may read (by role alone); the read itself is audited."""
    records = DisciplineRecord.objects.filter(discipline_q(actor, "unit_path")).select_related("officer__unit")
    if officer is not None:
        records = records.filter(officer=officer)
    found = list(records.order_by("-decided_on", "-pk")[:500])
    discipline_read_audit(actor=actor, records=found, where=where)
    return found


def discipline_get(*, actor: Actor, record_id: int, where: str = "page") -> DisciplineRecord:
    record = (
        DisciplineRecord.objects.filter(discipline_q(actor, "unit_path"), pk=record_id)
        .select_related("officer__unit")
        .first()
    )
    if record is None:
        raise NotFound()
    discipline_read_audit(actor=actor, records=[record], where=where)
    return record


def transfer_list(*, actor: Actor, status: str = "") -> QuerySet[Transfer]:
    transfers = Transfer.objects.filter(career_q(actor, "unit_path")).select_related("officer", "from_unit", "to_unit")
    if status:
        transfers = transfers.filter(status=status)
    return transfers.order_by("-created_at", "-pk")


def transfer_get(*, actor: Actor, transfer_id: int) -> Transfer:
    transfer = transfer_list(actor=actor).filter(pk=transfer_id).first()
    if transfer is None:
        raise NotFound()
    return transfer


def round_list(*, actor: Actor) -> QuerySet[TransferRound]:
    if not can_use_personnel(actor):
        raise PermissionDenied()
    return TransferRound.objects.filter(career_q(actor, "unit__path")).order_by("-as_of", "-pk")


def round_eligibility(*, actor: Actor, round_id: int) -> tuple[TransferRound, list[eligibility.Verdict]]:
    transfer_round = TransferRound.objects.filter(pk=round_id).select_related("unit").first()
    if transfer_round is None or not can_run_transfers(actor, transfer_round.unit):
        raise NotFound()
    criteria = TransferCriteria.objects.get(direction=transfer_round.direction)
    officers = eligibility.candidates(transfer_round.direction, transfer_round.unit.path)
    return transfer_round, eligibility.evaluate(officers, criteria, transfer_round.as_of)


def criteria_list(*, actor: Actor) -> list[TransferCriteria]:
    if not can_use_personnel(actor):
        raise PermissionDenied()
    return list(TransferCriteria.objects.order_by("direction"))


def staffing(*, actor: Actor, unit: Unit) -> list[dict[str, Any]]:
    """Positions of the units under `unit` with their holders and vacancies."""
    if not can_view_figures(actor, unit):
        raise NotFound()
    positions = (
        StaffPosition.objects.filter(unit__path__startswith=unit.path)
        .select_related("unit")
        .order_by("unit__path", "title")
    )
    holders: dict[tuple[int, str], list[str]] = {}
    for unit_id, position, name in Officer.objects.filter(is_active=True, unit__path__startswith=unit.path).values_list(
        "unit_id", "position", "full_name"
    ):
        holders.setdefault((unit_id, position.strip().lower()), []).append(name)
    rows = []
    for p in positions:
        names = holders.get((p.unit_id, p.title.strip().lower()), [])
        rows.append({"position": p, "holders": names, "vacant": max(0, p.count - len(names))})
    return rows


def home_unit(*, actor: Actor) -> Unit | None:
    """The unit whose figures a person sees first: the province if they reach it, else the outermost unit their
    leader or administrator role (or personnel department) reaches."""
    root = province_root()
    if can_view_figures(actor, root):
        return root
    for path in [*department_paths(actor), *scope_paths(actor, (Role.LEADER, Role.ADMINISTRATOR))]:
        unit = unit_by_code(path.rstrip("/").rsplit("/", 1)[-1])
        if unit is not None:
            return unit
    return None


def figures(*, actor: Actor, unit: Unit | None, start: datetime.date, end: datetime.date) -> Figures:
    unit = unit or province_root()
    if not can_view_figures(actor, unit):
        raise NotFound()
    return force_figures(unit=unit, start=start, end=end)


def course_list(*, actor: Actor) -> QuerySet[Course]:
    if not can_use_personnel(actor):
        raise PermissionDenied()
    return Course.objects.filter(course_q(actor)).select_related("organiser").order_by("-starts_on", "pk")


def course_get(*, actor: Actor, course_id: int) -> tuple[Course, list[Enrolment]]:
    course = course_list(actor=actor).filter(pk=course_id).first()
    if course is None:
        raise NotFound()
    enrolments = list(
        Enrolment.objects.filter(course=course)
        .filter(career_q(actor, "officer__unit__path"))
        .select_related("officer__unit")
        .order_by("officer__unit__path", "officer__full_name", "pk")
    )
    return course, enrolments


def course_session_get(*, course: Course, session_id: int) -> CourseSession:
    session = CourseSession.objects.filter(course=course, pk=session_id).select_related("course__organiser").first()
    if session is None:
        raise NotFound()
    return session


def course_sessions(*, course: Course, enrolments: list[Enrolment]) -> list[tuple[CourseSession, set[int]]]:
    """The course's sessions, each with the ids of the (visible) enrolments present; `course` comes from
    course_get, so it is already in the actor's reach."""
    sessions = list(CourseSession.objects.filter(course=course))
    present: dict[int, set[int]] = {s.pk: set() for s in sessions}
    for session_id, enrolment_id in Attendance.objects.filter(
        session__course=course, enrolment_id__in=[e.pk for e in enrolments]
    ).values_list("session_id", "enrolment_id"):
        present[session_id].add(enrolment_id)
    return [(s, present[s.pk]) for s in sessions]


def activity_list(*, actor: Actor) -> QuerySet[Activity]:
    if not can_use_personnel(actor):
        raise PermissionDenied()
    return Activity.objects.filter(career_q(actor, "unit_path")).select_related("unit").order_by("-held_on", "-pk")
