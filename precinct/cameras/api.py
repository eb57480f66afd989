"""The cameras' JSON API: the registry, the duty console's alerts, the household's own cameras and consent,
and the signed webhook recorders without MQTT post their Frigate events to."""

import datetime
import hashlib
import hmac
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status

from precinct.cameras import evidence, selectors, services
from precinct.cameras import uptime as uptime_of
from precinct.cameras.alert_detail import AlertDetail, alert_detail_get
from precinct.cameras.ingest import MAX_PAYLOAD_BYTES, Received, inbox_store
from precinct.cameras.models import Alert, Camera, Consent, ConsentScope, InboxState, Recorder, SnapshotState
from precinct.cameras.permissions import can_view_cameras, can_view_console
from precinct.core.api_support import signed_in
from precinct.core.api_types import Date, Days, Id
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.core.openapi import declares
from precinct.organisation.models import COMMUNE_LEVEL_KINDS
from precinct.organisation.selectors import unit_by_code

router = Router(tags=["cameras"])


class CameraOut(Schema):
    id: int
    code: str
    name: str
    owner_name: str
    latitude: Decimal
    longitude: Decimal
    zone: str
    unit_code: str
    recorder_id: int | None
    source_name: str
    status: str
    last_event_at: datetime.datetime | None

    @staticmethod
    def resolve_unit_code(obj: Camera) -> str:
        return obj.unit.code


class CameraIn(Schema):
    unit_code: str
    code: str
    name: str
    owner_name: str
    owner_phone: str = ""
    latitude: Decimal
    longitude: Decimal
    zone: str = ""
    recorder_id: Id | None = None
    source_name: str


class StatusIn(Schema):
    status: str


class ConsentIn(Schema):
    signed_on: Date
    scope: str = ConsentScope.EVENTS
    retention_days: Days = 30


class ConsentOut(Schema):
    id: int
    camera_code: str
    signed_on: datetime.date
    scope: str
    retention_days: int
    withdrawn_at: datetime.datetime | None

    @staticmethod
    def resolve_camera_code(obj: Consent) -> str:
        return obj.camera.code


class RecorderOut(Schema):
    id: int
    name: str
    owner_name: str
    mqtt_prefix: str | None
    http_base_url: str
    last_seen_at: datetime.datetime | None
    offline_alerted: bool


class AlertOut(Schema):
    id: int
    kind: str
    status: str
    raised_at: datetime.datetime
    camera_code: str | None
    recorder_name: str | None
    label: str | None
    score: Decimal | None
    note: str
    outcome: str
    escalated_at: datetime.datetime | None

    @staticmethod
    def resolve_camera_code(obj: Alert) -> str | None:
        return obj.camera.code if obj.camera else None

    @staticmethod
    def resolve_recorder_name(obj: Alert) -> str | None:
        return obj.recorder.name if obj.recorder else None

    @staticmethod
    def resolve_label(obj: Alert) -> str | None:
        return obj.detection.label if obj.detection else None

    @staticmethod
    def resolve_score(obj: Alert) -> Decimal | None:
        return obj.detection.score if obj.detection else None


class NoteIn(Schema):
    note: str = ""


class AcceptedOut(Schema):
    accepted: int


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


@router.get("/cameras", response=list[CameraOut], auth=signed_in)
def camera_list(request: HttpRequest, q: str = "") -> list[Camera]:
    """Cameras of the wards in the caller's reach, with their positions."""
    _require(can_view_cameras(request.user))
    return list(selectors.camera_list(actor=request.user, q=q[:64]))


@router.post("/cameras", response={201: CameraOut}, auth=signed_in)
def camera_register(request: HttpRequest, payload: CameraIn) -> Status:
    """Register a household's camera with a ward police in the caller's reach (officers, leaders, administrators)."""
    unit = unit_by_code(payload.unit_code, kinds=COMMUNE_LEVEL_KINDS)
    if unit is None:
        raise ValidationFailed({"unit_code": [_("No ward, commune or special-zone police has this code.")]})
    recorder = selectors.recorder_get(actor=request.user, pk=payload.recorder_id) if payload.recorder_id else None
    data = payload.dict(exclude={"unit_code", "recorder_id"})
    return Status(201, services.camera_register(actor=request.user, unit=unit, recorder=recorder, **data))


@router.get("/cameras/recorders", response=list[RecorderOut], auth=signed_in)
def recorder_list(request: HttpRequest) -> list[Recorder]:
    _require(can_view_cameras(request.user))
    return list(selectors.recorder_list(actor=request.user))


@router.get("/cameras/alerts", response=list[AlertOut], auth=signed_in)
def alert_list(request: HttpRequest, all: bool = False) -> list[Alert]:
    """The duty console's alerts (open ones unless `all`), newest first, for the wards in the caller's reach."""
    _require(can_view_console(request.user))
    return list(selectors.alert_list(actor=request.user, open_only=not all)[:200])


@router.post(
    "/cameras/alerts/{int:alert_id}/acknowledge", response=AlertOut, auth=signed_in, openapi_extra=declares(409)
)
def alert_acknowledge(request: HttpRequest, alert_id: Id) -> Alert:
    return services.alert_acknowledge(actor=request.user, alert=selectors.alert_get(actor=request.user, pk=alert_id))


@router.post("/cameras/alerts/{int:alert_id}/hand-on", response=AlertOut, auth=signed_in, openapi_extra=declares(409))
def alert_hand_on(request: HttpRequest, alert_id: Id, payload: NoteIn) -> Alert:
    """Hand the alert on as an incident or a crime report (`cameras.signals.camera_alert_handed_on`)."""
    alert = selectors.alert_get(actor=request.user, pk=alert_id)
    return services.alert_hand_on(actor=request.user, alert=alert, note=payload.note)


@router.post("/cameras/alerts/{int:alert_id}/dismiss", response=AlertOut, auth=signed_in, openapi_extra=declares(409))
def alert_dismiss(request: HttpRequest, alert_id: Id, payload: NoteIn) -> Alert:
    alert = selectors.alert_get(actor=request.user, pk=alert_id)
    return services.alert_dismiss(actor=request.user, alert=alert, note=payload.note)


@router.get("/cameras/mine", response=list[ConsentOut], auth=signed_in)
def own_consents(request: HttpRequest) -> list[Consent]:
    """The caller's own cameras' consents (a household)."""
    return [consent for camera in selectors.own_cameras(actor=request.user) for consent in camera.consents.all()]


@router.post(
    "/cameras/consents/{int:consent_id}/withdraw", response=ConsentOut, auth=signed_in, openapi_extra=declares(409)
)
def consent_withdraw(request: HttpRequest, consent_id: Id) -> Consent:
    """The owner withdraws consent: the camera's later events are refused."""
    consent = selectors.own_consent_get(actor=request.user, pk=consent_id)
    return services.consent_withdraw(actor=request.user, consent=consent)


@router.get("/cameras/{int:camera_id}", response=CameraOut, auth=signed_in)
def camera_detail(request: HttpRequest, camera_id: Id) -> Camera:
    _require(can_view_cameras(request.user))
    return selectors.camera_get(actor=request.user, pk=camera_id)


@router.post("/cameras/{int:camera_id}/status", response=CameraOut, auth=signed_in, openapi_extra=declares(409))
def camera_status(request: HttpRequest, camera_id: Id, payload: StatusIn) -> Camera:
    camera = selectors.camera_get(actor=request.user, pk=camera_id)
    return services.camera_set_status(actor=request.user, camera=camera, status=payload.status)


@router.post("/cameras/{int:camera_id}/consents", response={201: ConsentOut}, auth=signed_in)
def consent_record(request: HttpRequest, camera_id: Id, payload: ConsentIn) -> Status:
    """Record the household's signed consent (the signed form is uploaded on the camera's page)."""
    camera = selectors.camera_get(actor=request.user, pk=camera_id)
    return Status(201, services.consent_record(actor=request.user, camera=camera, **payload.dict()))


def _signed_recorder(request: HttpRequest) -> Recorder:
    """The recorder named by `X-Recorder-Id` whose secret signs the body: `X-Signature: sha256=<hex HMAC>`."""
    refused = DomainError("bad_signature", _("The signature is missing or wrong."), status=401)
    try:
        recorder_id = int(request.headers.get("X-Recorder-Id", ""))
    except ValueError:
        raise refused from None
    recorder = Recorder.objects.filter(pk=recorder_id).exclude(webhook_secret="").first()
    given = request.headers.get("X-Signature", "").removeprefix("sha256=")
    if recorder is None:
        raise refused
    expected = hmac.new(recorder.webhook_secret.encode(), request.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given, expected):
        raise refused
    return recorder


@router.post("/cameras/events", response={202: AcceptedOut}, auth=None, openapi_extra=declares(401, 413))
def webhook_event(request: HttpRequest) -> Status:
    """For recorders without MQTT: the body is one Frigate `events` message (JSON), signed with the recorder's
    webhook secret. Stored in the inbox as the listener would; a repeat is ignored; 202 once stored."""
    if len(request.body) > MAX_PAYLOAD_BYTES:
        raise DomainError("too_large", _("The message is too large."), status=413)
    recorder = _signed_recorder(request)
    topic = f"{recorder.mqtt_prefix or f'webhook-{recorder.pk}'}/events"
    stored = inbox_store([Received(topic=topic, body=request.body, received_at=timezone.now())], recorder=recorder)
    if stored[0].state == InboxState.REFUSED:  # kept (and counted) as refused; the sender is told why
        raise DomainError("malformed", _("The message is not a Frigate event in JSON."), status=400)
    return Status(202, {"accepted": 1})


# The alert's detail, dispatch ("4 on-site"), outcome and notes (docs/adr/0037).


class SnapshotOut(Schema):
    state: str
    sha256: str
    size: int | None
    content_type: str
    fetched_at: datetime.datetime | None
    deleted_at: datetime.datetime | None
    url: str | None  # the image, through the audited endpoint, while it is stored


class DispatchOut(Schema):
    officers: list[str]
    commander: str
    means: str
    logistics: str
    dispatched_at: datetime.datetime


class EntryOut(Schema):
    kind: str
    at: datetime.datetime
    actor: str | None
    text: str


class AlertDetailOut(Schema):
    id: int
    kind: str
    status: str
    raised_at: datetime.datetime
    camera_code: str | None
    recorder_name: str | None
    label: str | None
    score: Decimal | None
    note: str
    outcome: str
    escalated_at: datetime.datetime | None
    unit_code: str
    zones: list[str]
    rule_name: str | None
    acknowledged_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    crime_report_ref: str
    clip_url: str
    snapshot: SnapshotOut | None
    dispatches: list[DispatchOut]
    timeline: list[EntryOut]


def _detail_out(detail: AlertDetail) -> dict:
    alert, snapshot = detail.alert, detail.snapshot
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "status": alert.status,
        "raised_at": alert.raised_at,
        "camera_code": alert.camera.code if alert.camera else None,
        "recorder_name": alert.recorder.name if alert.recorder else None,
        "label": alert.detection.label if alert.detection else None,
        "score": alert.detection.score if alert.detection else None,
        "note": alert.note,
        "outcome": alert.outcome,
        "escalated_at": alert.escalated_at,
        "unit_code": alert.unit.code,
        "zones": alert.event.zones if alert.event else [],
        "rule_name": alert.rule.name if alert.rule else None,
        "acknowledged_at": alert.acknowledged_at,
        "closed_at": alert.closed_at,
        "crime_report_ref": alert.crime_report_ref,
        "clip_url": alert.clip_url,
        "snapshot": None
        if snapshot is None
        else {
            "state": snapshot.state,
            "sha256": snapshot.sha256,
            "size": snapshot.size,
            "content_type": snapshot.content_type,
            "fetched_at": snapshot.fetched_at,
            "deleted_at": snapshot.deleted_at,
            "url": f"/api/v1/cameras/alerts/{alert.pk}/snapshot" if snapshot.state == SnapshotState.STORED else None,
        },
        "dispatches": [
            {
                "officers": [officer.full_name for officer in dispatch.officers.all()],
                "commander": dispatch.commander.full_name,
                "means": dispatch.means,
                "logistics": dispatch.logistics,
                "dispatched_at": dispatch.dispatched_at,
            }
            for dispatch in detail.dispatches
        ],
        "timeline": [
            {
                "kind": entry.kind,
                "at": entry.at,
                "actor": entry.actor.get_username() if entry.actor else None,
                "text": entry.text,
            }
            for entry in detail.timeline
        ],
    }


class DispatchIn(Schema):
    officer_ids: list[Id]
    commander_id: Id
    means: str
    logistics: str = ""


class CloseIn(Schema):
    outcome: str
    note: str = ""
    crime_report_ref: str = ""


class NoteTextIn(Schema):
    text: str


def _console_alert(request: HttpRequest, alert_id: int) -> Alert:
    _require(can_view_console(request.user))
    return selectors.alert_get(actor=request.user, pk=alert_id)


@router.get("/cameras/alerts/{int:alert_id}", response=AlertDetailOut, auth=signed_in)
def alert_detail(request: HttpRequest, alert_id: Id) -> dict:
    """One alert with its event, camera, rule, clip link on the recorder, snapshot (hash, size, type, state),
    dispatches and timeline."""
    _require(can_view_console(request.user))
    return _detail_out(alert_detail_get(actor=request.user, pk=alert_id))


@router.get(
    "/cameras/alerts/{int:alert_id}/snapshot",
    auth=signed_in,
    response={200: None},
    openapi_extra={"responses": {"200": {"description": "The snapshot (JPEG or PNG)", "content": {"image/jpeg": {}}}}},
)
def alert_snapshot(request: HttpRequest, alert_id: Id) -> HttpResponse:
    """The alert's snapshot; every view is audited."""
    alert = _console_alert(request, alert_id)
    body, content_type = evidence.snapshot_open(actor=request.user, alert=alert)
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    return response


@router.post(
    "/cameras/alerts/{int:alert_id}/dispatch",
    response={201: AlertDetailOut},
    auth=signed_in,
    openapi_extra=declares(409),
)
def alert_dispatch(request: HttpRequest, alert_id: Id, payload: DispatchIn) -> Status:
    """ "4 on-site": the officers of the alert's ward who go, who commands, with what means and logistics.
    Dispatching a new alert acknowledges it; a closed alert answers 409."""
    alert = _console_alert(request, alert_id)
    services.alert_dispatch(actor=request.user, alert=alert, **payload.dict())
    return Status(201, _detail_out(alert_detail_get(actor=request.user, pk=alert.pk)))


@router.post(
    "/cameras/alerts/{int:alert_id}/close", response=AlertDetailOut, auth=signed_in, openapi_extra=declares(409)
)
def alert_close(request: HttpRequest, alert_id: Id, payload: CloseIn) -> dict:
    """Close with an outcome: `false_alarm` (a note says why), `resolved` (on site; forces were dispatched),
    `incident` (handed on: an incident is opened), `crime_report` (with `crime_report_ref`)."""
    alert = _console_alert(request, alert_id)
    services.alert_close(actor=request.user, alert=alert, **payload.dict())
    return _detail_out(alert_detail_get(actor=request.user, pk=alert.pk))


@router.post("/cameras/alerts/{int:alert_id}/notes", response={201: AlertDetailOut}, auth=signed_in)
def alert_note(request: HttpRequest, alert_id: Id, payload: NoteTextIn) -> Status:
    """Append a note to the alert's timeline (notes are never edited)."""
    alert = _console_alert(request, alert_id)
    services.alert_note_add(actor=request.user, alert=alert, text=payload.text)
    return Status(201, _detail_out(alert_detail_get(actor=request.user, pk=alert.pk)))


class UptimeOut(Schema):
    camera_id: int
    camera_code: str
    unit_code: str
    month: str
    counted_seconds: int
    down_seconds: int
    outages: int
    percent: Decimal | None


@router.get("/cameras/uptime", response=list[UptimeOut], auth=signed_in, openapi_extra=declares(422))
def camera_uptime(request: HttpRequest, month: str = "") -> list[dict]:
    """Uptime per camera for a month (`YYYY-MM`, default the current one: its elapsed part), for the cameras
    in the caller's reach. Down: the camera's own status offline/disabled, or its recorder offline."""
    _require(can_view_cameras(request.user))
    first = uptime_of.month_parse(month[:20])
    return [
        {
            "camera_id": row.camera.pk,
            "camera_code": row.camera.code,
            "unit_code": row.camera.unit.code,
            "month": f"{first:%Y-%m}",
            "counted_seconds": row.counted_seconds,
            "down_seconds": row.down_seconds,
            "outages": row.outages,
            "percent": row.percent,
        }
        for row in uptime_of.uptime_list(actor=request.user, month=first)
    ]
