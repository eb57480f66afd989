"""Statuses derived from facts, never typed in: pure functions of the facts and a date (the clock is passed
in, so a report "as of" a past date is the same function asked about another day). docs/adr/0019."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from precinct.planning.models import Direction, TaskKind


class TaskStatus(models.TextChoices):
    DONE = "done", _("Completed")
    ON_SCHEDULE = "on_schedule", _("On schedule")
    MAINTAINED = "maintained", _("Maintained regularly")
    AT_RISK = "at_risk", _("At risk")
    LATE = "late", _("Late")
    NOT_STARTED = "not_started", _("Not started")


class IndicatorStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NO_DATA = "no_data", _("No value yet")


@dataclass(frozen=True)
class TaskFacts:
    kind: str
    starts_on: datetime.date
    due_on: datetime.date | None
    done_on: datetime.date | None  # the earliest reported completion, if any
    last_period: datetime.date | None  # the latest period (its first day) a recurring task reported
    has_updates: bool


def period_start(kind: str, day: datetime.date) -> datetime.date:
    """The first day of the reporting period holding `day`: month, quarter or year (continuous tasks
    report quarterly)."""
    if kind == TaskKind.MONTHLY:
        return day.replace(day=1)
    if kind == TaskKind.YEARLY:
        return day.replace(month=1, day=1)
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def previous_period_start(kind: str, day: datetime.date) -> datetime.date:
    """The first day of the period before the one holding `day`: the last period that has ended."""
    return period_start(kind, period_start(kind, day) - datetime.timedelta(days=1))


def task_status(facts: TaskFacts, *, today: datetime.date, warn_days: int) -> TaskStatus:
    if facts.done_on is not None and facts.done_on <= today:
        return TaskStatus.DONE
    if facts.starts_on > today:
        return TaskStatus.NOT_STARTED
    if facts.kind == TaskKind.DUE:
        assert facts.due_on is not None  # a constraint of Task
        if facts.due_on < today:
            return TaskStatus.LATE
        if (facts.due_on - today).days <= warn_days:
            return TaskStatus.AT_RISK
        return TaskStatus.ON_SCHEDULE if facts.has_updates else TaskStatus.NOT_STARTED
    # Recurring: the period that ended last is owed a report.
    owed = previous_period_start(facts.kind, today)
    if owed < period_start(facts.kind, facts.starts_on):  # no period has ended since the task started
        return TaskStatus.MAINTAINED if facts.has_updates else TaskStatus.NOT_STARTED
    if facts.last_period is not None and facts.last_period >= owed:
        return TaskStatus.MAINTAINED
    # The owed period ended on the day before the current one began; a grace of warn_days, then late.
    ended = period_start(facts.kind, today) - datetime.timedelta(days=1)
    return TaskStatus.AT_RISK if (today - ended).days <= warn_days else TaskStatus.LATE


# --- indicators (OKR style: progress is where the value stands between baseline and target) -------------

HUNDRED = Decimal(100)
ONE_PLACE = Decimal("0.1")


def target_of(*, baseline: Decimal, target: Decimal, relative: bool) -> Decimal:
    """The target as a value: absolute, or the baseline changed by `target` per cent (−5 → 95 % of it)."""
    if relative:
        return (baseline * (HUNDRED + target) / HUNDRED).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return target


def progress_of(*, baseline: Decimal, target: Decimal, current: Decimal | None, direction: str) -> Decimal | None:
    """Per cent of the way from baseline to target (may exceed 100 or fall below 0); None without a value."""
    if current is None:
        return None
    if target == baseline:
        better = current <= target if direction == Direction.DECREASE else current >= target
        return HUNDRED if better else Decimal(0)
    return ((current - baseline) / (target - baseline) * HUNDRED).quantize(ONE_PLACE, ROUND_HALF_UP)


def change_of(*, baseline: Decimal, current: Decimal | None) -> Decimal | None:
    """The change against the baseline in per cent (930 against 1,000: −7.0)."""
    if current is None or baseline == 0:
        return None
    return ((current - baseline) / baseline * HUNDRED).quantize(ONE_PLACE, ROUND_HALF_UP)


def expected_progress(*, start: datetime.date, end: datetime.date, today: datetime.date) -> Decimal:
    """The share of the plan's period elapsed on `today`: how far a value keeping pace would be."""
    total = (end - start).days + 1
    elapsed = min(max((today - start).days + 1, 0), total)
    return (Decimal(elapsed) / Decimal(total) * HUNDRED).quantize(ONE_PLACE, ROUND_HALF_UP)


def indicator_status(*, progress: Decimal | None, expected: Decimal, margin: int) -> IndicatorStatus:
    if progress is None:
        return IndicatorStatus.NO_DATA
    if progress >= HUNDRED or progress >= expected:
        return IndicatorStatus.ON_TRACK
    if progress >= expected - margin:
        return IndicatorStatus.AT_RISK
    return IndicatorStatus.OFF_TRACK
