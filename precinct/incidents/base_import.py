"""Counts from before the system (e.g. 2016–2020, by ward, year, optionally month, and crime group) from an
XLSX template: the template to fill, its reading, and `base_figures_import`, which validates every row and
writes all of them or none — unless the user explicitly asks to import the valid rows and leave out the
refused ones. Either way the refused rows come back with their row number and reason."""

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.incidents import penal_code
from precinct.incidents.models import BaseFigure
from precinct.incidents.permissions import can_import_base_figures, can_set_base_figures
from precinct.organisation.models import Unit
from precinct.organisation.selectors import commune_level_units, province_root_or_none

FIELDS = ("ward", "year", "month", "crime_group", "count")
COLUMNS = {
    "ward": _("Ward / commune police (code)"),
    "year": _("Year"),
    "month": _("Month (1–12, empty for the whole year)"),
    "crime_group": _("Crime group (code or name)"),
    "count": _("Crimes counted"),
}
MAX_ROWS = 20_000
FIRST_YEAR = 1990


@dataclass(frozen=True, slots=True)
class Refused:
    row: int
    column: str
    reason: str

    @property
    def column_label(self) -> str:
        return str(COLUMNS.get(self.column, self.column))

    @property
    def message(self) -> str:
        return gettext("Row %(row)d, %(column)s: %(reason)s") % {
            "row": self.row,
            "column": COLUMNS.get(self.column, self.column),
            "reason": self.reason,
        }


@dataclass
class ImportReport:
    rows: int = 0
    figures: int = 0  # (ward, year, group) counts written
    refused: list[Refused] = field(default_factory=list)


class ImportRefused(ValidationFailed):
    """Some rows are refused and the user did not choose to import the valid ones: nothing was written."""

    def __init__(self, refused: list[Refused], rows: int) -> None:
        super().__init__(
            {"file": [r.message for r in refused[:200]]},
            _("Nothing was imported: %(n)d of %(rows)d rows are refused.")
            % {"n": len({r.row for r in refused}), "rows": rows},
        )
        self.refused = refused
        self.rows = rows


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = gettext("Base figures")[:31]
    sheet.append([str(COLUMNS[name]) for name in FIELDS])
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="0F4C3A")
    codes = [ward.code for ward in commune_level_units()[:2]] or [""]
    for code in codes:
        sheet.append([code, 2016, None, "social_order", 0])
    for column, width in zip("ABCDE", (30, 8, 30, 30, 16), strict=True):
        sheet.column_dimensions[column].width = width
    groups = book.create_sheet(gettext("Crime groups")[:31])
    groups.append([gettext("Code"), gettext("Name")])
    for g in penal_code.groups():
        groups.append([g.code, g.name])
    units = book.create_sheet(gettext("Wards")[:31])
    units.append([gettext("Code"), gettext("Name")])
    for unit in commune_level_units():
        units.append([unit.code, unit.display_name])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def parse_xlsx(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """The first sheet's rows (from the second), numbered as Excel shows them; empty rows are skipped."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationFailed({"file": [_("This is not an Excel (.xlsx) file.")]}) from exc
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(book.worksheets[0].iter_rows(min_row=2, values_only=True), start=2):
        cells = list(values[: len(FIELDS)]) + [None] * (len(FIELDS) - len(values))
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationFailed({"file": [_("A file may hold at most 20,000 rows.")]})
        rows.append((number, dict(zip(FIELDS, cells, strict=True))))
    book.close()
    return rows


def _whole(value: Any) -> int | None:
    """A whole number from a cell (12, 12.0, "12"), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    sign = -1 if text.startswith("-") else 1
    text = text.removeprefix("-")
    return sign * int(text) if text.isdigit() else None


def _group(value: Any) -> str | None:
    wanted = str(value or "").strip().lower()
    for g in penal_code.groups():
        if wanted in (g.code, g.name_vi.lower(), g.name_en.lower()):
            return g.code
    return None


def _validate(
    actor: Actor, rows: Sequence[tuple[int, dict[str, Any]]], units: dict[str, Unit]
) -> tuple[dict[tuple[int, int, str], int], list[Refused]]:
    """Per (unit, year, group): the count (a whole year's, or the sum of its months); and the refusals."""
    refused: list[Refused] = []
    this_year = timezone.localdate().year
    sums: dict[tuple[int, int, str], int] = {}
    seen: dict[tuple[int, int, str], dict[int, int]] = {}  # key → {month (0: whole year): row}
    for row, raw in rows:
        errors: list[tuple[str, str | Promise]] = []
        code = str(raw["ward"] or "").strip()
        unit = units.get(code)
        if unit is None:
            errors.append(
                ("ward", _("there is no ward, commune or special zone with the code “%(code)s”.") % {"code": code})
            )
        elif not can_set_base_figures(actor, unit):
            errors.append(("ward", _("you cannot set the figures of this unit.")))
        year = _whole(raw["year"])
        if year is None or not FIRST_YEAR <= year <= this_year:
            errors.append(("year", _("enter a year between 1990 and this year.")))
        month = 0 if raw["month"] in (None, "") else _whole(raw["month"])
        if month is None or not 0 <= month <= 12 or (raw["month"] not in (None, "") and month == 0):
            errors.append(("month", _("a month is a number from 1 to 12 (or empty for the whole year).")))
        group = _group(raw["crime_group"])
        if group is None:
            errors.append(("crime_group", _("there is no such crime group.")))
        count = _whole(raw["count"])
        if count is None:
            errors.append(("count", _("enter a whole number.")))
        elif count < 0:
            errors.append(("count", _("a count cannot be negative.")))
        if not errors:
            assert (
                unit is not None and year is not None and month is not None and group is not None and count is not None
            )
            key = (unit.pk, year, group)
            months = seen.setdefault(key, {})
            clash = months.get(month) or (months.get(0) if month else next(iter(months.values()), None))
            if clash is not None:
                errors.append(
                    ("month", _("the same ward, year and group is already counted in row %(row)d.") % {"row": clash})
                )
            else:
                months[month] = row
                sums[key] = sums.get(key, 0) + count
        refused += [Refused(row, column, str(reason)) for column, reason in errors]
    return sums, refused


@transaction.atomic
def base_figures_import(
    *, actor: Actor, rows: Sequence[tuple[int, dict[str, Any]]], import_valid: bool = False
) -> ImportReport:
    """Write the base figures of every row, replacing a ward's count for the same year and group (a month's
    rows are added up into the year). Any refused row stops the whole import (ImportRefused, nothing
    written) unless `import_valid`: then the valid rows are written and the refused ones reported."""
    if not can_import_base_figures(actor):
        raise PermissionDenied()
    if not rows:
        raise ValidationFailed({"file": [_("The file has no rows.")]})
    units = {u.code: u for u in commune_level_units()}
    sums, refused = _validate(actor, rows, units)
    if refused and not import_valid:
        raise ImportRefused(refused, len(rows))
    refused_rows = {r.row for r in refused}
    by_pk = {u.pk: u for u in units.values()}
    existing = {
        (f.unit_id, f.year, f.crime_group): f
        for f in BaseFigure.objects.filter(unit_id__in={k[0] for k in sums}, year__in={k[1] for k in sums})
    }
    new, changed = [], []
    for (unit_id, year, group), count in sums.items():
        figure = existing.get((unit_id, year, group))
        if figure is None:
            unit = by_pk[unit_id]
            new.append(BaseFigure(unit=unit, unit_path=unit.path, year=year, crime_group=group, count=count))
        elif figure.count != count:
            figure.count = count
            changed.append(figure)
    BaseFigure.objects.bulk_create(new)
    BaseFigure.objects.bulk_update(changed, ["count"])
    audit_record(
        actor=actor,
        action="incidents.base_figures_import",
        unit=province_root_or_none(),
        after={
            "rows": len(rows),
            "figures": len(sums),
            "created": len(new),
            "changed": len(changed),
            "refused_rows": sorted(refused_rows),
        },
    )
    return ImportReport(rows=len(rows), figures=len(sums), refused=refused)


def refused_report(refused: Sequence[Refused]) -> list[dict[str, Any]]:
    """The refused rows for an API answer."""
    return [{"row": r.row, "column": r.column, "reason": r.reason} for r in refused]
