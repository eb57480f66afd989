"""The personnel API under /api/v1/personnel/: officers' careers, discipline (every read audited), Resolution 40
criteria, rounds, eligibility and transfers, staffing, training, activities and the leaders' figures. Handlers
parse, call a selector or a service, and serialise."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from precinct.core.actors import Actor
from precinct.core.api_support import ErrorOut, signed_in
from precinct.core.api_types import Date, Id, Int64
from precinct.core.errors import NotFound, PermissionDenied
from precinct.core.replica import reads_from_replica
from precinct.organisation.selectors import unit_by_code
from precinct.personnel import importing, permissions, selectors
from precinct.personnel.figures import Row
from precinct.personnel.services import career, discipline, training, transfers

router = Router(tags=["personnel"])


class CareerIn(Schema):
    kind: str
    values: dict[str, Any]
    corrects: Id | None = None


class DisciplineIn(Schema):
    officer: Id
    kind: str
    violation: str
    decided_on: datetime.date
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    decision_number: str
    decision_date: datetime.date | None = None


class RoundIn(Schema):
    title: str
    direction: str
    as_of: datetime.date | None = None


class TransferIn(Schema):
    officer: Id
    to_unit: str
    to_position: str
    effective_on: datetime.date
    new_roles: list[str] = ["officer"]
    round: Id | None = None


class ApproveIn(Schema):
    decision_number: str = ""
    decision_date: datetime.date | None = None


class CancelIn(Schema):
    reason: str


class PeriodQuery(Schema):
    unit: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None


def _reader(request: HttpRequest) -> Actor:
    if not permissions.can_use_personnel(request.user):
        raise PermissionDenied()
    return request.user


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def officer_json(officer: Any) -> dict[str, Any]:
    return {
        "id": officer.pk,
        "full_name": officer.full_name,
        "rank": officer.rank,
        "position": officer.position,
        "unit": officer.unit.code,
        "in_service": officer.is_active,
    }


@router.get("/personnel/officers", response={200: list[dict], 403: ErrorOut}, auth=signed_in)
def officer_list(request: HttpRequest, unit: str = "", q: str = "") -> list[dict[str, Any]]:
    """Officers whose careers the caller keeps or leads (first 500)."""
    actor = _reader(request)
    scope = unit_by_code(unit) if unit else None
    return [officer_json(o) for o in selectors.officer_list(actor=actor, unit=scope, q=q)[:500]]


@router.get("/personnel/officers/{pk}", response={200: dict, 403: ErrorOut, 404: ErrorOut}, auth=signed_in)
def officer_career(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """An officer's career: ranks, postings (from–to), education, political theory, certificates, commendations,
    evaluations; rows corrected by a later one are left out."""
    record = selectors.career_get(actor=_reader(request), officer_id=pk)
    profile = getattr(record.officer, "profile", None)
    decision = lambda r: {"number": r.decision_number, "date": r.decision_date}  # noqa: E731
    return {
        **officer_json(record.officer),
        "date_of_birth": profile.date_of_birth if profile else None,
        "joined_on": profile.joined_on if profile else None,
        "ranks": [
            {"id": r.pk, "rank": r.rank, "effective_on": r.effective_on, "decision": decision(r)} for r in record.ranks
        ],
        "postings": [
            {
                "id": p.pk,
                "unit": p.unit.code,
                "level": p.level,
                "position": p.position,
                "from": p.start_on,
                "to": end,
                "decision": decision(p),
            }
            for p, end in record.postings
        ],
        "education": [
            {"id": e.pk, "level": e.level, "field": e.field, "institution": e.institution, "year": e.year}
            for e in record.education
        ],
        "political_theory": [{"id": t.pk, "level": t.level, "awarded_on": t.awarded_on} for t in record.theory],
        "certificates": [
            {
                "id": c.pk,
                "kind": c.kind,
                "title": c.title,
                "issuer": c.issuer,
                "issued_on": c.issued_on,
                "expires_on": c.expires_on,
            }
            for c in record.certificates
        ],
        "commendations": [
            {"id": c.pk, "title": c.title, "awarded_on": c.awarded_on, "decision": decision(c)}
            for c in record.commendations
        ],
        "evaluations": [{"year": e.year, "rating": e.rating} for e in record.evaluations],
    }


@router.post(
    "/personnel/officers/{pk}/career", response={201: dict, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, auth=signed_in
)
def career_add(request: HttpRequest, pk: Id, body: CareerIn) -> Status[dict[str, Any]]:
    """Add a row to an officer's career (kind: rank, education, theory, certificate, commendation, evaluation);
    `corrects` names the row it puts right."""
    officer = selectors.officer_get(actor=_reader(request), officer_id=pk)
    row = career.career_add(
        actor=request.user, officer=officer, kind=body.kind, values=body.values, corrects_id=body.corrects
    )
    return Status(201, {"id": row.pk, "kind": body.kind})


def discipline_json(record: Any) -> dict[str, Any]:
    return {
        "id": record.pk,
        "officer": record.officer_id,
        "officer_name": record.officer.full_name,
        "kind": record.kind,
        "violation": record.violation,
        "decided_on": record.decided_on,
        "starts_on": record.starts_on,
        "ends_on": record.ends_on,
        "decision": {"number": record.decision_number, "date": record.decision_date},
    }


def _discipline_reader(request: HttpRequest) -> Actor:
    if not permissions.can_read_some_discipline(request.user):
        raise PermissionDenied()
    return request.user


@router.get("/personnel/discipline", response={200: list[dict], 403: ErrorOut}, auth=signed_in)
def discipline_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Discipline records the caller may read (the personnel department, leaders over the officer); audited."""
    return [discipline_json(r) for r in selectors.discipline_list(actor=_discipline_reader(request), where="api")]


@router.get("/personnel/discipline/{pk}", response={200: dict, 403: ErrorOut, 404: ErrorOut}, auth=signed_in)
def discipline_get(request: HttpRequest, pk: Id) -> dict[str, Any]:
    return discipline_json(selectors.discipline_get(actor=_discipline_reader(request), record_id=pk, where="api"))


@router.post("/personnel/discipline", response={201: dict, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, auth=signed_in)
def discipline_create(request: HttpRequest, body: DisciplineIn) -> Status[dict[str, Any]]:
    officer = selectors.officer_get(actor=_reader(request), officer_id=body.officer)
    record = discipline.discipline_record(
        actor=request.user,
        officer=officer,
        kind=body.kind,
        violation=body.violation,
        decided_on=body.decided_on,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        decision_number=body.decision_number,
        decision_date=body.decision_date,
    )
    return Status(201, {"id": record.pk})


@router.get("/personnel/criteria", response={200: list[dict], 403: ErrorOut}, auth=signed_in)
def criteria_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {f: getattr(c, f) for f in ("direction", *transfers.CRITERIA_FIELDS)}
        for c in selectors.criteria_list(actor=_reader(request))
    ]


@router.put("/personnel/criteria/{direction}", response={200: dict, 403: ErrorOut, 422: ErrorOut}, auth=signed_in)
def criteria_save(request: HttpRequest, direction: str, body: dict[str, Any]) -> dict[str, Any]:
    """Resolution 40's standards for one direction (to_province, to_commune): the personnel department."""
    criteria = transfers.criteria_save(actor=_reader(request), direction=direction, values=body)
    return {f: getattr(criteria, f) for f in ("direction", *transfers.CRITERIA_FIELDS)}


@router.post("/personnel/rounds", response={201: dict, 403: ErrorOut, 422: ErrorOut}, auth=signed_in)
def round_open(request: HttpRequest, body: RoundIn) -> Status[dict[str, Any]]:
    transfer_round = transfers.round_open(
        actor=_reader(request), title=body.title, direction=body.direction, as_of=body.as_of or timezone.localdate()
    )
    return Status(201, {"id": transfer_round.pk})


@router.get("/personnel/rounds/{pk}/eligibility", response={200: dict, 403: ErrorOut, 404: ErrorOut}, auth=signed_in)
def round_eligibility(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """Every candidate of the round, eligible or not, with each criterion met or not."""
    transfer_round, verdicts = selectors.round_eligibility(actor=_reader(request), round_id=pk)
    return {
        "round": {
            "id": transfer_round.pk,
            "title": transfer_round.title,
            "direction": transfer_round.direction,
            "as_of": transfer_round.as_of,
        },
        "eligible": sum(v.eligible for v in verdicts),
        "officers": [
            {
                **officer_json(v.officer),
                "eligible": v.eligible,
                "criteria": [{"code": c.code, "name": c.label, "met": c.met, "detail": c.detail} for c in v.checks],
            }
            for v in verdicts
        ],
    }


def transfer_json(t: Any) -> dict[str, Any]:
    return {
        "id": t.pk,
        "officer": t.officer_id,
        "officer_name": t.officer.full_name,
        "direction": t.direction,
        "from": t.from_unit.code,
        "to": t.to_unit.code,
        "to_position": t.to_position,
        "effective_on": t.effective_on,
        "status": t.status,
        "decision": {"number": t.decision_number, "date": t.decision_date},
    }


@router.get("/personnel/transfers", response={200: list[dict], 403: ErrorOut}, auth=signed_in)
def transfer_list(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    return [transfer_json(t) for t in selectors.transfer_list(actor=_reader(request), status=status)[:500]]


@router.post("/personnel/transfers", response={201: dict, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, auth=signed_in)
def transfer_propose(request: HttpRequest, body: TransferIn) -> Status[dict[str, Any]]:
    actor = _reader(request)
    officer = selectors.officer_get(actor=actor, officer_id=body.officer)
    transfer_round = None
    if body.round is not None:
        transfer_round = next((r for r in selectors.round_list(actor=actor) if r.pk == body.round), None)
        if transfer_round is None:
            raise NotFound()
    transfer = transfers.transfer_propose(
        actor=actor,
        officer=officer,
        to_unit_code=body.to_unit,
        to_position=body.to_position,
        effective_on=body.effective_on,
        new_roles=body.new_roles,
        transfer_round=transfer_round,
    )
    return Status(201, transfer_json(transfer))


@router.post(
    "/personnel/transfers/{pk}/approve",
    response={200: dict, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=signed_in,
)
def transfer_approve(request: HttpRequest, pk: Id, body: ApproveIn) -> dict[str, Any]:
    """The next approval (unit leader → personnel department → director with the decision); the director's
    approval of a transfer effective today or earlier applies it at once."""
    transfer = selectors.transfer_get(actor=_reader(request), transfer_id=pk)
    transfer = transfers.transfer_approve(
        actor=request.user, transfer=transfer, decision_number=body.decision_number, decision_date=body.decision_date
    )
    transfer.refresh_from_db()
    return transfer_json(transfer)


@router.post(
    "/personnel/transfers/{pk}/cancel",
    response={200: dict, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=signed_in,
)
def transfer_cancel(request: HttpRequest, pk: Id, body: CancelIn) -> dict[str, Any]:
    transfer = selectors.transfer_get(actor=_reader(request), transfer_id=pk)
    return transfer_json(transfers.transfer_cancel(actor=request.user, transfer=transfer, reason=body.reason))


def row_json(row: Row) -> dict[str, Any]:
    return {
        "unit": row.unit.code if row.unit else None,
        "headcount": row.headcount,
        "commune_level": row.commune_level,
        "province_level": row.province_level,
        "degree_share": _num(row.degree_share),
        "training_coverage": _num(row.coverage),
        "disciplined": row.disciplined,
        "discipline_rate": _num(row.discipline_rate),
        "positions": row.positions,
        "vacancies": row.vacancies,
        "transfers": {"to_province": row.to_province, "to_commune": row.to_commune},
    }


def period(query: PeriodQuery) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return query.start or today.replace(month=1, day=1), query.end or today


@router.get("/personnel/figures", response={200: dict, 403: ErrorOut, 404: ErrorOut}, auth=signed_in)
@reads_from_replica()
def figures(request: HttpRequest, query: Query[PeriodQuery]) -> dict[str, Any]:
    """The leaders' figures for a unit's subtree (default: the province, or the caller's own unit) and period
    (default: this year so far),
    with one row per unit directly under it."""
    actor = _reader(request)
    unit = unit_by_code(query.unit) if query.unit else selectors.home_unit(actor=actor)
    if unit is None:
        raise NotFound()
    start, end = period(query)
    found = selectors.figures(actor=actor, unit=unit, start=start, end=end)
    return {
        "unit": found.unit.code if found.unit else None,
        "start": start,
        "end": end,
        "total": row_json(found.total),
        "units": [row_json(r) for r in found.rows],
        "courses": {k: {"courses": n, "enrolments": p} for k, (n, p) in found.courses.items()},
        "activities": found.activities,
    }


@router.get("/personnel/staffing", response={200: list[dict], 403: ErrorOut, 404: ErrorOut}, auth=signed_in)
def staffing(request: HttpRequest, unit: str = "") -> list[dict[str, Any]]:
    actor = _reader(request)
    scope = unit_by_code(unit) if unit else selectors.home_unit(actor=actor)
    if scope is None:
        raise NotFound()
    return [
        {
            "unit": r["position"].unit.code,
            "title": r["position"].title,
            "count": r["position"].count,
            "holders": r["holders"],
            "vacant": r["vacant"],
        }
        for r in selectors.staffing(actor=actor, unit=scope)
    ]


@router.post("/personnel/import", response={201: dict, 403: ErrorOut, 422: ErrorOut}, auth=signed_in)
def officers_import(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    """Officers from the XLSX template: every row or none; errors name the row and the column."""
    created = importing.officers_import(actor=_reader(request), data=file.read())
    return Status(201, {"created": created})


class CourseIn(Schema):
    title: str
    kind: str
    organiser: str
    starts_on: datetime.date
    ends_on: datetime.date
    capacity: Int64
    programme: str = ""
    mandatory_for: str = ""


class ActivityIn(Schema):
    kind: str
    title: str
    unit: str
    held_on: datetime.date
    participants: Int64 = 0
    awards: Int64 = 0
    issues_raised: Int64 = 0
    issues_resolved: Int64 = 0


@router.get("/personnel/courses", response={200: list[dict], 403: ErrorOut}, auth=signed_in)
def course_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "title": c.title,
            "kind": c.kind,
            "organiser": c.organiser.code,
            "starts_on": c.starts_on,
            "ends_on": c.ends_on,
            "capacity": c.capacity,
            "mandatory_for": c.mandatory_for,
        }
        for c in selectors.course_list(actor=_reader(request))[:500]
    ]


@router.post("/personnel/courses", response={201: dict, 403: ErrorOut, 422: ErrorOut}, auth=signed_in)
def course_create(request: HttpRequest, body: CourseIn) -> Status[dict[str, Any]]:
    course = training.course_create(
        actor=_reader(request),
        title=body.title,
        kind=body.kind,
        organiser_code=body.organiser,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        capacity=body.capacity,
        programme=body.programme,
        mandatory_for=body.mandatory_for,
    )
    return Status(201, {"id": course.pk})


@router.post("/personnel/activities", response={201: dict, 403: ErrorOut, 422: ErrorOut}, auth=signed_in)
def activity_create(request: HttpRequest, body: ActivityIn) -> Status[dict[str, Any]]:
    """An emulation movement, a political activity or a dialogue session, with its counts."""
    activity = training.activity_record(actor=_reader(request), **body.dict(exclude={"unit"}), unit_code=body.unit)
    return Status(201, {"id": activity.pk})


class EnrolIn(Schema):
    officer: Id


class ResultIn(Schema):
    result: str
    sessions_attended: Int64
    certificate_number: str = ""


@router.get("/personnel/courses/{pk}", response={200: dict, 403: ErrorOut, 404: ErrorOut}, auth=signed_in)
def course_detail(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """A course with the enrolments of the officers whose careers the caller may read."""
    course, enrolments = selectors.course_get(actor=_reader(request), course_id=pk)
    return {
        "id": course.pk,
        "title": course.title,
        "kind": course.kind,
        "mandatory_for": course.mandatory_for,
        "enrolments": [
            {
                "id": e.pk,
                "officer": e.officer_id,
                "unit": e.officer.unit.code,
                "result": e.result,
                "sessions_attended": e.sessions_attended,
                "certificate_number": e.certificate_number,
            }
            for e in enrolments
        ],
    }


@router.post(
    "/personnel/courses/{pk}/enrolments",
    response={201: dict, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=signed_in,
)
def course_enrol(request: HttpRequest, pk: Id, body: EnrolIn) -> Status[dict[str, Any]]:
    actor = _reader(request)
    course, _enrolments = selectors.course_get(actor=actor, course_id=pk)
    enrolment = training.enrol(
        actor=actor, course=course, officer=selectors.officer_get(actor=actor, officer_id=body.officer)
    )
    return Status(201, {"id": enrolment.pk})


@router.post(
    "/personnel/courses/{pk}/enrolments/{enrolment_id}/result",
    response={200: dict, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=signed_in,
)
def course_result(request: HttpRequest, pk: Id, enrolment_id: Id, body: ResultIn) -> dict[str, Any]:
    """Attendance (sessions attended), the result and the certificate's number."""
    actor = _reader(request)
    _course, enrolments = selectors.course_get(actor=actor, course_id=pk)
    enrolment = next((e for e in enrolments if e.pk == enrolment_id), None)
    if enrolment is None:
        raise NotFound()
    enrolment = training.enrolment_result(
        actor=actor,
        enrolment=enrolment,
        result=body.result,
        sessions_attended=body.sessions_attended,
        certificate_number=body.certificate_number,
    )
    return {"id": enrolment.pk, "result": enrolment.result}


class SessionIn(Schema):
    held_on: Date
    topic: str = ""


class AttendanceIn(Schema):
    present: list[Id]


@router.post(
    "/personnel/courses/{pk}/sessions",
    response={201: dict, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=signed_in,
)
def course_session_add(request: HttpRequest, pk: Id, body: SessionIn) -> Status[dict[str, Any]]:
    """A session of the course (on a day within its dates)."""
    actor = _reader(request)
    course, _enrolments = selectors.course_get(actor=actor, course_id=pk)
    session = training.session_add(actor=actor, course=course, held_on=body.held_on, topic=body.topic)
    return Status(201, {"id": session.pk, "held_on": session.held_on, "topic": session.topic})


@router.put(
    "/personnel/courses/{pk}/sessions/{session_id}/attendance",
    response={200: dict, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=signed_in,
)
def course_attendance_set(request: HttpRequest, pk: Id, session_id: Id, body: AttendanceIn) -> dict[str, Any]:
    """Who was present at the session: enrolment ids of the course (the others are absent)."""
    actor = _reader(request)
    course, _enrolments = selectors.course_get(actor=actor, course_id=pk)
    session = selectors.course_session_get(course=course, session_id=session_id)
    return {"id": session.pk, "present": training.attendance_set(actor=actor, session=session, present=body.present)}


@router.get("/personnel/activities", response={200: list[dict], 403: ErrorOut}, auth=signed_in)
def activity_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": a.pk,
            "kind": a.kind,
            "title": a.title,
            "unit": a.unit.code,
            "held_on": a.held_on,
            "participants": a.participants,
            "awards": a.awards,
            "issues_raised": a.issues_raised,
            "issues_resolved": a.issues_resolved,
        }
        for a in selectors.activity_list(actor=_reader(request))[:500]
    ]
