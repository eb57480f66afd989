"""A plan's tasks from an XLSX file (how plans circulate today): the template to fill, and its reading into
rows for `services.tasks_import`, which saves all of them or none."""

import datetime
import io
import zipfile
from typing import Any

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from precinct.core.api_types import int_param
from precinct.core.errors import ValidationFailed
from precinct.planning.models import TaskKind
from precinct.planning.services import TASK_FIELDS, Errors, TaskInput

COLUMNS = {
    "position": _("No."),
    "content": _("Task"),
    "lead_unit": _("Lead unit (code)"),
    "coordinating_units": _("Coordinating units (codes, separated by commas)"),
    "kind": _("Kind (due, monthly, quarterly, yearly, continuous)"),
    "due_on": _("Due date (dd/mm/yyyy)"),
    "starts_on": _("Starts on (dd/mm/yyyy, optional)"),
    "expected_output": _("Expected output"),
}
MAX_ROWS = 2000


def column_of(name: str) -> str:
    return get_column_letter(TASK_FIELDS.index(name) + 1) if name in TASK_FIELDS else "?"


def cell_message(row: int, name: str, message: Any) -> str:
    return gettext("Row %(row)d, column %(column)s (%(title)s): %(message)s") % {
        "row": row,
        "column": column_of(name),
        "title": COLUMNS.get(name, name),
        "message": message,
    }


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = gettext("Tasks")[:31]
    sheet.append([str(COLUMNS[name]) for name in TASK_FIELDS])
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="0F4C3A")
    sheet.append([1, gettext("Example: issue guiding documents"), "22", "", "due", "30/06/2026", "", ""])
    for i, width in enumerate((6, 60, 16, 30, 18, 16, 16, 30), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any, name: str, errors: Errors) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(str(value).strip(), fmt).date()
        except ValueError:
            continue
    errors.setdefault(name, []).append(_("Enter a date as dd/mm/yyyy."))
    return None


def _kind(value: str) -> str:
    """A kind by its code or its label in either language ("hàng tháng", "Monthly")."""
    wanted = value.strip().lower()
    for choice in TaskKind:
        names = {choice.value}
        for language in ("vi", "en"):
            with translation.override(language):
                names.add(str(choice.label).lower())
        if wanted in names:
            return choice.value
    return wanted


def parse_xlsx(data: bytes) -> list[tuple[int, TaskInput | Errors]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationFailed({"file": [_("This is not an Excel (.xlsx) file.")]}) from exc
    sheet = book.worksheets[0]
    rows: list[tuple[int, TaskInput | Errors]] = []
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        cells = list(values[: len(TASK_FIELDS)]) + [None] * (len(TASK_FIELDS) - len(values))
        if all(_text(c) == "" for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationFailed({"file": [_("A file may hold at most 2,000 tasks.")]})
        raw = dict(zip(TASK_FIELDS, cells, strict=True))
        errors: Errors = {}
        position_text = _text(raw["position"])
        position = int_param(position_text, low=0, high=2**31 - 1)
        if position is None:
            errors.setdefault("position", []).append(_("Enter a whole number from 1."))
        due_on = _date(raw["due_on"], "due_on", errors)
        starts_on = _date(raw["starts_on"], "starts_on", errors)
        if errors or position is None:
            rows.append((number, errors))
            continue
        rows.append(
            (
                number,
                TaskInput(
                    position=position,
                    content=_text(raw["content"]),
                    lead_unit_code=_text(raw["lead_unit"]),
                    coordinating_codes=[c for c in _text(raw["coordinating_units"]).split(",") if c.strip()],
                    kind=_kind(_text(raw["kind"])),
                    due_on=due_on,
                    starts_on=starts_on,
                    expected_output=_text(raw["expected_output"]),
                ),
            )
        )
    book.close()
    return rows
