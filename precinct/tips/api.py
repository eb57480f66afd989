"""The crime-reporting API: anonymous filing and follow-up (each POST with a solved challenge), and
the officers' side, scoped like everything else."""

import datetime
import json
from typing import Any

from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from pydantic import ValidationError

from precinct.core.actors import Actor
from precinct.core.api_support import ErrorOut, signed_in
from precinct.core.api_types import Date, DateTime, Id, Int64
from precinct.core.calendar import LOCAL_TZ
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.organisation.selectors import unit_by_code
from precinct.tips import abuse, files, receipt, selectors
from precinct.tips.models import Tip
from precinct.tips.permissions import can_set_policy, can_view_figures, can_view_tips
from precinct.tips.services import followup, handling, reading, retention, submission

router = Router(tags=["crime reports"])

NO_STORE = "no-store"


class ChallengeOut(Schema):
    id: str
    difficulty: int


class Solved(Schema):
    challenge_id: str = ""  # or the X-Challenge-Id / X-Challenge-Nonce headers (required for multipart)
    nonce: str = ""


class TipIn(Solved):
    category: str
    description: str
    ward: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    occurred_at: DateTime | None = None
    people: str = ""
    vehicles: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    identified: bool = False


class FiledOut(Schema):
    reference: str
    receipt: str
    filed_at: datetime.datetime
    status: str
    proof_token: str


class FollowupIn(Solved):
    receipt: str


class FollowupMessageIn(FollowupIn):
    body: str = ""


class ProofIn(Schema):
    token: str


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = NO_STORE
    return response


class _InMemoryUploads(MemoryFileUploadHandler):
    """Reporters' files stay in memory, whatever their size: Django would otherwise write uploads over
    2.5 MB to a temporary file in plaintext. The request's size is capped before anything is read."""

    def handle_raw_input(self, *args: Any, **kwargs: Any) -> None:
        self.activated = True


MAX_REQUEST_BYTES = files.MAX_TOTAL_BYTES + 1024 * 1024


CHALLENGE_HEADER, NONCE_HEADER = "X-Challenge-Id", "X-Challenge-Nonce"


def _challenge_first(request: HttpRequest) -> bool:
    """Redeem the challenge sent in the headers before the body is read (so no file is read, nothing is
    parsed and no Argon2id runs for a request without one). Multipart bodies must send it there; JSON may
    still send it in the body (small: see core.request_limits). True when redeemed here."""
    challenge_id = request.headers.get(CHALLENGE_HEADER)
    if challenge_id is not None:
        abuse.challenge_redeem(challenge_id, request.headers.get(NONCE_HEADER, ""))
        return True
    if request.content_type == "multipart/form-data":
        raise ValidationFailed(
            {"challenge_id": [_("Send the solved challenge in the X-Challenge-Id and X-Challenge-Nonce headers.")]},
            _("Solve a new challenge and send again."),
        )
    return False


def _body(request: HttpRequest) -> tuple[dict[str, Any], list[Any]]:
    """JSON, or a multipart form (with `files`); empty form values count as absent."""
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES:
            raise ValidationFailed({"files": [_("All files together must be at most 50 MB.")]})
        request.upload_handlers = [_InMemoryUploads(request)]
        data = {k: v for k, v in request.POST.items() if v != ""}
        return data, request.FILES.getlist("files")
    try:
        data = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationFailed({"__all__": [_("The request body is not valid JSON.")]}) from exc
    if not isinstance(data, dict):
        raise ValidationFailed({"__all__": [_("The request body is not valid JSON.")]})
    return data, []


def _parse[S: Schema](schema: type[S], data: dict[str, Any]) -> S:
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise NinjaValidationError(list(exc.errors())) from exc  # type: ignore[arg-type]


def _reporter(request: HttpRequest, identified: bool) -> Actor:
    """A signed-in citizen (session or bearer token) may file an identified report; others are anonymous.
    With the browser session, an identified report also needs the CSRF token (the page sends it)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        from precinct.accounts.services import api_token_user

        return api_token_user(header[7:].strip())
    if identified and request.user.is_authenticated:
        from django.middleware.csrf import CsrfViewMiddleware

        def view(request: HttpRequest) -> HttpResponse:
            return HttpResponse()

        refused = CsrfViewMiddleware(view).process_view(request, view, (), {})
        if refused is not None:
            raise PermissionDenied(_("Reload the page and send again (the form's security token is missing)."))
    return request.user


def _body_schema(schema: type[Schema], with_files: bool) -> dict[str, Any]:
    json_schema = schema.model_json_schema()
    content: dict[str, Any] = {"application/json": {"schema": json_schema}}
    if with_files:
        form = json.loads(json.dumps(json_schema))
        form["properties"]["files"] = {"type": "array", "items": {"type": "string", "format": "binary"}}
        content["multipart/form-data"] = {"schema": form}
    return {"requestBody": {"required": True, "content": content}}


@router.get("/tips/challenge", response=ChallengeOut, auth=None)
def challenge(request: HttpRequest, response: HttpResponse) -> dict[str, Any]:
    """A single-use proof-of-work challenge: find `nonce` such that SHA-256(`id` + `nonce`) has at least
    `difficulty` leading zero bits, then send both with the POST."""
    response["Cache-Control"] = NO_STORE
    return abuse.challenge_issue()


@router.post(
    "/tips",
    response={201: FiledOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    openapi_extra=_body_schema(TipIn, with_files=True),
)
def tip_submit(request: HttpRequest, response: HttpResponse) -> Status[dict[str, Any]]:
    """File a report, anonymously or (signed in as a citizen, `identified: true`) with your identity.
    JSON, or multipart/form-data with the same fields plus `files` (at most 5, 20 MB each). The answer's
    `receipt` (16 digits) is shown once and never again: keep it to follow the report up.
    `occurred_at` without a time zone is read as Vietnam's time. The solved challenge goes in the
    `X-Challenge-Id` and `X-Challenge-Nonce` headers (multipart: only there) or, with JSON, in the body."""
    redeemed = _challenge_first(request)
    data, uploads = _body(request)
    payload = _parse(TipIn, data)
    if not redeemed:
        abuse.challenge_redeem(payload.challenge_id, payload.nonce)
    occurred = payload.occurred_at
    if occurred is not None and timezone.is_naive(occurred):
        occurred = occurred.replace(tzinfo=LOCAL_TZ)
    filed = submission.tip_submit(
        actor=_reporter(request, payload.identified),
        report=submission.Report(
            category=payload.category,
            description=payload.description,
            ward=payload.ward,
            address=payload.address,
            latitude=payload.latitude,
            longitude=payload.longitude,
            occurred_at=occurred,
            people=payload.people,
            vehicles=payload.vehicles,
            contact_name=payload.contact_name,
            contact_phone=payload.contact_phone,
            contact_email=payload.contact_email,
            identified=payload.identified,
            uploads=uploads,
        ),
    )
    response["Cache-Control"] = NO_STORE
    return Status(
        201,
        {
            "reference": filed.tip.reference,
            "receipt": filed.receipt,
            "filed_at": filed.tip.filed_at,
            "status": filed.tip.status,
            "proof_token": receipt.proof_token(filed.tip),
        },
    )


@router.post("/tips/proof", auth=None, response={200: None, 422: ErrorOut})
def tip_proof(request: HttpRequest, payload: ProofIn) -> HttpResponse:
    """The proof-of-filing PDF, for the `proof_token` given with the receipt (valid for a day). It carries
    the reference, the time of filing and a verification code, nothing of the report."""
    reference, filed_at = receipt.proof_from_token(payload.token)
    response = HttpResponse(receipt.proof_pdf(reference, filed_at), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="proof-{reference}.pdf"'
    return _no_store(response)


class FollowupOut(Schema):
    reference: str
    category: str
    category_label: str
    filed_at: datetime.datetime
    status: str
    status_label: str
    outcome: str
    outcome_label: str
    messages: list[dict]


@router.post(
    "/tips/followup", response={200: FollowupOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}, auth=None
)
def tip_followup(request: HttpRequest, response: HttpResponse, payload: FollowupIn) -> dict[str, Any]:
    """Status and messages of the report, for the holder of its receipt (in the body, never in a URL).
    Wrong receipts are slowed down and counted; too many pause follow-up for a while."""
    abuse.challenge_redeem(payload.challenge_id, payload.nonce)
    tip, key = followup.tip_open_by_receipt(payload.receipt)
    response["Cache-Control"] = NO_STORE
    return followup.reporter_view(tip, key)


@router.post(
    "/tips/followup/messages",
    response={201: FollowupOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    openapi_extra=_body_schema(FollowupMessageIn, with_files=True),
)
def tip_followup_message(request: HttpRequest, response: HttpResponse) -> Status[dict[str, Any]]:
    """Add information to the report: `body` and/or `files` (multipart, the challenge in the headers as for
    POST /tips). Answers like /tips/followup."""
    redeemed = _challenge_first(request)
    data, uploads = _body(request)
    payload = _parse(FollowupMessageIn, data)
    if not redeemed:
        abuse.challenge_redeem(payload.challenge_id, payload.nonce)
    tip, key = followup.tip_reporter_message(receipt=payload.receipt, body=payload.body, uploads=uploads)
    response["Cache-Control"] = NO_STORE
    return Status(201, followup.reporter_view(tip, key))


# --- officers ------------------------------------------------------------------------------------


class TipOut(Schema):
    id: int
    reference: str
    category: str
    category_label: str
    ward: str | None
    unit: str
    status: str
    status_label: str
    outcome: str
    priority: int
    filed_at: datetime.datetime
    occurred_at: datetime.datetime | None
    age_days: int
    first_response_at: datetime.datetime | None
    retain_until: datetime.date
    expired: bool

    @staticmethod
    def resolve_category_label(obj: Tip) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_status_label(obj: Tip) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_ward(obj: Tip) -> str | None:
        return obj.place.code if obj.place else None

    @staticmethod
    def resolve_unit(obj: Tip) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_age_days(obj: Tip) -> int:
        return (timezone.now() - obj.filed_at).days

    @staticmethod
    def resolve_expired(obj: Tip) -> bool:
        return obj.is_purged


class TipFilter(Schema):
    status: str = ""
    category: str = ""
    ward: str = ""
    priority: Int64 | None = None
    q: str = ""


def _officer_detail(request: HttpRequest, tip: Tip) -> dict[str, Any]:
    content = reading.tip_read(actor=request.user, tip=tip)
    base = TipOut.model_validate(tip).model_dump()
    return base | {
        "content": content.data,
        "messages": [{"kind": m.kind, "author": m.author, "at": m.at, "body": m.body} for m in content.messages],
        "attachments": [a.__dict__ for a in content.attachments],
    }


@router.get("/tips", response=list[TipOut], auth=signed_in)
def tip_list(request: HttpRequest, filters: Query[TipFilter]) -> Any:
    """The queue of reports received by the units in the caller's reach (no content)."""
    if not can_view_tips(request.user):
        raise PermissionDenied()
    return selectors.tip_list(
        actor=request.user,
        status=filters.status,
        category=filters.category,
        ward=filters.ward,
        priority=filters.priority,
        q=filters.q,
    )[:500]


@router.get("/tips/figures", auth=signed_in)
def tip_figures(request: HttpRequest, since: Date | None = None) -> dict[str, Any]:
    """Leaders: reports by category, unit, ward and month, outcomes and time to first response."""
    if not can_view_figures(request.user):
        raise PermissionDenied()
    return selectors.tip_figures(actor=request.user, since=since)


class PolicyIn(Schema):
    retention_days: Int64


@router.put("/tips/policy", auth=signed_in, response={200: PolicyIn, 403: ErrorOut, 422: ErrorOut})
def tip_policy(request: HttpRequest, payload: PolicyIn) -> dict[str, int]:
    """Administrators: how long new reports are kept by default (days)."""
    if not can_set_policy(request.user):
        raise PermissionDenied()
    policy = retention.policy_set(actor=request.user, retention_days=payload.retention_days)
    return {"retention_days": policy.retention_days}


@router.get("/tips/{int:tip_id}", auth=signed_in)
def tip_detail(request: HttpRequest, tip_id: Id) -> dict[str, Any]:
    """A report with its content, messages, notes and files (the read is audited)."""
    return _officer_detail(request, selectors.tip_get(actor=request.user, tip_id=tip_id))


class BodyIn(Schema):
    body: str


@router.post(
    "/tips/{int:tip_id}/messages", auth=signed_in, response={201: dict, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut}
)
def tip_message(request: HttpRequest, tip_id: Id, payload: BodyIn) -> Status[dict[str, Any]]:
    """Answer the reporter (they see it on follow-up)."""
    tip = selectors.tip_get(actor=request.user, tip_id=tip_id)
    handling.tip_message_send(actor=request.user, tip=tip, body=payload.body)
    return Status(201, _officer_detail(request, tip))


@router.post(
    "/tips/{int:tip_id}/notes", auth=signed_in, response={201: dict, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut}
)
def tip_note(request: HttpRequest, tip_id: Id, payload: BodyIn) -> Status[dict[str, Any]]:
    """An internal note between officers; the reporter never sees it."""
    tip = selectors.tip_get(actor=request.user, tip_id=tip_id)
    handling.tip_message_send(actor=request.user, tip=tip, body=payload.body, internal=True)
    return Status(201, _officer_detail(request, tip))


class TransitionIn(Schema):
    status: str
    outcome: str = ""
    note: str = ""
    case_summary: str = ""  # referring only: what the officer copies into the case
    case_reference: str = ""  # referring only: an existing case to join


@router.post("/tips/{int:tip_id}/status", auth=signed_in, response={200: TipOut, 409: ErrorOut, 422: ErrorOut})
def tip_status(request: HttpRequest, tip_id: Id, payload: TransitionIn) -> Tip:
    """new → triage → investigating → referred → closed (closing needs `outcome`: verified, insufficient,
    false, duplicate)."""
    tip = selectors.tip_get(actor=request.user, tip_id=tip_id)
    return handling.tip_transition(
        actor=request.user,
        tip=tip,
        status=payload.status,
        outcome=payload.outcome,
        note=payload.note,
        case_summary=payload.case_summary,
        case_reference=payload.case_reference,
    )


class PriorityIn(Schema):
    priority: Int64


@router.post("/tips/{int:tip_id}/priority", auth=signed_in, response={200: TipOut, 409: ErrorOut, 422: ErrorOut})
def tip_priority(request: HttpRequest, tip_id: Id, payload: PriorityIn) -> Tip:
    tip = selectors.tip_get(actor=request.user, tip_id=tip_id)
    return handling.tip_priority_set(actor=request.user, tip=tip, priority=payload.priority)


class ReassignIn(Schema):
    unit: str


@router.post(
    "/tips/{int:tip_id}/reassign", auth=signed_in, response={200: TipOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut}
)
def tip_reassign(request: HttpRequest, tip_id: Id, payload: ReassignIn) -> Tip:
    """Duty officers: send the report to another ward's police (unit code) or the province's duty desk."""
    tip = selectors.tip_get(actor=request.user, tip_id=tip_id)
    unit = unit_by_code(payload.unit)
    if unit is None:
        raise ValidationFailed({"unit": [_("There is no such unit.")]})
    return handling.tip_reassign(actor=request.user, tip=tip, unit=unit)


class RetentionIn(Schema):
    until: Date


@router.post(
    "/tips/{int:tip_id}/retention", auth=signed_in, response={200: TipOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut}
)
def tip_retention(request: HttpRequest, tip_id: Id, payload: RetentionIn) -> Tip:
    """Leaders: keep the report until a later date."""
    tip = selectors.tip_get(actor=request.user, tip_id=tip_id)
    return retention.tip_retention_extend(actor=request.user, tip=tip, until=payload.until)


@router.get("/tips/{int:tip_id}/duplicates", auth=signed_in)
def tip_duplicates(request: HttpRequest, tip_id: Id) -> list[dict[str, Any]]:
    """Possible duplicates with the reasons (same ward and time, same phone or plate, similar text)."""
    tip = selectors.tip_get(actor=request.user, tip_id=tip_id)
    content = reading.tip_read(actor=request.user, tip=tip)
    return [
        {"id": p.tip.pk, "reference": p.tip.reference, "reasons": p.reasons, "similarity": round(p.similarity, 2)}
        for p in reading.tip_duplicates(actor=request.user, tip=tip, content=content)
    ]


@router.get("/tips/{int:tip_id}/files/{int:attachment_id}", auth=signed_in)
def tip_file(request: HttpRequest, tip_id: Id, attachment_id: Id) -> HttpResponse:
    """A file as received (evidence; its SHA-256 in `X-Content-SHA256`) or its metadata-free copy."""
    tip = selectors.tip_get(actor=request.user, tip_id=tip_id)
    item = reading.tip_file_read(actor=request.user, tip=tip, attachment_id=attachment_id)
    response = HttpResponse(item.data, content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="{_safe_name(item.name)}"'
    response["X-Content-SHA256"] = item.sha256
    return _no_store(response)


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:100] or "file"
