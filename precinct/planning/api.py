"""The planning API: plans with their tasks' derived statuses and indicators, task progress, indicator values,
the tasks' XLSX import. Handlers parse, call a selector or a service, and serialise."""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from precinct.core.api_support import ErrorOut, signed_in
from precinct.core.api_types import Date, Days, Id, Int64
from precinct.core.errors import PermissionDenied
from precinct.core.replica import reads_from_replica
from precinct.planning import importing, permissions, selectors, services
from precinct.planning.selectors import Overview

router = Router(tags=["planning"])


class PlanIn(Schema):
    number: str
    title: str
    issuer: str
    issued_on: Date
    period_start: Date
    period_end: Date
    lead_unit: str
    warn_days: Days = 14


class TaskIn(Schema):
    position: Int64
    content: str
    lead_unit: str
    coordinating_units: list[str] = []
    kind: str
    due_on: Date | None = None
    starts_on: Date | None = None
    expected_output: str = ""


class UpdateIn(Schema):
    text: str
    percent: Int64 | None = None
    period: Date | None = None
    done_on: Date | None = None
    evidence: str = ""


class IndicatorIn(Schema):
    name: str
    unit: str
    direction: str
    baseline_value: Decimal
    baseline_label: str
    target_value: Decimal
    target_relative: bool = False
    unit_of_measure: str = ""
    measure_key: str = ""
    at_risk_margin: Int64 = 20


class ValueIn(Schema):
    period_start: Date
    period_end: Date
    value: Decimal
    evidence: str = ""


class ActivityIn(Schema):
    unit: str
    kind: str
    occurred_on: Date
    title: str


class OverviewQuery(Schema):
    as_of: Date | None = None
    start: Date | None = None
    end: Date | None = None


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def overview_json(overview: Overview) -> dict[str, Any]:
    plan = overview.plan
    return {
        "id": plan.pk,
        "number": plan.number,
        "title": plan.title,
        "issuer": plan.issuer,
        "issued_on": plan.issued_on.isoformat(),
        "period": {"start": plan.period_start.isoformat(), "end": plan.period_end.isoformat()},
        "lead_unit": plan.lead_unit.code,
        "as_of": overview.as_of.isoformat(),
        "report_period": {"start": overview.start.isoformat(), "end": overview.end.isoformat()},
        "summary": overview.summary(),
        "counts": {"total": overview.total, **overview.counts},
        "tasks": [
            {
                "id": row.task.pk,
                "position": row.task.position,
                "content": row.task.content,
                "lead_unit": row.task.lead_unit.code,
                "coordinating_units": [u.code for u in row.task.coordinating_units.all()],
                "kind": row.task.kind,
                "due_on": row.task.due_on.isoformat() if row.task.due_on else None,
                "status": row.status.value,
                "done_on": row.done_on.isoformat() if row.done_on else None,
            }
            for row in overview.tasks
        ],
        "indicators": [
            {
                "id": row.indicator.pk,
                "name": row.indicator.name,
                "unit": row.indicator.unit.code,
                "direction": row.indicator.direction,
                "baseline": {"value": _number(row.indicator.baseline_value), "period": row.indicator.baseline_label},
                "target": _number(row.target),
                "value": _number(row.value),
                "change_percent": _number(row.change),
                "progress_percent": _number(row.progress),
                "status": row.status.value,
                "measure": row.indicator.measure_key or None,
            }
            for row in overview.indicators
        ],
        "activities": overview.activities,
    }


def _reader(request: HttpRequest) -> Any:
    if not permissions.can_use_planning(request.user):
        raise PermissionDenied()
    return request.user


@router.get("/planning/plans", response={200: list[dict], 403: ErrorOut}, auth=signed_in)
def plan_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The plans the caller's units lead or take part in (leaders: their subtree)."""
    actor = _reader(request)
    return [
        {"id": p.pk, "number": p.number, "title": p.title, "lead_unit": p.lead_unit.code, "issued_on": p.issued_on}
        for p in selectors.plan_list(actor=actor)
    ]


@router.post("/planning/plans", response={201: dict, 403: ErrorOut, 422: ErrorOut}, auth=signed_in)
def plan_create(request: HttpRequest, body: PlanIn) -> Status[dict[str, Any]]:
    """A new plan (leaders and administrators over its lead unit); its source document is uploaded on the page."""
    plan = services.plan_create(
        actor=request.user,
        number=body.number,
        title=body.title,
        issuer=body.issuer,
        issued_on=body.issued_on,
        period_start=body.period_start,
        period_end=body.period_end,
        lead_unit_code=body.lead_unit,
        warn_days=body.warn_days,
    )
    return Status(201, {"id": plan.pk, "number": plan.number})


@router.get("/planning/plans/{pk}", response={200: dict, 403: ErrorOut, 404: ErrorOut}, auth=signed_in)
@reads_from_replica()
def plan_detail(request: HttpRequest, pk: Id, query: Query[OverviewQuery]) -> dict[str, Any]:
    """A plan's state: tasks with their status derived as of `as_of` (default today), counts by status,
    indicators with value, progress and status for the period `start`–`end` (default this year)."""
    actor = _reader(request)
    plan = selectors.plan_get(actor=actor, pk=pk)
    return overview_json(
        selectors.plan_overview(actor=actor, plan=plan, as_of=query.as_of, start=query.start, end=query.end)
    )


@router.post(
    "/planning/plans/{pk}/tasks", response={201: dict, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, auth=signed_in
)
def task_create(request: HttpRequest, pk: Id, body: TaskIn) -> Status[dict[str, Any]]:
    plan = selectors.plan_get(actor=_reader(request), pk=pk)
    task = services.task_create(
        actor=request.user,
        plan=plan,
        data=services.TaskInput(
            position=body.position,
            content=body.content,
            lead_unit_code=body.lead_unit,
            coordinating_codes=body.coordinating_units,
            kind=body.kind,
            due_on=body.due_on,
            starts_on=body.starts_on,
            expected_output=body.expected_output,
        ),
    )
    return Status(201, {"id": task.pk, "position": task.position})


@router.post(
    "/planning/plans/{pk}/tasks/import",
    response={201: dict, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=signed_in,
)
def tasks_import(request: HttpRequest, pk: Id, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    """Tasks from the XLSX template (/planning/template.xlsx): every row or none; errors name row and column."""
    plan = selectors.plan_get(actor=_reader(request), pk=pk)
    if not permissions.can_manage_plan(request.user, plan):
        raise PermissionDenied()
    tasks = services.tasks_import(actor=request.user, plan=plan, rows=importing.parse_xlsx(file.read()))
    return Status(201, {"imported": len(tasks)})


@router.post(
    "/planning/tasks/{pk}/updates", response={201: dict, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, auth=signed_in
)
def task_update(request: HttpRequest, pk: Id, body: UpdateIn) -> Status[dict[str, Any]]:
    """Progress of a task, by its lead unit; `done_on` with `evidence` completes it; one per period if recurring."""
    task = selectors.task_get(actor=_reader(request), pk=pk)
    update = services.task_update_report(
        actor=request.user,
        task=task,
        text=body.text,
        percent=body.percent,
        period=body.period,
        done_on=body.done_on,
        evidence=body.evidence,
    )
    return Status(201, {"id": update.pk, "period": update.period_start})


@router.post(
    "/planning/plans/{pk}/indicators", response={201: dict, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, auth=signed_in
)
def indicator_create(request: HttpRequest, pk: Id, body: IndicatorIn) -> Status[dict[str, Any]]:
    """An indicator: baseline, target (absolute, or a per cent change when `target_relative`), and either a
    registered measure's key (computed) or values entered per period."""
    plan = selectors.plan_get(actor=_reader(request), pk=pk)
    fields = body.dict()
    indicator = services.indicator_create(actor=request.user, plan=plan, unit_code=fields.pop("unit"), **fields)
    return Status(201, {"id": indicator.pk})


@router.post(
    "/planning/indicators/{pk}/values",
    response={201: dict, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=signed_in,
)
def indicator_value(request: HttpRequest, pk: Id, body: ValueIn) -> Status[dict[str, Any]]:
    indicator = selectors.indicator_get(actor=_reader(request), pk=pk)
    entered = services.indicator_value_enter(actor=request.user, indicator=indicator, **body.dict())
    return Status(201, {"id": entered.pk})


@router.post(
    "/planning/plans/{pk}/activities", response={201: dict, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, auth=signed_in
)
def activity_record(request: HttpRequest, pk: Id, body: ActivityIn) -> Status[dict[str, Any]]:
    """One activity a unit carried out for the plan (kind: guiding_document, conference, inspection, other),
    counted by kind in the periodic report."""
    plan = selectors.plan_get(actor=_reader(request), pk=pk)
    activity = services.activity_record(
        actor=request.user,
        plan=plan,
        unit_code=body.unit,
        kind=body.kind,
        occurred_on=body.occurred_on,
        title=body.title,
    )
    return Status(201, {"id": activity.pk})
