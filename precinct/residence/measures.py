"""The register's figures for other apps (planning indicators), registered in ResidenceConfig.ready()."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from precinct.core.errors import NotFound
from precinct.core.measures import Grain, MeasureUnit, register
from precinct.organisation.models import Unit
from precinct.residence.quality import ward_report


def _report(unit_path: str, end: datetime.date):  # type: ignore[no-untyped-def]
    if not Unit.objects.filter(path=unit_path).exists():
        raise NotFound()
    return ward_report(unit_path, today=end, until=end)


def completeness(unit_path: str, start: datetime.date, end: datetime.date) -> Decimal | None:
    return _report(unit_path, end).completeness


def validity(unit_path: str, start: datetime.date, end: datetime.date) -> Decimal | None:
    return _report(unit_path, end).validity


def consistency(unit_path: str, start: datetime.date, end: datetime.date) -> Decimal | None:
    return _report(unit_path, end).consistency


def duplicate_candidates(unit_path: str, start: datetime.date, end: datetime.date) -> int:
    return _report(unit_path, end).duplicate_count


def expired_temporary(unit_path: str, start: datetime.date, end: datetime.date) -> int:
    return _report(unit_path, end).expired_count


def register_all() -> None:
    register(
        "residence.completeness",
        label=_("Share of residents' records with every required field"),
        unit=MeasureUnit.PERCENT,
        function=completeness,
        grain=Grain.DAY,
    )
    register(
        "residence.validity",
        label=_("Share of residents' personal ID numbers that pass the rules"),
        unit=MeasureUnit.PERCENT,
        function=validity,
        grain=Grain.DAY,
    )
    register(
        "residence.consistency",
        label=_("Share of residents touched by no consistency finding (households, relations, residences)"),
        unit=MeasureUnit.PERCENT,
        function=consistency,
        grain=Grain.DAY,
    )
    register(
        "residence.duplicate_candidates",
        label=_("Possible duplicate residents' records"),
        unit=MeasureUnit.COUNT,
        function=duplicate_candidates,
        grain=Grain.DAY,
    )
    register(
        "residence.expired_temporary",
        label=_("Temporary residences past their end date, still open"),
        unit=MeasureUnit.COUNT,
        function=expired_temporary,
        grain=Grain.DAY,
    )
