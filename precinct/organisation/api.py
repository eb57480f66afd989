import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from precinct.audit.models import AuditEvent
from precinct.core.api_support import signed_in
from precinct.core.api_types import Id, Int64, Pagination
from precinct.core.errors import PermissionDenied
from precinct.core.openapi import declares
from precinct.organisation import selectors
from precinct.organisation.models import Officer, Unit
from precinct.organisation.permissions import can_view_audit, can_view_officers

router = Router(tags=["organisation"])


class UnitOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None
    path: str
    division_code: str
    address: str
    phone: str

    @staticmethod
    def resolve_parent(obj: Unit) -> str | None:
        return obj.parent.code if obj.parent_id and obj.parent else None


class UnitFilter(Schema):
    parent: str | None = None
    kind: str | None = None
    q: str = ""


class OfficerOut(Schema):
    id: int
    full_name: str
    rank: str
    rank_label: str
    position: str
    unit: str = Field(alias="unit.code")
    unit_name: str = Field(alias="unit.display_name")
    phone: str

    @staticmethod
    def resolve_rank_label(obj: Officer) -> str:
        return str(obj.get_rank_display())


@router.get("/units", response=list[UnitOut], auth=None, openapi_extra=declares(404))
@paginate(Pagination)
def unit_list(request: HttpRequest, filters: Query[UnitFilter]) -> QuerySet[Unit]:
    """The organisation chart (public). Filter by parent unit code, kind, or a name/code search.
    A page at a time (`limit` up to 500, `offset`); the answer is `{"items": [...], "count": N}`."""
    parent = selectors.unit_get(actor=request.user, code=filters.parent) if filters.parent else None
    return selectors.unit_list(actor=request.user, parent=parent, kind=filters.kind, q=filters.q)


@router.get("/units/{code}", response=UnitOut, auth=None)
def unit_detail(request: HttpRequest, code: str) -> Unit:
    return selectors.unit_get(actor=request.user, code=code)


@router.get("/officers", response=list[OfficerOut], auth=signed_in, openapi_extra=declares(404))
@paginate(Pagination)
def officer_list(request: HttpRequest, unit: str | None = None) -> QuerySet[Officer]:
    """Officers in the caller's reach (their roles' units and everything under them), a page at a time
    (`limit` up to 500, `offset`); the answer is `{"items": [...], "count": N}`."""
    if not can_view_officers(request.user):
        raise PermissionDenied()
    scope_unit = selectors.unit_get(actor=request.user, code=unit) if unit else None
    return selectors.officer_list(actor=request.user, unit=scope_unit)


@router.get("/officers/{officer_id}", response=OfficerOut, auth=signed_in)
def officer_detail(request: HttpRequest, officer_id: Id) -> Officer:
    if not can_view_officers(request.user):
        raise PermissionDenied()
    return selectors.officer_get(actor=request.user, officer_id=officer_id)


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
    limit: Int64 = 100  # clamped to 1–500 below


# The audit log read through the unit tree's scoping, so it is served here, above `audit`; its tag and
# operation id stay those it had when `audit` served it, so the published API does not change.
@router.get(
    "/audit/events",
    response=list[AuditEventOut],
    auth=signed_in,
    tags=["audit"],
    operation_id="precinct_audit_api_audit_events",
)
def audit_events(request: HttpRequest, filters: Query[AuditFilter]) -> list[AuditEvent]:
    """Newest first, at most `limit` (1–500), for units in the administrator's reach."""
    if not can_view_audit(request.user):
        raise PermissionDenied()
    limit = max(1, min(filters.limit, 500))
    events = selectors.audit_event_list(
        actor=request.user, action=filters.action, target_type=filters.target_type, target_id=filters.target_id
    )
    return list(events[:limit])
