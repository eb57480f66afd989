"""Officers from an XLSX list (how personnel lists circulate): the template, and the import, which checks every row
and saves all of them or none (errors name the row and the column)."""

import datetime
import io
import zipfile
from typing import Any

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.organisation.models import Officer, Rank
from precinct.organisation.selectors import province_root, unit_by_code
from precinct.organisation.services import officer_save
from precinct.personnel.models import EducationLevel
from precinct.personnel.permissions import can_run_transfers
from precinct.personnel.services.career import career_add, posting_write, profile_save

COLUMNS = {
    "full_name": _("Full name"),
    "rank": _("Rank (code, e.g. dai_uy)"),
    "unit": _("Unit (code)"),
    "position": _("Position"),
    "date_of_birth": _("Date of birth (dd/mm/yyyy)"),
    "joined_on": _("Date of joining (dd/mm/yyyy)"),
    "posted_on": _("At this unit since (dd/mm/yyyy)"),
    "education": _("Highest education (1 intermediate … 5 doctorate)"),
    "field": _("Field of study"),
    "institution": _("Institution"),
    "year": _("Year of graduation"),
}
FIELDS = tuple(COLUMNS)
MAX_ROWS = 5000


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = gettext("Officers")[:31]
    sheet.append([str(COLUMNS[name]) for name in FIELDS])
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="0F4C3A")
    sheet.append(
        [
            "Nguyễn Văn An",
            "dai_uy",
            "22",
            "Cán bộ",
            "15/03/1990",
            "01/09/2012",
            "01/07/2025",
            3,
            "Luật",
            "Học viện CSND",
            2012,
        ]
    )
    for i in range(1, len(FIELDS) + 1):
        sheet.column_dimensions[get_column_letter(i)].width = 22
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(_text(value), fmt).date()
        except ValueError:
            continue
    return None


def _message(row: int, name: str, message: Any) -> str:
    return gettext("Row %(row)d, column %(column)s (%(title)s): %(message)s") % {
        "row": row,
        "column": get_column_letter(FIELDS.index(name) + 1),
        "title": COLUMNS[name],
        "message": message,
    }


def parse(data: bytes) -> list[dict[str, Any]]:
    """The rows, checked; ValidationFailed listing every fault of every row otherwise."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationFailed({"file": [_("This is not an Excel (.xlsx) file.")]}) from exc
    rows: list[dict[str, Any]] = []
    problems: list[Any] = []
    today = datetime.date.today()
    for number, values in enumerate(book.worksheets[0].iter_rows(min_row=2, values_only=True), start=2):
        cells = list(values[: len(FIELDS)]) + [None] * (len(FIELDS) - len(values))
        if all(_text(c) == "" for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationFailed({"file": [_("A file may hold at most 5,000 officers.")]})
        raw = dict(zip(FIELDS, cells, strict=True))
        row: dict[str, Any] = {"row": number}
        if not _text(raw["full_name"]):
            problems.append(_message(number, "full_name", _("This field is required.")))
        row["full_name"] = _text(raw["full_name"])
        if _text(raw["rank"]) not in Rank.values:
            problems.append(_message(number, "rank", _("Choose one of the listed ranks.")))
        row["rank"] = _text(raw["rank"])
        row["unit"] = unit_by_code(_text(raw["unit"]))
        if row["unit"] is None:
            problems.append(_message(number, "unit", _("There is no active unit with this code.")))
        row["position"] = _text(raw["position"])
        for name in ("date_of_birth", "joined_on", "posted_on"):
            row[name] = _date(raw[name])
            if row[name] is None or row[name] > today:
                problems.append(_message(number, name, _("Enter a date as dd/mm/yyyy, not in the future.")))
        level = _text(raw["education"])
        row["education"] = int(level) if level.isdigit() else None
        if level and row["education"] not in EducationLevel.values:
            problems.append(_message(number, "education", _("Enter a level from 1 to 5.")))
        row.update({k: _text(raw[k]) for k in ("field", "institution")})
        year = _text(raw["year"])
        row["year"] = int(year) if year.isdigit() else None
        if level and (row["year"] is None or not row["field"] or not row["institution"]):
            problems.append(_message(number, "year", _("A degree needs its field, institution and year.")))
        rows.append(row)
    if problems:
        raise ValidationFailed({"file": problems})
    if not rows:
        raise ValidationFailed({"file": [_("The file has no officers.")]})
    return rows


@transaction.atomic
def officers_import(*, actor: Actor, data: bytes) -> int:
    """Create the officers of the file with their profile, posting and highest degree: all or none."""
    if actor is not None and not can_run_transfers(actor, province_root()):
        raise PermissionDenied()
    rows = parse(data)
    for row in rows:
        officer: Officer = officer_save(
            actor=None, full_name=row["full_name"], rank=row["rank"], unit=row["unit"], position=row["position"]
        )
        profile_save(actor=None, officer=officer, date_of_birth=row["date_of_birth"], joined_on=row["joined_on"])
        posting_write(
            actor=actor,
            officer=officer,
            unit=row["unit"],
            position=row["position"],
            start_on=row["posted_on"],
            decision={},
        )
        if row["education"]:
            career_add(
                actor=None,
                officer=officer,
                kind="education",
                values={
                    "level": row["education"],
                    "field": row["field"],
                    "institution": row["institution"],
                    "year": row["year"],
                },
            )
    audit_record(actor=actor, action="personnel.officers_import", unit=province_root(), after={"officers": len(rows)})
    return len(rows)
