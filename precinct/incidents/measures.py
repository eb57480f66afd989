"""The crime figures as registered measures (core.measures, docs/adr/0016), for readers that must not import
incidents (planning's indicators: "social-order crimes −5 % against 2016–2020"). Each is the statistics
page's own figure (`selectors.crime_figures`), so an indicator and the page never disagree."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from precinct.core.errors import NotFound
from precinct.core.measures import MeasureFunction, MeasureUnit, register
from precinct.incidents.selectors import crime_figures
from precinct.organisation.models import Unit


def _unit(unit_path: str) -> Unit:
    unit = Unit.objects.filter(path=unit_path).first()
    if unit is None:
        raise NotFound()
    return unit


def _crimes(group: str = "") -> MeasureFunction:
    def figure(unit_path: str, start: datetime.date, end: datetime.date) -> int:
        stats = crime_figures(_unit(unit_path), start, end)
        if not group:
            return stats.crimes
        row = stats.group(group)
        return row.crimes if row else 0

    return figure


def solve_rate(unit_path: str, start: datetime.date, end: datetime.date) -> Decimal | None:
    return crime_figures(_unit(unit_path), start, end).solve_rate


MEASURES = (
    ("incidents.crimes", _("Crimes recorded (criminal cases opened)"), MeasureUnit.COUNT, _crimes()),
    ("incidents.crimes_social_order", _("Social-order crimes recorded"), MeasureUnit.COUNT, _crimes("social_order")),
    ("incidents.crimes_drugs", _("Drug crimes recorded"), MeasureUnit.COUNT, _crimes("drugs")),
    (
        "incidents.crimes_economic_corruption",
        _("Economic and corruption crimes recorded"),
        MeasureUnit.COUNT,
        _crimes("economic_corruption"),
    ),
    ("incidents.crimes_environment", _("Environmental crimes recorded"), MeasureUnit.COUNT, _crimes("environment")),
    ("incidents.crimes_high_tech", _("High-tech crimes recorded"), MeasureUnit.COUNT, _crimes("high_tech")),
    ("incidents.solve_rate", _("Share of criminal cases solved"), MeasureUnit.PERCENT, solve_rate),
)


def register_all() -> None:
    for key, label, unit, function in MEASURES:
        register(key, label=label, unit=unit, function=function)
