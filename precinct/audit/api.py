import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema

from precinct.audit.models import AuditEvent
from precinct.audit.selectors import audit_event_list
from precinct.core.api_support import signed_in
from precinct.core.errors import PermissionDenied
from precinct.organisation.permissions import can_view_audit

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    occurred_at: datetime.datetime
    actor_label: str
    unit_path: str
    action: str
    target_type: str
    target_id: str
    target_label: str
    before: dict | None
    after: dict | None
    request_id: str
    hash: str


class AuditFilter(Schema):
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    limit: int = 100


@router.get("/audit/events", response=list[AuditEventOut], auth=signed_in)
def audit_events(request: HttpRequest, filters: Query[AuditFilter]) -> list[AuditEvent]:
    """Newest first, at most `limit` (1–500), for units in the administrator's reach."""
    if not can_view_audit(request.user):
        raise PermissionDenied()
    limit = max(1, min(filters.limit, 500))
    events = audit_event_list(
        actor=request.user, action=filters.action, target_type=filters.target_type, target_id=filters.target_id
    )
    return list(events[:limit])
