import datetime
import json
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from precinct.core.api_support import ErrorOut, signed_in
from precinct.core.api_types import Date, Days, Id, Int64, Pagination
from precinct.core.calendar import calendar
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.core.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from precinct.core.input_guard import json_field_loads
from precinct.eservices import public, selectors, services
from precinct.eservices.cache import procedure_for_submission
from precinct.eservices.files import attachment_response
from precinct.eservices.models import Dossier, Procedure, ServiceField
from precinct.organisation.models import Role
from precinct.organisation.scoping import has_any_role
from precinct.organisation.selectors import unit_by_code

router = Router(tags=["online public services"])


class FieldOut(Schema):
    code: str
    name: str
    name_en: str


class ProcedureOut(Schema):
    """A procedure as its current version describes it (the catalogue only lists published ones)."""

    code: str
    version: int = Field(alias="current.number")
    name: str = Field(alias="current.name")
    name_en: str = Field(alias="current.name_en")
    field: str = Field(alias="current.field.code")
    level: str = Field(alias="current.level")
    receiving_department: str = Field(alias="current.receiving_department")
    deadline_days: int = Field(alias="current.deadline_days")
    fee_vnd: int = Field(alias="current.fee_vnd")
    is_sample: bool = Field(alias="current.is_sample")


class ProcedureDetailOut(ProcedureOut):
    required_documents: list[dict] = Field(alias="current.required_documents")
    guide: dict = Field(alias="current.guide")
    form_schema: dict = Field(alias="current.form_schema")
    cutoff: str
    if_submitted_now: dict

    @staticmethod
    def resolve_cutoff(obj: Procedure) -> str:
        assert obj.current is not None
        return obj.current.cutoff.strftime("%H:%M")

    @staticmethod
    def resolve_if_submitted_now(obj: Procedure) -> dict:
        from django.utils import timezone

        assert obj.current is not None
        received_on, due = calendar().due_date(timezone.now(), obj.current.deadline_days, cutoff=obj.current.cutoff)
        return {"received_on": received_on.isoformat(), "due_date": due.isoformat()}


class ProcedureFilter(Schema):
    q: str = ""
    field: str = ""
    level: str = ""


class EventOut(Schema):
    at: datetime.datetime
    action: str
    from_status: str
    to_status: str
    note: str
    data: dict


class AttachmentOut(Schema):
    id: int
    document: str
    original_name: str
    content_type: str
    size: int


class DossierOut(Schema):
    code: str
    procedure: str = Field(alias="version.procedure.code")
    procedure_version: int = Field(alias="version.number")
    procedure_name: str = Field(alias="version.display_name")
    status: str
    status_label: str
    unit: str = Field(alias="unit.code")
    unit_name: str = Field(alias="unit.display_name")
    applicant_name: str = Field(alias="applicant.full_name")
    submitted_at: datetime.datetime
    received_on: datetime.date
    due_date: datetime.date
    clock_paused: bool
    completed_at: datetime.datetime | None
    decision_note: str

    @staticmethod
    def resolve_status_label(obj: Dossier) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_clock_paused(obj: Dossier) -> bool:
        return obj.paused_days_left is not None


class DossierSubmittedOut(Schema):
    """The 201 of a submission: the same fields as DossierOut, filled from the objects the service has in
    hand (`submitted_summary`) instead of resolved alias by alias, on the busiest write of the API."""

    code: str
    procedure: str
    procedure_version: int
    procedure_name: str
    status: str
    status_label: str
    unit: str
    unit_name: str
    applicant_name: str
    submitted_at: datetime.datetime
    received_on: datetime.date
    due_date: datetime.date
    clock_paused: bool
    completed_at: datetime.datetime | None
    decision_note: str


def submitted_summary(dossier: Dossier) -> dict[str, Any]:
    version = dossier.version
    return {
        "code": dossier.code,
        "procedure": version.procedure.code,
        "procedure_version": version.number,
        "procedure_name": version.display_name,
        "status": dossier.status,
        "status_label": str(dossier.get_status_display()),
        "unit": dossier.unit.code,
        "unit_name": dossier.unit.display_name,
        "applicant_name": dossier.applicant.full_name,
        "submitted_at": dossier.submitted_at,
        "received_on": dossier.received_on,
        "due_date": dossier.due_date,
        "clock_paused": dossier.paused_days_left is not None,
        "completed_at": dossier.completed_at,
        "decision_note": dossier.decision_note,
    }


class DossierDetailOut(DossierOut):
    form_data: dict
    events: list[EventOut]
    attachments: list[AttachmentOut]
    allowed_actions: list[str]

    @staticmethod
    def resolve_events(obj: Dossier) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_attachments(obj: Dossier) -> list:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_allowed_actions(obj: Dossier, context: dict[str, Any]) -> list[str]:
        return services.allowed_actions(context["request"].user, obj)


class DossierFilter(Schema):
    status: str = ""
    procedure: str = ""
    field: str = ""
    due_within_days: Days | None = None
    overdue: bool = False
    q: str = ""


class ActionIn(Schema):
    note: str = ""
    target_unit: str = ""
    new_due_date: Date | None = None


class TransitionIn(ActionIn):
    action: str


class RatingIn(Schema):
    score: Int64  # 1–5: the service says so in its own words
    comment: str = ""


class RatingOut(Schema):
    score: int
    comment: str
    created_at: datetime.datetime


class RatingAverageOut(Schema):
    key: str
    name: str
    average: float
    count: int


SUBMIT_BODY = {
    "description": "JSON, or multipart when files are attached (then `data` is a JSON string and each file "
    "is a `files` part, named by the matching `documents` entry).",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["procedure_code", "data"],
                "properties": {
                    "procedure_code": {"type": "string"},
                    "unit_code": {"type": "string", "description": "the commune-level police (commune procedures)"},
                    "data": {"type": "object", "description": "the form's answers (the procedure's JSON Schema)"},
                },
            }
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["procedure_code", "data"],
                "properties": {
                    "procedure_code": {"type": "string"},
                    "unit_code": {"type": "string"},
                    "data": {"type": "string", "description": "JSON object"},
                    "documents": {"type": "array", "items": {"type": "string"}},
                    "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                },
            }
        },
    },
}


class PublicStatusOut(Schema):
    code: str
    status: str
    status_label: str
    due_date: datetime.date

    @staticmethod
    def resolve_status_label(obj: Dossier) -> str:
        return str(obj.get_status_display())


@router.get("/fields", response=list[FieldOut], auth=None)
def field_list(request: HttpRequest) -> QuerySet[ServiceField]:
    return selectors.field_list()


@router.get("/procedures", response=list[ProcedureOut], auth=None)
@paginate(Pagination)
def procedure_list(request: HttpRequest, filters: Query[ProcedureFilter]) -> QuerySet[Procedure]:
    """The catalogue. `q` searches code and names without regard to accents ('cu tru' finds 'cư trú')."""
    return selectors.procedure_list(q=filters.q, field=filters.field, level=filters.level)


@router.get("/procedures/{code}", response=ProcedureDetailOut, auth=None)
def procedure_detail(request: HttpRequest, code: str) -> Procedure:
    """A procedure's current version, with its form (JSON Schema) and the due date if submitted now."""
    return selectors.procedure_get(code=code)


def _uploads(documents: list[str], files: list[UploadedFile]) -> list[services.Upload]:
    names = documents + [""] * (len(files) - len(documents))
    return [services.Upload(document=name, file=f) for name, f in zip(names, files, strict=False)]


def _submission(request: HttpRequest) -> tuple[dict[str, Any], list[services.Upload]]:
    """The submission's fields from a JSON body or a multipart form (with files)."""
    not_object = ValidationFailed({"data": [_("The form data must be a JSON object.")]})
    if (request.content_type or "").startswith("application/json"):
        try:
            body = json.loads(request.body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValidationFailed({"body": [_("The request body is not valid JSON.")]}) from exc
        if not isinstance(body, dict):
            raise ValidationFailed({"body": [_("The request body must be a JSON object.")]})
        uploads: list[services.Upload] = []
    else:
        body = {key: request.POST.get(key, "") for key in ("procedure_code", "unit_code")}
        try:  # the same depth, text and number rules as a JSON body (core.input_guard)
            body["data"] = json_field_loads(request.POST.get("data") or "{}", field="data")
        except ValueError as exc:
            raise not_object from exc
        uploads = _uploads(request.POST.getlist("documents"), request.FILES.getlist("files"))
    if not isinstance(body.get("data", {}), dict):
        raise not_object
    if not isinstance(body.get("procedure_code"), str) or not body["procedure_code"]:
        raise ValidationFailed({"procedure_code": [_("This field is required.")]})
    return body, uploads


@router.post(
    "/dossiers",
    response={201: DossierSubmittedOut, 404: ErrorOut, 422: ErrorOut},
    auth=signed_in,
    openapi_extra={"requestBody": SUBMIT_BODY, "parameters": [IDEMPOTENCY_KEY_PARAMETER]},
)
@idempotent("eservices.dossier_submit")
def dossier_submit(request: HttpRequest, response: HttpResponse) -> Status[dict[str, Any]]:
    """Submit a dossier: `procedure_code`, `unit_code` (for commune-level procedures) and `data` (the form's
    answers). Answers 201 with the dossier's code, status, received_on and due_date; form answers that do
    not match the procedure's schema answer 422 naming each field. With an `Idempotency-Key` header, a retry
    with the same key and body answers the first answer again (header `Idempotent-Replayed: true`) without a
    second dossier (24 h)."""
    body, uploads = _submission(request)
    procedure = procedure_for_submission(body["procedure_code"])
    try:
        dossier = services.dossier_submit(
            actor=request.user,
            procedure=procedure,
            form_data=body.get("data") or {},
            unit_code=str(body.get("unit_code") or "") or None,
            uploads=uploads,
        )
    except ValidationFailed as exc:
        # Name fields as the caller sent them: `data.<answer>` (pages name them `form.<answer>`), `unit_code`.
        renamed = {"unit": "unit_code"}
        exc.fields = {
            ("data." + key[5:] if key.startswith("form.") else renamed.get(key, key)): value
            for key, value in exc.fields.items()
        }
        raise
    # A lean answer from the objects in hand; `GET /dossiers/{code}` gives history, files and actions.
    return Status(201, submitted_summary(dossier))


@router.get("/dossiers", response=list[DossierOut], auth=signed_in)
@paginate(Pagination)
def dossier_list(request: HttpRequest, filters: Query[DossierFilter]) -> QuerySet[Dossier]:
    """Officers: dossiers of the units in their reach. Citizens: their own."""
    return selectors.dossier_list(
        actor=request.user,
        status=filters.status,
        procedure=filters.procedure,
        field=filters.field,
        due_within=filters.due_within_days,
        overdue=filters.overdue,
        q=filters.q,
    )


@router.get("/dossiers/{code}", response=DossierDetailOut, auth=signed_in)
def dossier_detail(request: HttpRequest, code: str) -> Dossier:
    return selectors.dossier_get(actor=request.user, code=code)


@router.post(
    "/dossiers/{code}/actions/{action}", response={200: DossierDetailOut, 409: ErrorOut, 422: ErrorOut}, auth=signed_in
)
def dossier_action(request: HttpRequest, code: str, action: str, payload: ActionIn) -> Dossier:
    """Take a workflow action (see `allowed_actions` on the dossier). Refused with 409 when the dossier's
    state does not allow it, 403 when the caller may not take it."""
    dossier = selectors.dossier_get(actor=request.user, code=code)
    target = None
    if payload.target_unit:
        target = unit_by_code(payload.target_unit)
        if target is None:
            raise ValidationFailed({"target_unit": [_("There is no such unit.")]})
    return services.dossier_transition(
        actor=request.user,
        dossier=dossier,
        action=action,
        note=payload.note,
        target_unit=target,
        new_due_date=payload.new_due_date,
    )


@router.post(
    "/dossiers/{code}/transitions",
    response={200: DossierDetailOut, 409: ErrorOut, 422: ErrorOut},
    auth=signed_in,
)
def dossier_transition(request: HttpRequest, code: str, payload: TransitionIn) -> Dossier:
    """The same as `/actions/{action}`, with the action in the body: `{"action", "note", ...}`."""
    return dossier_action(request, code, payload.action, payload)


@router.post("/dossiers/{code}/rating", response={201: RatingOut, 409: ErrorOut, 422: ErrorOut}, auth=signed_in)
def dossier_rate(request: HttpRequest, code: str, payload: RatingIn) -> Status[Any]:
    """The applicant rates a finished dossier once: `score` 1–5 and an optional `comment`."""
    dossier = selectors.dossier_get(actor=request.user, code=code)
    return Status(
        201, services.dossier_rate(actor=request.user, dossier=dossier, score=payload.score, comment=payload.comment)
    )


@router.get("/ratings", response=list[RatingAverageOut], auth=signed_in)
def rating_averages(request: HttpRequest, by: str = "unit") -> list[dict[str, Any]]:
    """Average ratings by `unit`, `procedure` or `officer`, over the units the caller leads."""
    if by not in selectors.RATING_GROUPS:
        raise ValidationFailed({"by": [_("Choose one of the listed values.")]})
    if not has_any_role(request.user, (Role.LEADER, Role.ADMINISTRATOR)):
        raise PermissionDenied()
    return selectors.rating_averages(actor=request.user, by=by)


@router.get("/dossiers/{code}/attachments/{attachment_id}", auth=signed_in)
def dossier_attachment(request: HttpRequest, code: str, attachment_id: Id) -> FileResponse:
    return attachment_response(
        selectors.dossier_attachment_get(actor=request.user, code=code, attachment_id=attachment_id)
    )


@router.get("/public/dossiers/{code}", response={200: PublicStatusOut, 404: ErrorOut, 429: ErrorOut}, auth=None)
def public_lookup(request: HttpRequest, code: str, personal_id: str) -> Dossier:
    """Anyone may follow a dossier with its code and the applicant's personal identification number
    together: status and due date only. Wrong pairs answer 404 and are rate-limited."""
    return public.dossier_public_lookup(request=request, code=code, personal_id=personal_id)
