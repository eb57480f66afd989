import datetime
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from precinct.core.api_support import signed_in
from precinct.core.api_types import Id, Pagination
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.core.openapi import declares
from precinct.portalsync import selectors, services
from precinct.portalsync.mapping import PORTAL_STATUS_LABELS
from precinct.portalsync.models import OutboxEvent, OutboxState
from precinct.portalsync.permissions import can_view_portal_sync

router = Router(tags=["national portal sync"])


class OutboxEventOut(Schema):
    id: int
    key: uuid.UUID
    dossier_code: str
    action: str
    status: str
    portal_status: str
    portal_status_label: str
    state: str
    attempts: int
    created_at: datetime.datetime
    next_attempt_at: datetime.datetime
    delivered_at: datetime.datetime | None
    last_http_status: int | None
    last_error: str
    payload: dict

    @staticmethod
    def resolve_portal_status(obj: OutboxEvent) -> str:
        return str(obj.payload.get("TrangThaiHoSo", ""))

    @staticmethod
    def resolve_portal_status_label(obj: OutboxEvent) -> str:
        return PORTAL_STATUS_LABELS.get(str(obj.payload.get("TrangThaiHoSo", "")), "")


class OutboxFilter(Schema):
    state: str = OutboxState.DEAD
    q: str = ""


class DiscardIn(Schema):
    reason: str = ""


class SyncStatusOut(Schema):
    enabled: bool
    endpoint_host: str
    max_attempts: int
    pending: int
    dead: int


def _require_viewer(request: HttpRequest) -> None:
    if not can_view_portal_sync(request.user):
        raise PermissionDenied()


@router.get("/portal-sync/status", response=SyncStatusOut, auth=signed_in)
def sync_status(request: HttpRequest) -> dict:
    """Whether delivery is on, and how many events of the caller's units wait or failed."""
    _require_viewer(request)
    counts = selectors.outbox_counts(actor=request.user)
    return {
        "enabled": bool(settings.PORTAL_SYNC_URL),
        "endpoint_host": urlsplit(settings.PORTAL_SYNC_URL).hostname or "",
        "max_attempts": settings.PORTAL_SYNC_MAX_ATTEMPTS,
        "pending": counts[OutboxState.PENDING],
        "dead": counts[OutboxState.DEAD],
    }


@router.get("/portal-sync/events", response=list[OutboxEventOut], auth=signed_in)
@paginate(Pagination)
def event_list(request: HttpRequest, filters: Query[OutboxFilter]) -> QuerySet[OutboxEvent]:
    """Events for the national portal, newest first. By default the dead letters (events that exhausted
    their attempts or were refused for good); `state` = pending, delivered, dead, discarded, or empty for all.
    Administrators only, for dossiers of units in their reach."""
    _require_viewer(request)
    if filters.state and filters.state not in OutboxState.values:
        raise ValidationFailed({"state": [_("Choose one of the listed values.")]})
    return selectors.outbox_list(actor=request.user, state=filters.state, q=filters.q[:64])


@router.get("/portal-sync/events/{event_id}", response=OutboxEventOut, auth=signed_in)
def event_detail(request: HttpRequest, event_id: Id) -> OutboxEvent:
    _require_viewer(request)
    return selectors.outbox_get(actor=request.user, pk=event_id)


class RetriedOut(Schema):
    retried: int


@router.post("/portal-sync/retry-dead", response=RetriedOut, auth=signed_in)
def event_retry_all(request: HttpRequest) -> dict:
    """After an outage: send every dead letter in the caller's reach again (at most 500 per call)."""
    _require_viewer(request)
    return {"retried": services.outbox_retry_all(actor=request.user)}


@router.post(
    "/portal-sync/events/{event_id}/retry", response=OutboxEventOut, auth=signed_in, openapi_extra=declares(409)
)
def event_retry(request: HttpRequest, event_id: Id) -> OutboxEvent:
    """Send a dead letter again (its attempts start over). 409 unless the event is a dead letter."""
    _require_viewer(request)
    return services.outbox_retry(actor=request.user, event=selectors.outbox_get(actor=request.user, pk=event_id))


@router.post(
    "/portal-sync/events/{event_id}/discard", response=OutboxEventOut, auth=signed_in, openapi_extra=declares(409)
)
def event_discard(request: HttpRequest, event_id: Id, payload: DiscardIn) -> OutboxEvent:
    """Give up on a dead letter, with a `reason` (required); the dossier's later events then go out."""
    _require_viewer(request)
    return services.outbox_discard(
        actor=request.user, event=selectors.outbox_get(actor=request.user, pk=event_id), reason=payload.reason
    )
