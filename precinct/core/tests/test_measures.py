"""The registry of measures: keys are unique, unknown keys and impossible periods are refused clearly."""

import datetime
from decimal import Decimal

import pytest

from precinct.core.measures import Grain, MeasureUnit, Registry, UnknownMeasure

JAN_1, JAN_31, FEB_15 = datetime.date(2026, 1, 1), datetime.date(2026, 1, 31), datetime.date(2026, 2, 15)


def days_in_period(unit_path: str, start: datetime.date, end: datetime.date) -> int:
    return (end - start).days + 1


def test_a_registered_measure_is_listed_and_answers_for_its_unit_and_period():
    registry = Registry()
    seen = []

    def share(unit_path: str, start: datetime.date, end: datetime.date) -> Decimal:
        seen.append((unit_path, start, end))
        return Decimal("99.92")

    registry.register("demo.share", label="Share", unit=MeasureUnit.PERCENT, function=share)
    registry.register("demo.days", label="Days", unit=MeasureUnit.COUNT, function=days_in_period)
    assert [m.key for m in registry.all()] == ["demo.days", "demo.share"]
    assert registry.get("demo.share").unit == MeasureUnit.PERCENT
    assert registry.value("demo.share", unit_path="22/07168/", start=JAN_1, end=FEB_15) == Decimal("99.92")
    assert seen == [("22/07168/", JAN_1, FEB_15)]
    assert registry.value("demo.days", unit_path="22/", start=JAN_1, end=JAN_31) == 31


def test_a_key_registered_twice_is_an_error_and_the_first_stays():
    registry = Registry()
    registry.register("demo.days", label="Days", unit=MeasureUnit.COUNT, function=days_in_period)
    with pytest.raises(ValueError, match="already registered"):
        registry.register("demo.days", label="Other", unit=MeasureUnit.DAYS, function=lambda *_a: 0)
    assert registry.get("demo.days").label == "Days"


@pytest.mark.parametrize("key", ["days", "Demo.days", "demo.days.more", "demo.", ".days", "demo days"])
def test_a_key_is_app_dot_name(key):
    with pytest.raises(ValueError, match="app label"):
        Registry().register(key, label="Days", unit=MeasureUnit.COUNT, function=days_in_period)


def test_an_unknown_key_says_which_key_and_what_is_registered():
    registry = Registry()
    registry.register("demo.days", label="Days", unit=MeasureUnit.COUNT, function=days_in_period)
    with pytest.raises(UnknownMeasure, match=r"'demo\.nights'.*demo\.days"):
        registry.value("demo.nights", unit_path="22/", start=JAN_1, end=JAN_31)
    with pytest.raises(LookupError):  # UnknownMeasure is a LookupError, like KeyError
        Registry().get("demo.days")


def test_a_period_must_not_end_before_it_starts():
    registry = Registry()
    registry.register("demo.days", label="Days", unit=MeasureUnit.COUNT, function=days_in_period)
    with pytest.raises(ValueError, match="after it ends"):
        registry.value("demo.days", unit_path="22/", start=JAN_31, end=JAN_1)


def test_a_monthly_measure_is_asked_for_whole_months_only():
    registry = Registry()
    registry.register("demo.days", label="Days", unit=MeasureUnit.COUNT, function=days_in_period, grain=Grain.MONTH)
    assert registry.value("demo.days", unit_path="22/", start=JAN_1, end=datetime.date(2026, 2, 28)) == 59
    for start, end in ((JAN_1, FEB_15), (datetime.date(2026, 1, 2), JAN_31)):
        with pytest.raises(ValueError, match="whole months"):
            registry.value("demo.days", unit_path="22/", start=start, end=end)


@pytest.mark.parametrize("bad", [99.92, True, "99.92"])
def test_a_figure_is_an_int_a_decimal_or_none(bad):
    registry = Registry()
    registry.register("demo.bad", label="Bad", unit=MeasureUnit.PERCENT, function=lambda *_a: bad)
    registry.register("demo.none", label="None", unit=MeasureUnit.PERCENT, function=lambda *_a: None)
    with pytest.raises(TypeError, match=r"demo\.bad"):
        registry.value("demo.bad", unit_path="22/", start=JAN_1, end=JAN_31)
    assert registry.value("demo.none", unit_path="22/", start=JAN_1, end=JAN_31) is None
