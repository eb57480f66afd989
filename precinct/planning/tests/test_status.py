"""The derived task and indicator statuses, one case each, with the clock passed in."""

import datetime
from decimal import Decimal

import pytest

from precinct.planning.models import Direction, TaskKind
from precinct.planning.status import (
    IndicatorStatus,
    TaskFacts,
    TaskStatus,
    change_of,
    expected_progress,
    indicator_status,
    period_start,
    previous_period_start,
    progress_of,
    target_of,
    task_status,
)

TODAY = datetime.date(2026, 12, 2)
D = datetime.date
JANUARY = D(2026, 1, 1)


def facts(kind=TaskKind.DUE, *, due=None, done=None, last=None, updates=False, starts=JANUARY):
    return TaskFacts(kind=kind, starts_on=starts, due_on=due, done_on=done, last_period=last, has_updates=updates)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (facts(due=D(2027, 3, 1), done=D(2026, 11, 30)), TaskStatus.DONE),
        (facts(due=D(2026, 11, 1), done=D(2026, 11, 30)), TaskStatus.DONE),  # done late is still done
        (facts(due=D(2027, 3, 1), updates=True), TaskStatus.ON_SCHEDULE),
        (facts(due=D(2027, 3, 1)), TaskStatus.NOT_STARTED),
        (facts(due=D(2026, 12, 16), updates=True), TaskStatus.AT_RISK),  # 14 days left
        (facts(due=D(2026, 12, 17), updates=True), TaskStatus.ON_SCHEDULE),  # 15 days left
        (facts(due=D(2026, 12, 2)), TaskStatus.AT_RISK),  # due today
        (facts(due=D(2026, 12, 1)), TaskStatus.LATE),  # due yesterday, no completion
        (facts(due=D(2026, 12, 1), done=D(2026, 12, 3)), TaskStatus.LATE),  # a completion after the day asked
        (facts(due=D(2027, 6, 1), starts=D(2027, 1, 1)), TaskStatus.NOT_STARTED),
        (facts(TaskKind.MONTHLY, last=D(2026, 11, 1), updates=True), TaskStatus.MAINTAINED),
        (facts(TaskKind.MONTHLY, last=D(2026, 12, 1), updates=True), TaskStatus.MAINTAINED),
        (facts(TaskKind.MONTHLY, last=D(2026, 10, 1), updates=True), TaskStatus.AT_RISK),  # November owed, 2 days in
        (facts(TaskKind.QUARTERLY, last=D(2026, 7, 1), updates=True), TaskStatus.MAINTAINED),  # Q3 is owed
        (facts(TaskKind.QUARTERLY, last=D(2026, 4, 1), updates=True), TaskStatus.LATE),  # Q3 owed since 1 Oct
        (facts(TaskKind.YEARLY, starts=D(2024, 3, 1), last=D(2025, 1, 1), updates=True), TaskStatus.MAINTAINED),
        (facts(TaskKind.YEARLY, starts=D(2024, 3, 1), last=D(2024, 1, 1), updates=True), TaskStatus.LATE),
        (facts(TaskKind.YEARLY), TaskStatus.NOT_STARTED),  # started 2026: no year has ended, nothing reported
        (facts(TaskKind.CONTINUOUS, starts=D(2026, 11, 1)), TaskStatus.NOT_STARTED),  # no quarter has ended
        (facts(TaskKind.CONTINUOUS, starts=D(2026, 11, 1), updates=True), TaskStatus.MAINTAINED),
    ],
)
def test_task_status(case, expected):
    assert task_status(case, today=TODAY, warn_days=14) == expected


def test_a_missed_month_is_late_after_the_grace():
    case = facts(TaskKind.MONTHLY, last=D(2026, 10, 1), updates=True)
    assert task_status(case, today=D(2026, 12, 20), warn_days=14) == TaskStatus.LATE


def test_periods():
    assert period_start(TaskKind.MONTHLY, D(2026, 12, 2)) == D(2026, 12, 1)
    assert period_start(TaskKind.QUARTERLY, D(2026, 12, 2)) == D(2026, 10, 1)
    assert period_start(TaskKind.YEARLY, D(2026, 12, 2)) == D(2026, 1, 1)
    assert previous_period_start(TaskKind.MONTHLY, D(2026, 1, 15)) == D(2025, 12, 1)
    assert previous_period_start(TaskKind.QUARTERLY, D(2026, 2, 1)) == D(2025, 10, 1)
    assert previous_period_start(TaskKind.CONTINUOUS, D(2026, 5, 1)) == D(2026, 1, 1)


def test_crime_indicator_reads_like_the_seeds():
    """Baseline 1,000 (2016–2020 average), target −5 %, value 930: −7 %, on track."""
    target = target_of(baseline=Decimal(1000), target=Decimal(-5), relative=True)
    assert target == Decimal(950)
    assert change_of(baseline=Decimal(1000), current=Decimal(930)) == Decimal("-7.0")
    progress = progress_of(baseline=Decimal(1000), target=target, current=Decimal(930), direction=Direction.DECREASE)
    assert progress == Decimal("140.0")
    assert indicator_status(progress=progress, expected=Decimal(50), margin=20) == IndicatorStatus.ON_TRACK


@pytest.mark.parametrize(
    ("current", "expected", "status"),
    [
        ("950", "50", IndicatorStatus.ON_TRACK),  # the target reached
        ("975", "50", IndicatorStatus.ON_TRACK),  # half-way at half-time
        ("980", "50", IndicatorStatus.AT_RISK),  # 40 % of the way at half-time: within 20 points
        ("990", "50", IndicatorStatus.OFF_TRACK),  # 20 % of the way: more than 20 points behind
        ("1010", "50", IndicatorStatus.OFF_TRACK),  # worse than the baseline
        (None, "50", IndicatorStatus.NO_DATA),
    ],
)
def test_indicator_status(current, expected, status):
    value = None if current is None else Decimal(current)
    progress = progress_of(baseline=Decimal(1000), target=Decimal(950), current=value, direction=Direction.DECREASE)
    assert indicator_status(progress=progress, expected=Decimal(expected), margin=20) == status


def test_target_equal_to_baseline_and_expected_progress():
    assert (
        progress_of(baseline=Decimal(100), target=Decimal(100), current=Decimal(100), direction=Direction.REACH) == 100
    )
    assert progress_of(baseline=Decimal(100), target=Decimal(100), current=Decimal(99), direction=Direction.REACH) == 0
    assert expected_progress(start=D(2026, 1, 1), end=D(2026, 12, 31), today=D(2025, 6, 1)) == 0
    assert expected_progress(start=D(2026, 1, 1), end=D(2026, 12, 31), today=D(2027, 6, 1)) == 100
    assert expected_progress(start=D(2026, 1, 1), end=D(2026, 1, 10), today=D(2026, 1, 5)) == 50
