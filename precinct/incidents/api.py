"""The incident register over HTTP: list, record, read, classify, move; the duty log; crime statistics."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from precinct.core.api_support import ErrorOut, signed_in
from precinct.core.api_types import Date, DateTime, Id, Int64, Limit, Offset
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.core.replica import reads_from_replica
from precinct.incidents import penal_code, selectors, services
from precinct.incidents.models import Incident
from precinct.incidents.permissions import can_view_incidents
from precinct.incidents.selectors import CrimeStats
from precinct.organisation.selectors import unit_by_code

router = Router(tags=["incidents"])


class IncidentOut(Schema):
    id: int
    reference: str
    source: str
    status: str
    classification: str
    article: str
    crime_group: str
    priority: int
    unit: str = Field(..., alias="unit.code")
    occurred_at: datetime.datetime | None
    received_at: datetime.datetime
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    description: str
    case_number: str
    case_opened_on: datetime.date | None
    investigating_unit: str | None = Field(None, alias="investigating_unit.code")
    from_reports: list[str]
    from_camera_alerts: list[int]

    @staticmethod
    def resolve_from_reports(obj: Incident) -> list[str]:
        return [link.tip_reference for link in obj.reports.all()]

    @staticmethod
    def resolve_from_camera_alerts(obj: Incident) -> list[int]:
        """The numbers of the camera alerts handed on to this incident (cameras' `Alert` ids)."""
        return [link.alert_number for link in obj.camera_alerts.all()]


class IncidentFilter(Schema):
    status: str = ""
    source: str = ""
    classification: str = ""
    group: str = ""
    article: str = ""
    ward: str = ""
    from_: Date | None = Field(None, alias="from")
    to: Date | None = None
    crimes_only: bool = False
    limit: Limit = 100
    offset: Offset = 0


def _refuse_outsiders(request: HttpRequest) -> None:
    if not can_view_incidents(request.user):
        raise PermissionDenied()


@router.get("/incidents", auth=signed_in, response={200: list[IncidentOut], 403: ErrorOut})
def incident_list(request: HttpRequest, filters: Query[IncidentFilter]) -> list[Incident]:
    """Incidents of the units the caller's roles reach (the handling ward's, or the investigating unit's);
    the statistics page's drill-down uses the same filters."""
    _refuse_outsiders(request)
    incidents = selectors.incident_list(
        actor=request.user,
        status=filters.status,
        source=filters.source,
        classification=filters.classification,
        group=filters.group,
        article=filters.article,
        ward=filters.ward,
        start=filters.from_,
        end=filters.to,
        crimes_only=filters.crimes_only,
    ).prefetch_related("reports", "camera_alerts")
    return list(incidents[filters.offset : filters.offset + filters.limit])


class IncidentIn(Schema):
    unit: str
    source: str
    description: str = ""
    classification: str
    article: str = ""
    priority: Int64 = 2
    occurred_at: DateTime | None = None
    received_at: DateTime | None = None
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@router.post("/incidents", auth=signed_in, response={201: IncidentOut, 403: ErrorOut, 422: ErrorOut})
def incident_record(request: HttpRequest, payload: IncidentIn) -> Status[Incident]:
    """Record an incident (a call, a walk-in, a patrol, a transfer); `unit` is the ward's code."""
    _refuse_outsiders(request)
    unit = unit_by_code(payload.unit)
    if unit is None:
        raise ValidationFailed({"unit": [_("There is no such unit.")]})
    incident = services.incident_record(
        actor=request.user,
        data=services.NewIncident(**(payload.dict() | {"unit": unit})),
    )
    return Status(201, incident)


class ArticleOut(Schema):
    article: str
    title: str
    group: str


@router.get("/incidents/articles", auth=signed_in, response={200: list[ArticleOut]})
def article_list(request: HttpRequest) -> list[dict[str, str]]:
    """The Penal Code 2015 articles an incident may be classified under, with their statistical group."""
    return [{"article": a.number, "title": a.title, "group": a.group} for a in penal_code.articles()]


class StatsFilter(Schema):
    unit: str = ""
    from_: Date | None = Field(None, alias="from")
    to: Date | None = None
    base_from: int = Field(selectors.BASE_FROM, ge=1990, le=2100)
    base_to: int = Field(selectors.BASE_TO, ge=1990, le=2100)
    target: Decimal = Field(selectors.TARGET_PERCENT, ge=-100, le=100)


def default_period(start: datetime.date | None, end: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    """This year so far, unless asked otherwise."""
    today = timezone.localdate()
    return start or today.replace(month=1, day=1), end or today


def stats_json(stats: CrimeStats) -> dict[str, Any]:
    def num(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    return {
        "unit": {"code": stats.unit.code, "name": stats.unit.display_name},
        "from": stats.start.isoformat(),
        "to": stats.end.isoformat(),
        "incidents": stats.incidents,
        "crimes": stats.crimes,
        "solved": stats.solved,
        "solve_rate": num(stats.solve_rate),
        "arrests": stats.arrests,
        "arrested_persons": stats.arrested_persons,
        "base_period": {"from": stats.base_from, "to": stats.base_to, "average": num(stats.base_average)},
        "change_percent": num(stats.change_percent),
        "target": {
            "group": "social_order",
            "percent": num(stats.target_percent),
            "change_percent": num(stats.social_order.change_percent) if stats.social_order else None,
            "met": stats.target_met,
        },
        "groups": [
            {
                "group": g.code,
                "name": g.name,
                "crimes": g.crimes,
                "solved": g.solved,
                "solve_rate": num(g.solve_rate),
                "base_average": num(g.base_average),
                "change_percent": num(g.change_percent),
            }
            for g in stats.groups
        ],
        "articles": stats.articles,
        "wards": [
            {k: (num(v) if isinstance(v, Decimal) else v) for k, v in w.items() if k != "unit"} for w in stats.wards
        ],
        "months": stats.months,
    }


@router.get("/incidents/stats", auth=signed_in, response={200: dict, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
@reads_from_replica()
def incident_stats(request: HttpRequest, filters: Query[StatsFilter]) -> dict[str, Any]:
    """Crimes (criminal cases opened) by group, article, ward and month for a unit the leader reaches;
    solve rate; comparison with the base period's yearly average (default 2016–2020) and the target for
    social-order crimes (default −5 %). Drill down with `GET /incidents?crimes_only=true&group=…&ward=…`."""
    start, end = default_period(filters.from_, filters.to)
    stats = selectors.crime_stats(
        actor=request.user,
        unit_code=filters.unit,
        start=start,
        end=end,
        base_from=filters.base_from,
        base_to=filters.base_to,
        target_percent=filters.target,
    )
    return stats_json(stats)


class DutyOut(Schema):
    today: list[IncidentOut]
    open: list[IncidentOut]
    from_reports: list[IncidentOut]
    from_cameras: list[IncidentOut]


@router.get("/incidents/duty", auth=signed_in, response={200: DutyOut, 403: ErrorOut})
def duty(request: HttpRequest) -> dict[str, Any]:
    """The duty log: today's incidents, open ones oldest first, open ones from crime reports and cameras."""
    log = selectors.duty_log(actor=request.user)
    return {
        "today": log.today,
        "open": [i for i, _age in log.open],
        "from_reports": log.from_reports,
        "from_cameras": log.from_cameras,
    }


@router.get("/incidents/{int:incident_id}", auth=signed_in, response={200: IncidentOut, 403: ErrorOut, 404: ErrorOut})
def incident_get(request: HttpRequest, incident_id: Id) -> Incident:
    return selectors.incident_get(actor=request.user, incident_id=incident_id)


class TransitionIn(Schema):
    status: str
    case_number: str = ""
    case_opened_on: Date | None = None
    investigating_unit: str = ""
    note: str = ""


@router.post(
    "/incidents/{int:incident_id}/status",
    auth=signed_in,
    response={200: IncidentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def incident_status(request: HttpRequest, incident_id: Id, payload: TransitionIn) -> Incident:
    """received → verifying → administrative / case_opened (needs case_number, case_opened_on,
    investigating_unit) → solved / suspended; not_a_crime closes it."""
    incident = selectors.incident_get(actor=request.user, incident_id=incident_id)
    investigating = unit_by_code(payload.investigating_unit) if payload.investigating_unit else None
    if payload.investigating_unit and investigating is None:
        raise ValidationFailed({"investigating_unit": [_("There is no such unit.")]})
    return services.incident_transition(
        actor=request.user,
        incident=incident,
        status=payload.status,
        case_number=payload.case_number,
        case_opened_on=payload.case_opened_on,
        investigating_unit=investigating,
        note=payload.note,
    )


class ClassifyIn(Schema):
    classification: str
    article: str = ""
    priority: Int64 | None = None


@router.post(
    "/incidents/{int:incident_id}/classification",
    auth=signed_in,
    response={200: IncidentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def incident_classify(request: HttpRequest, incident_id: Id, payload: ClassifyIn) -> Incident:
    incident = selectors.incident_get(actor=request.user, incident_id=incident_id)
    return services.incident_classify(
        actor=request.user,
        incident=incident,
        classification=payload.classification,
        article=payload.article,
        priority=payload.priority,
    )


# Case files (persons, exhibits, custody chains) and campaigns: their own module, the same /incidents prefix.
from precinct.incidents.case_api import router as case_router  # noqa: E402

router.add_router("", case_router)
