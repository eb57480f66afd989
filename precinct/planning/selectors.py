"""Reads of plans, tasks and indicators, narrowed to what the actor may see, with statuses derived as of a date.

A plan is seen by the units its roles reach: the plan's lead unit (and everyone over it), and the lead or
coordinating unit of any of its tasks. Whoever reaches the plan's lead unit sees all its tasks; a unit that
only leads or coordinates some tasks sees those.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from precinct.core.actors import Actor
from precinct.core.errors import NotFound
from precinct.core.measures import Grain, UnknownMeasure, measure_get, measure_value
from precinct.organisation.scoping import reaches, restrict
from precinct.planning.models import Activity, ActivityKind, Indicator, IndicatorValue, Plan, Task, TaskUpdate
from precinct.planning.permissions import READ_ROLES
from precinct.planning.status import (
    IndicatorStatus,
    TaskFacts,
    TaskStatus,
    change_of,
    expected_progress,
    indicator_status,
    progress_of,
    target_of,
    task_status,
)


def _tasks_reached(actor: Actor) -> QuerySet[Task]:
    by_lead = restrict(Task.objects.all(), actor, "lead_unit__path", READ_ROLES)
    by_coordination = restrict(Task.objects.all(), actor, "coordinating_units__path", READ_ROLES)
    return Task.objects.filter(Q(pk__in=by_lead.values("pk")) | Q(pk__in=by_coordination.values("pk")))


def plan_list(*, actor: Actor) -> QuerySet[Plan]:
    led = restrict(Plan.objects.all(), actor, "lead_unit__path", READ_ROLES)
    return (
        Plan.objects.filter(Q(pk__in=led.values("pk")) | Q(pk__in=_tasks_reached(actor).values("plan_id")))
        .select_related("lead_unit")
        .order_by("-issued_on", "number")
    )


def plan_get(*, actor: Actor, pk: int) -> Plan:
    plan = plan_list(actor=actor).filter(pk=pk).first()
    if plan is None:
        raise NotFound()
    return plan


def task_list(*, actor: Actor, plan: Plan) -> QuerySet[Task]:
    tasks = Task.objects.filter(plan=plan)
    if not reaches(actor, plan.lead_unit, READ_ROLES):
        tasks = tasks.filter(pk__in=_tasks_reached(actor).values("pk"))
    return tasks.select_related("lead_unit").prefetch_related("coordinating_units").order_by("position")


def task_get(*, actor: Actor, pk: int) -> Task:
    task = Task.objects.filter(pk=pk).select_related("plan__lead_unit", "lead_unit").first()
    if task is None or not task_list(actor=actor, plan=task.plan).filter(pk=pk).exists():
        raise NotFound()
    return task


def indicator_get(*, actor: Actor, pk: int) -> Indicator:
    indicator = Indicator.objects.filter(pk=pk).select_related("plan__lead_unit", "unit").first()
    if indicator is None or not plan_list(actor=actor).filter(pk=indicator.plan_id).exists():
        raise NotFound()
    return indicator


def indicator_value_list(*, indicator: Indicator) -> QuerySet[IndicatorValue]:
    """The values entered for an indicator the caller got from indicator_get, latest period first."""
    return IndicatorValue.objects.filter(indicator=indicator).select_related("author").order_by("-period_end", "-pk")


# --- derived statuses -------------------------------------------------------------------------------------


def _with_facts(tasks: QuerySet[Task], *, as_of: datetime.date) -> QuerySet[Task]:
    """Tasks with the facts their status derives from, counting only the updates reported by `as_of`."""
    known = Q(updates__reported_on__lte=as_of)
    return tasks.annotate(
        first_done=Min("updates__done_on", filter=known & Q(updates__done_on__isnull=False)),
        latest_period=Max("updates__period_start", filter=known),
        update_count=Count("updates", filter=known),
    )


@dataclass
class PlanRow:
    plan: Plan
    counts: dict[str, int]
    total: int

    @property
    def tiles(self) -> list[tuple[TaskStatus, int]]:
        return [(status, self.counts[status.value]) for status in TaskStatus]


def plan_rows(*, actor: Actor, plans: list[Plan], as_of: datetime.date) -> list[PlanRow]:
    """A page of the plans list with each plan's tasks counted by derived status (the tasks the actor sees):
    one grouped query for the page's tasks, statuses derived in Python as on the overview."""
    whole = {plan.pk for plan in plans if reaches(actor, plan.lead_unit, READ_ROLES)}
    tasks = Task.objects.filter(plan_id__in=[plan.pk for plan in plans])
    if len(whole) < len(plans):
        tasks = tasks.filter(Q(plan_id__in=whole) | Q(pk__in=_tasks_reached(actor).values("pk")))
    warn = {plan.pk: plan.warn_days for plan in plans}
    counted: dict[int, Counter[str]] = {plan.pk: Counter() for plan in plans}
    facts = _with_facts(tasks, as_of=as_of).values_list(  # type: ignore[misc]  # annotated names
        "plan_id", "kind", "starts_on", "due_on", "first_done", "latest_period", "update_count"
    )
    for plan_id, kind, starts_on, due_on, first_done, latest_period, update_count in facts:
        status = task_status(
            TaskFacts(kind, starts_on, due_on, first_done, latest_period, bool(update_count)),
            today=as_of,
            warn_days=warn[plan_id],
        )
        counted[plan_id][status.value] += 1
    return [
        PlanRow(plan, {s.value: counted[plan.pk][s.value] for s in TaskStatus}, sum(counted[plan.pk].values()))
        for plan in plans
    ]


@dataclass
class TaskRow:
    task: Task
    status: TaskStatus
    done_on: datetime.date | None
    last_period: datetime.date | None


def task_rows(tasks: QuerySet[Task], *, as_of: datetime.date, warn_days: int) -> list[TaskRow]:
    """Each task with its status on `as_of`: only updates reported by then count (the plan as it stood)."""
    rows = []
    for task in _with_facts(tasks, as_of=as_of):
        facts = TaskFacts(
            kind=task.kind,
            starts_on=task.starts_on,
            due_on=task.due_on,
            done_on=task.first_done,  # type: ignore[attr-defined]
            last_period=task.latest_period,  # type: ignore[attr-defined]
            has_updates=bool(task.update_count),  # type: ignore[attr-defined]
        )
        status = task_status(facts, today=as_of, warn_days=warn_days)
        rows.append(TaskRow(task, status, facts.done_on, facts.last_period))
    return rows


@dataclass
class IndicatorRow:
    indicator: Indicator
    target: Decimal
    value: Decimal | None
    change: Decimal | None
    progress: Decimal | None
    status: IndicatorStatus
    source: str


def _month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def indicator_value(
    indicator: Indicator, *, start: datetime.date, end: datetime.date, as_of: datetime.date
) -> Decimal | None:
    """The indicator's value for the period: its measure's figure for the responsible unit's subtree, or the
    latest value entered (by `as_of`) for a period ending within it."""
    if indicator.measure_key:
        try:
            measure = measure_get(indicator.measure_key)
        except UnknownMeasure:
            return None
        if measure.grain == Grain.MONTH:
            start, end = start.replace(day=1), _month_end(end)
        value = measure_value(indicator.measure_key, unit_path=indicator.unit.path, start=start, end=end)
        return None if value is None else Decimal(value)
    entered = (
        IndicatorValue.objects.filter(
            indicator=indicator, period_end__gte=start, period_end__lte=end, created_at__date__lte=as_of
        )
        .order_by("-period_end", "-created_at")
        .first()
    )
    return entered.value if entered else None


def indicator_rows(plan: Plan, *, start: datetime.date, end: datetime.date, as_of: datetime.date) -> list[IndicatorRow]:
    expected = expected_progress(start=plan.period_start, end=plan.period_end, today=as_of)
    rows = []
    for indicator in plan.indicators.select_related("unit").order_by("position"):
        target = target_of(
            baseline=indicator.baseline_value, target=indicator.target_value, relative=indicator.target_relative
        )
        value = indicator_value(indicator, start=start, end=end, as_of=as_of)
        progress = progress_of(
            baseline=indicator.baseline_value, target=target, current=value, direction=indicator.direction
        )
        rows.append(
            IndicatorRow(
                indicator=indicator,
                target=target,
                value=value,
                change=change_of(baseline=indicator.baseline_value, current=value),
                progress=progress,
                status=indicator_status(progress=progress, expected=expected, margin=indicator.at_risk_margin),
                source=indicator.measure_key or _("entered by hand"),
            )
        )
    return rows


@dataclass
class Overview:
    plan: Plan
    as_of: datetime.date
    start: datetime.date
    end: datetime.date
    tasks: list[TaskRow]
    indicators: list[IndicatorRow]
    counts: dict[str, int] = field(default_factory=dict)
    activities: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.tasks)

    def summary(self) -> str:
        """The seeds' sentence, written from data."""
        c = self.counts
        return _(
            "Of %(total)d tasks, %(done)d completed, %(on_schedule)d on schedule, %(maintained)d maintained "
            "regularly, %(at_risk)d at risk, %(late)d late, %(not_started)d not started."
        ) % {"total": self.total, **c}


def default_period(as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The reporting period by default: from the start of the year to the end of `as_of`'s month."""
    return as_of.replace(month=1, day=1), _month_end(as_of)


def plan_overview(
    *,
    actor: Actor,
    plan: Plan,
    as_of: datetime.date | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Overview:
    as_of = as_of or timezone.localdate()
    default_start, default_end = default_period(as_of)
    start, end = start or default_start, end or default_end
    rows = task_rows(task_list(actor=actor, plan=plan), as_of=as_of, warn_days=plan.warn_days)
    counted = Counter(row.status for row in rows)
    counts = {status.value: counted.get(status, 0) for status in TaskStatus}
    indicators = indicator_rows(plan, start=start, end=end, as_of=as_of)
    activities = activity_counts(plan=plan, start=start, end=min(end, as_of), as_of=as_of)
    return Overview(plan, as_of, start, end, rows, indicators, counts, activities)


def activity_counts(*, plan: Plan, start: datetime.date, end: datetime.date, as_of: datetime.date) -> dict[str, int]:
    """The plan's activities in the period by kind (every kind, 0 included), as logged by `as_of`."""
    found = dict(
        Activity.objects.filter(plan=plan, occurred_on__gte=start, occurred_on__lte=end, created_at__date__lte=as_of)
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return {kind.value: found.get(kind.value, 0) for kind in ActivityKind}


def activity_list(*, plan: Plan, limit: int = 20) -> QuerySet[Activity]:
    """The plan's latest activities (the caller has the plan from plan_get, so the actor may see it)."""
    return Activity.objects.filter(plan=plan).select_related("unit").order_by("-occurred_on", "-pk")[:limit]


def late_reasons(rows: list[TaskRow], *, as_of: datetime.date) -> dict[int, str]:
    """For each late task, the latest progress its lead unit reported by `as_of` (the reason given), or ''."""
    late = [row.task.pk for row in rows if row.status == TaskStatus.LATE]
    reasons: dict[int, str] = dict.fromkeys(late, "")
    for task_id, text in (
        TaskUpdate.objects.filter(task_id__in=late, reported_on__lte=as_of)
        .order_by("task_id", "reported_on", "pk")
        .values_list("task_id", "text")
    ):
        reasons[task_id] = text  # the last one wins
    return reasons
