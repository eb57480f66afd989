"""The statistics' headline figures as registered measures (core.measures, docs/adr/0016), for readers
that must not import stats (planning's indicators). Each is the dashboard's own figure: the same report
(`selectors.dossier_report`) over the unit's subtree and the months asked for, so an indicator and the
dashboard never disagree."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from precinct.core.measures import Grain, MeasureFunction, MeasureUnit, register
from precinct.stats.selectors import Period, dossier_report, unit_scope


def _figures(unit_path: str, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    # Whole months only (Grain.MONTH: the registry refuses other periods), as the summaries keep them.
    period = Period(start.replace(day=1), end.replace(day=1))
    return dossier_report(scope=unit_scope(unit_path), period=period, group_by=()).current.as_dict()


def _count(name: str) -> MeasureFunction:
    def figure(unit_path: str, start: datetime.date, end: datetime.date) -> int:
        return int(_figures(unit_path, start, end)[name])

    return figure


def _decimal(name: str) -> MeasureFunction:
    def figure(unit_path: str, start: datetime.date, end: datetime.date) -> Decimal | None:
        value = _figures(unit_path, start, end)[name]
        # The report rounds to two places; str() keeps exactly those digits (99.92, not 99.9199999…).
        return None if value is None else Decimal(str(value))

    return figure


MEASURES = (
    ("stats.dossiers_received", _("Dossiers received"), MeasureUnit.COUNT, _count("received")),
    ("stats.dossiers_resolved", _("Dossiers resolved"), MeasureUnit.COUNT, _count("resolved")),
    (
        "stats.share_on_time",
        _("Share of dossiers resolved early or on time"),
        MeasureUnit.PERCENT,
        _decimal("share_on_time"),
    ),
    (
        "stats.share_received_online",
        _("Share of dossiers received online"),
        MeasureUnit.PERCENT,
        _decimal("share_received_online"),
    ),
    (
        "stats.share_resolved_online",
        _("Share of dossiers resolved online"),
        MeasureUnit.PERCENT,
        _decimal("share_resolved_online"),
    ),
    (
        "stats.average_resolve_days",
        _("Average working days to resolve a dossier"),
        MeasureUnit.DAYS,
        _decimal("average_days"),
    ),
)


def register_measures() -> None:
    for key, label, unit, function in MEASURES:
        register(key, label=label, unit=unit, function=function, grain=Grain.MONTH)
