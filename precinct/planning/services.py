"""Writes of plans, tasks, progress updates and indicators: each one transaction with its audit row."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from precinct.accounts.models import User
from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.core.measures import UnknownMeasure, measure_get
from precinct.organisation.models import Unit
from precinct.organisation.selectors import unit_by_code
from precinct.planning import permissions
from precinct.planning.models import (
    RECURRING_KINDS,
    Activity,
    ActivityKind,
    Direction,
    Indicator,
    IndicatorValue,
    Plan,
    Task,
    TaskKind,
    TaskUpdate,
    TaskUpdateFile,
)
from precinct.planning.status import period_start

MAX_FILE_BYTES = 10 * 1024 * 1024
FILE_TYPES = (".pdf", ".docx", ".doc", ".xlsx", ".png", ".jpg", ".jpeg")

Errors = dict[str, list[str | Promise]]


def _check_file(errors: Errors, name: str, upload: UploadedFile | None) -> None:
    if upload is None:
        return
    if (upload.size or 0) > MAX_FILE_BYTES:
        errors.setdefault(name, []).append(_("A file may be at most 10 MB."))
    if not (upload.name or "").lower().endswith(FILE_TYPES):
        errors.setdefault(name, []).append(_("Attach a PDF, Word, Excel, PNG or JPEG file."))


def _unit(errors: Errors, name: str, code: str) -> Unit | None:
    unit = unit_by_code(code.strip()) if code and code.strip() else None
    if unit is None:
        errors.setdefault(name, []).append(_("No active unit has this code."))
    return unit


@transaction.atomic
def plan_create(
    *,
    actor: Actor,
    number: str,
    title: str,
    issuer: str,
    issued_on: datetime.date,
    period_start: datetime.date,
    period_end: datetime.date,
    lead_unit_code: str,
    document: UploadedFile | None = None,
    warn_days: int = 14,
) -> Plan:
    errors: Errors = {}
    number, title, issuer = number.strip(), title.strip(), issuer.strip()
    for name, value in (("number", number), ("title", title), ("issuer", issuer)):
        if not value:
            errors.setdefault(name, []).append(_("This field is required."))
    if number and Plan.objects.filter(number=number).exists():
        errors.setdefault("number", []).append(_("A plan with this number already exists."))
    if period_end < period_start:
        errors.setdefault("period_end", []).append(_("The period ends before it starts."))
    if not 0 <= warn_days <= 365:
        errors.setdefault("warn_days", []).append(_("This value is out of range."))
    _check_file(errors, "document", document)
    unit = _unit(errors, "lead_unit", lead_unit_code)
    if errors:
        raise ValidationFailed(errors)
    assert unit is not None
    if not permissions.can_create_plan(actor, unit):
        raise PermissionDenied()
    plan = Plan(
        number=number,
        title=title,
        issuer=issuer,
        issued_on=issued_on,
        period_start=period_start,
        period_end=period_end,
        lead_unit=unit,
        warn_days=warn_days,
    )
    if document is not None:
        plan.document = document
    plan.save()
    audit_record(actor=actor, action="planning.plan_create", target=plan, unit=unit, after={"number": plan.number})
    return plan


@dataclass(frozen=True)
class TaskInput:
    position: int
    content: str
    lead_unit_code: str
    coordinating_codes: Sequence[str]
    kind: str
    due_on: datetime.date | None
    starts_on: datetime.date | None
    expected_output: str = ""


# Field names as the import template's columns name them, for messages that point at a cell.
TASK_FIELDS = (
    "position",
    "content",
    "lead_unit",
    "coordinating_units",
    "kind",
    "due_on",
    "starts_on",
    "expected_output",
)


def task_validate(plan: Plan, data: TaskInput, *, taken: set[int]) -> tuple[Errors, Task | None, list[Unit]]:
    """Check one task's input (shared by the form, the API and the import); nothing is saved."""
    errors: Errors = {}
    if data.position < 1:
        errors.setdefault("position", []).append(_("Enter a whole number from 1."))
    elif data.position in taken:
        errors.setdefault("position", []).append(_("Another task of this plan has this number."))
    if not data.content.strip():
        errors.setdefault("content", []).append(_("This field is required."))
    lead = _unit(errors, "lead_unit", data.lead_unit_code)
    coordinating = []
    for code in data.coordinating_codes:
        unit = unit_by_code(code.strip())
        if unit is None:
            errors.setdefault("coordinating_units", []).append(
                _("No active unit has the code %(code)s.") % {"code": code.strip()}
            )
        else:
            coordinating.append(unit)
    if data.kind not in TaskKind.values:
        errors.setdefault("kind", []).append(_("Choose one of: due, monthly, quarterly, yearly, continuous."))
    elif data.kind == TaskKind.DUE and data.due_on is None:
        errors.setdefault("due_on", []).append(_("A task due by a date needs its due date."))
    starts_on = data.starts_on or plan.period_start
    if data.due_on is not None and data.due_on < starts_on:
        errors.setdefault("due_on", []).append(_("The due date is before the task starts."))
    if errors:
        return errors, None, []
    assert lead is not None
    task = Task(
        plan=plan,
        position=data.position,
        content=data.content.strip(),
        lead_unit=lead,
        kind=data.kind,
        due_on=data.due_on,
        starts_on=starts_on,
        expected_output=data.expected_output.strip()[:400],
    )
    return errors, task, coordinating


def _taken(plan: Plan) -> set[int]:
    return set(plan.tasks.values_list("position", flat=True))


@transaction.atomic
def task_create(*, actor: Actor, plan: Plan, data: TaskInput) -> Task:
    if not permissions.can_manage_plan(actor, plan):
        raise PermissionDenied()
    errors, task, coordinating = task_validate(plan, data, taken=_taken(plan))
    if errors:
        raise ValidationFailed(errors)
    assert task is not None
    task.save()
    task.coordinating_units.set(coordinating)
    audit_record(actor=actor, action="planning.task_create", target=task, unit=plan.lead_unit)
    return task


@transaction.atomic
def tasks_import(*, actor: Actor, plan: Plan, rows: Sequence[tuple[int, TaskInput | Errors]]) -> list[Task]:
    """Create every row's task, or none: rows are (row number, parsed input or the parser's errors); any error
    in any row refuses the whole import with messages naming the row and column."""
    from precinct.planning.importing import cell_message

    if not permissions.can_manage_plan(actor, plan):
        raise PermissionDenied()
    messages: list[str | Promise] = []
    taken = _taken(plan)
    ready: list[tuple[Task, list[Unit]]] = []
    for row, parsed in rows:
        if isinstance(parsed, dict):
            errors = parsed
        else:
            errors, task, coordinating = task_validate(plan, parsed, taken=taken)
            if task is not None:
                taken.add(task.position)
                ready.append((task, coordinating))
        messages += [cell_message(row, name, message) for name, found in errors.items() for message in found]
    if not rows:
        messages.append(_("The file has no task rows."))
    if messages:
        raise ValidationFailed({"file": messages}, _("Nothing was imported: correct the rows below."))
    for task, coordinating in ready:
        task.save()
        task.coordinating_units.set(coordinating)
    audit_record(
        actor=actor,
        action="planning.tasks_import",
        target=plan,
        unit=plan.lead_unit,
        after={"tasks": len(ready), "positions": [t.position for t, _c in ready]},
    )
    return [task for task, _c in ready]


@transaction.atomic
def task_update_report(
    *,
    actor: Actor,
    task: Task,
    text: str,
    percent: int | None = None,
    period: datetime.date | None = None,
    done_on: datetime.date | None = None,
    evidence: str = "",
    files: Sequence[UploadedFile] = (),
) -> TaskUpdate:
    """The lead unit reports progress; a completion date with its evidence marks the task done. A recurring
    task takes one report per period (the period holding `period`, by default today's)."""
    if not permissions.can_update_task(actor, task):
        raise PermissionDenied()
    today = timezone.localdate()
    errors: Errors = {}
    if not text.strip():
        errors.setdefault("text", []).append(_("This field is required."))
    if percent is not None and not 0 <= percent <= 100:
        errors.setdefault("percent", []).append(_("Enter a per cent from 0 to 100."))
    if done_on is not None:
        if done_on > today:
            errors.setdefault("done_on", []).append(_("A task cannot be completed in the future."))
        if not evidence.strip() and not files:
            errors.setdefault("evidence", []).append(_("Say what shows the task is done, or attach it."))
    for upload in files:
        _check_file(errors, "files", upload)
    period_first = None
    if task.kind in RECURRING_KINDS:
        period_first = period_start(task.kind, period or today)
        if period_first > today:
            errors.setdefault("period", []).append(_("This period has not begun yet."))
        elif TaskUpdate.objects.filter(task=task, period_start=period_first).exists():
            errors.setdefault("period", []).append(_("This period has already been reported."))
    if errors:
        raise ValidationFailed(errors)
    update = TaskUpdate.objects.create(
        task=task,
        period_start=period_first,
        text=text.strip(),
        percent=100 if done_on is not None and percent is None else percent,
        done_on=done_on,
        evidence=evidence.strip()[:400],
        reported_on=today,
        author=actor if isinstance(actor, User) else None,
    )
    for upload in files:
        TaskUpdateFile.objects.create(update=update, file=upload, name=(upload.name or "")[:200])
    audit_record(
        actor=actor,
        action="planning.task_update",
        target=task,
        unit=task.lead_unit,
        after={"period": period_first, "percent": update.percent, "done_on": done_on, "files": len(files)},
    )
    return update


def _decimal(errors: Errors, name: str, value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.setdefault(name, []).append(_("Enter a number."))
        return None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        errors.setdefault(name, []).append(_("This value is out of range."))
        return None
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def indicator_create(
    *,
    actor: Actor,
    plan: Plan,
    name: str,
    unit_code: str,
    direction: str,
    baseline_value: Any,
    baseline_label: str,
    target_value: Any,
    target_relative: bool = False,
    unit_of_measure: str = "",
    measure_key: str = "",
    at_risk_margin: int = 20,
) -> Indicator:
    if not permissions.can_manage_plan(actor, plan):
        raise PermissionDenied()
    errors: Errors = {}
    if not name.strip():
        errors.setdefault("name", []).append(_("This field is required."))
    if not baseline_label.strip():
        errors.setdefault("baseline_label", []).append(_("This field is required."))
    unit = _unit(errors, "unit", unit_code)
    if direction not in Direction.values:
        errors.setdefault("direction", []).append(_("Choose one of: increase, decrease, reach."))
    baseline = _decimal(errors, "baseline_value", baseline_value)
    target = _decimal(errors, "target_value", target_value)
    if measure_key:
        try:
            measure_get(measure_key)
        except UnknownMeasure:
            errors.setdefault("measure_key", []).append(_("No measure is registered under this key."))
    if not 0 <= at_risk_margin <= 100:
        errors.setdefault("at_risk_margin", []).append(_("This value is out of range."))
    if baseline is not None and target is not None and direction in (Direction.INCREASE, Direction.DECREASE):
        goal = baseline * (100 + target) / 100 if target_relative else target
        if (direction == Direction.DECREASE and goal >= baseline) or (
            direction == Direction.INCREASE and goal <= baseline
        ):
            errors.setdefault("target_value", []).append(_("The target does not go in the indicator's direction."))
    if errors:
        raise ValidationFailed(errors)
    assert unit is not None and baseline is not None and target is not None
    indicator = Indicator.objects.create(
        plan=plan,
        position=(plan.indicators.count() + 1),
        name=name.strip(),
        unit=unit,
        unit_of_measure=unit_of_measure.strip()[:30],
        direction=direction,
        baseline_value=baseline,
        baseline_label=baseline_label.strip()[:40],
        target_value=target,
        target_relative=target_relative,
        measure_key=measure_key,
        at_risk_margin=at_risk_margin,
    )
    audit_record(actor=actor, action="planning.indicator_create", target=indicator, unit=plan.lead_unit)
    return indicator


@transaction.atomic
def indicator_value_enter(
    *,
    actor: Actor,
    indicator: Indicator,
    period_start: datetime.date,
    period_end: datetime.date,
    value: Any,
    evidence: str = "",
) -> IndicatorValue:
    if not permissions.can_enter_indicator_value(actor, indicator):
        raise PermissionDenied()
    errors: Errors = {}
    if indicator.measure_key:
        errors.setdefault("value", []).append(_("This indicator is computed from Precinct's data."))
    number = _decimal(errors, "value", value)
    if period_end < period_start:
        errors.setdefault("period_end", []).append(_("The period ends before it starts."))
    if IndicatorValue.objects.filter(indicator=indicator, period_start=period_start, period_end=period_end).exists():
        errors.setdefault("period_start", []).append(_("A value for this period has already been entered."))
    if errors:
        raise ValidationFailed(errors)
    assert number is not None
    entered = IndicatorValue.objects.create(
        indicator=indicator,
        period_start=period_start,
        period_end=period_end,
        value=number,
        evidence=evidence.strip()[:400],
        author=actor if isinstance(actor, User) else None,
    )
    audit_record(
        actor=actor, action="planning.indicator_value", target=indicator, unit=indicator.unit, after={"value": number}
    )
    return entered


@transaction.atomic
def activity_record(
    *, actor: Actor, plan: Plan, unit_code: str, kind: str, occurred_on: datetime.date, title: str
) -> Activity:
    """Log one activity a unit carried out for the plan (a guiding document issued, a conference held)."""
    errors: Errors = {}
    unit = _unit(errors, "unit", unit_code)
    if kind not in ActivityKind.values:
        errors.setdefault("kind", []).append(_("Choose one of: guiding_document, conference, inspection, other."))
    if not title.strip():
        errors.setdefault("title", []).append(_("This field is required."))
    if occurred_on > timezone.localdate():
        errors.setdefault("occurred_on", []).append(_("An activity cannot be logged before it happens."))
    if unit is not None and not permissions.can_log_activity(actor, plan, unit):
        raise PermissionDenied()  # before any message about the rest: nothing to learn for who may not log
    if errors:
        raise ValidationFailed(errors)
    assert unit is not None
    activity = Activity.objects.create(
        plan=plan,
        unit=unit,
        kind=kind,
        occurred_on=occurred_on,
        title=title.strip()[:300],
        author=actor if isinstance(actor, User) else None,
    )
    audit_record(
        actor=actor,
        action="planning.activity_record",
        target=activity,
        unit=unit,
        after={"plan": plan.number, "kind": kind, "occurred_on": occurred_on},
    )
    return activity
