"""Registered measures: figures an app computes, read by others through a stable key, without importing it.

An app registers its measures in its AppConfig.ready(); a reader (the coming planning app's indicators:
"dossiers resolved online ≥ 99.92 %", "social-order crimes −5 % against 2016–2020") asks
`measure_value("stats.share_on_time", unit_path=..., start=..., end=...)` and never imports `stats`.
The kernel holds the registry so that dependencies keep pointing one way (docs/adr/0016).

The contract of a measure's function `(unit_path, start, end) -> int | Decimal | None`:
- the figure for the unit whose `Unit.path` is `unit_path` and everything under it, over the local calendar
  days `start` to `end`, both included (a measure of grain MONTH is asked only for whole months);
- an `int` for a count, a `Decimal` for a percent (0–100) or a number of days; `None` when the figure has no
  value for that unit and period (a share of nothing, an average of nothing), never 0 in its place;
- a read: no writes, no side effects, a few queries over summaries rather than a scan of raw rows;
- no actor: whoever shows the figure checks first that the person may see that unit's figures;
- a path that is no unit raises `precinct.core.errors.NotFound`.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.functional import Promise

KEY = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")  # "<app label>.<name>"

Value = int | Decimal | None
MeasureFunction = Callable[[str, datetime.date, datetime.date], Value]


class MeasureUnit(StrEnum):
    """What a figure counts; readers choose how to show it (a percent sign, "ngày")."""

    COUNT = "count"
    PERCENT = "percent"
    DAYS = "days"


class Grain(StrEnum):
    """The shortest period a measure can be given for: any run of days, or whole months only (figures
    kept per month, like the statistics' summaries)."""

    DAY = "day"
    MONTH = "month"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str | Promise
    unit: MeasureUnit
    function: MeasureFunction
    grain: Grain = Grain.DAY


class UnknownMeasure(LookupError):
    """No app registered this key (a stored key whose app is gone, a typing error)."""


def _is_month_start(day: datetime.date) -> bool:
    return day.day == 1


def _is_month_end(day: datetime.date) -> bool:
    return (day + datetime.timedelta(days=1)).day == 1


class Registry:
    """Measures by key. The project has one (`registry`, below); tests may build their own."""

    def __init__(self) -> None:
        self._measures: dict[str, Measure] = {}

    def register(
        self,
        key: str,
        *,
        label: str | Promise,
        unit: MeasureUnit,
        function: MeasureFunction,
        grain: Grain = Grain.DAY,
    ) -> Measure:
        if not KEY.match(key):
            raise ValueError(f"A measure's key is '<app label>.<name>' in lower case, not {key!r}.")
        if key in self._measures:
            # Two apps (or one app twice) claiming a key would make a stored indicator read the wrong figure.
            raise ValueError(f"The measure {key!r} is already registered.")
        measure = Measure(key=key, label=label, unit=MeasureUnit(unit), function=function, grain=Grain(grain))
        self._measures[key] = measure
        return measure

    def get(self, key: str) -> Measure:
        try:
            return self._measures[key]
        except KeyError:
            known = ", ".join(sorted(self._measures)) or "none"
            raise UnknownMeasure(f"No measure is registered as {key!r} (registered: {known}).") from None

    def all(self) -> list[Measure]:
        return sorted(self._measures.values(), key=lambda m: m.key)

    def value(self, key: str, *, unit_path: str, start: datetime.date, end: datetime.date) -> Value:
        measure = self.get(key)
        if start > end:
            raise ValueError(f"The period of {key!r} starts ({start}) after it ends ({end}).")
        if measure.grain == Grain.MONTH and not (_is_month_start(start) and _is_month_end(end)):
            raise ValueError(f"{key!r} is kept per month: ask for whole months, not {start} to {end}.")
        value = measure.function(unit_path, start, end)
        # Floats would round differently from one reader to the next; bool is an int in Python, and no figure.
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | Decimal)):
            raise TypeError(f"The measure {key!r} gave {type(value).__name__}, not int, Decimal or None.")
        return value


registry = Registry()


def register(
    key: str, *, label: str | Promise, unit: MeasureUnit, function: MeasureFunction, grain: Grain = Grain.DAY
) -> Measure:
    """Register a measure (in the app's AppConfig.ready()); a key registered twice is an error."""
    return registry.register(key, label=label, unit=unit, function=function, grain=grain)


def measures() -> list[Measure]:
    """Every registered measure, by key."""
    return registry.all()


def measure_get(key: str) -> Measure:
    """The measure registered as `key` (its label, unit and grain); UnknownMeasure if there is none."""
    return registry.get(key)


def measure_value(key: str, *, unit_path: str, start: datetime.date, end: datetime.date) -> Value:
    """The figure of measure `key` for the unit's subtree over `start`–`end` (both included)."""
    return registry.value(key, unit_path=unit_path, start=start, end=end)
