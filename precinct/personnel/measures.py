"""The force's figures for other apps (planning indicators), registered in PersonnelConfig.ready()."""

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from precinct.core.errors import NotFound
from precinct.core.measures import Grain, MeasureUnit, register
from precinct.organisation.models import Unit
from precinct.personnel.figures import Row, force_figures


def _row(unit_path: str, start: datetime.date, end: datetime.date) -> Row:
    unit = Unit.objects.filter(path=unit_path).first()
    if unit is None:
        raise NotFound()
    return force_figures(unit=unit, start=start, end=end, breakdown=False).total


def _measure(
    read: Callable[[Row], int | Decimal | None],
) -> Callable[[str, datetime.date, datetime.date], int | Decimal | None]:
    return lambda unit_path, start, end: read(_row(unit_path, start, end))


MEASURES = (
    ("headcount", _("Officers in service"), MeasureUnit.COUNT, lambda r: r.headcount),
    ("commune_headcount", _("Officers at commune level"), MeasureUnit.COUNT, lambda r: r.commune_level),
    (
        "degree_share",
        _("Share of officers with a college degree or higher"),
        MeasureUnit.PERCENT,
        lambda r: r.degree_share,
    ),
    ("training_coverage", _("Coverage of mandatory training"), MeasureUnit.PERCENT, lambda r: r.coverage),
    ("discipline_rate", _("Share of officers disciplined"), MeasureUnit.PERCENT, lambda r: r.discipline_rate),
    ("vacancies", _("Vacant positions"), MeasureUnit.COUNT, lambda r: r.vacancies),
    (
        "transfers_to_province",
        _("Transfers from commune level to the province"),
        MeasureUnit.COUNT,
        lambda r: r.to_province,
    ),
    (
        "transfers_to_commune",
        _("Transfers from the province to commune level"),
        MeasureUnit.COUNT,
        lambda r: r.to_commune,
    ),
)


def register_all() -> None:
    for name, label, unit, read in MEASURES:
        register(f"personnel.{name}", label=label, unit=unit, function=_measure(read), grain=Grain.DAY)
