"""The dashboard's current view as an XLSX workbook (openpyxl): the same figures, one sheet per table."""

import io
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from precinct.core.formats import format_datetime, format_month
from precinct.stats.labels import FIGURE_LABELS
from precinct.stats.selectors import Report

HEADER = Font(bold=True, color="FFFFFF")
FILL = PatternFill("solid", fgColor="0F4C3A")
GROUP_COLUMNS = (
    "received",
    "received_online",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "share_on_time",
    "share_resolved_online",
    "average_days",
    "supplemented",
    "refused",
    "returned",
    "withdrawn",
    "overdue",
    "billed_count",
    "paid_count",
    "paid_vnd",
    "share_paid_online",
)


def _header(sheet: Any, titles: list[str]) -> None:
    sheet.append(titles)
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = HEADER, FILL
    for i, title in enumerate(titles, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(12, min(len(title) + 2, 48))


def report_xlsx(report: Report) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = _("Summary")[:31]
    scope = report.scope
    summary.append([_("Unit"), scope.unit.display_name])
    if scope.field is not None:
        summary.append([_("Field"), scope.field.display_name])
    if scope.procedure is not None:
        summary.append([_("Procedure"), scope.procedure.code])
    summary.append([_("Period"), f"{format_month(report.period.first)} – {format_month(report.period.last)}"])
    summary.append([_("Figures as of"), format_datetime(report.as_of, seconds=True)])
    summary.append([])
    current, previous, last_year = report.current.as_dict(), report.previous.as_dict(), report.last_year.as_dict()
    if report.previous_is_last_year:  # twelve months: the previous period is the same period last year
        _header(summary, [_("Figure"), _("This period"), _("Same period last year")])
        for key, label in FIGURE_LABELS.items():
            summary.append([str(label), current[key], last_year[key]])
    else:
        _header(summary, [_("Figure"), _("This period"), _("Previous period"), _("Same period last year")])
        for key, label in FIGURE_LABELS.items():
            summary.append([str(label), current[key], previous[key], last_year[key]])
    summary.column_dimensions["A"].width = 44
    for kind, title in (
        ("month", _("By month")),
        ("unit", _("By unit")),
        ("field", _("By field")),
        ("procedure", _("By procedure")),
    ):
        sheet = book.create_sheet(title[:31])
        # "Name" with a context: the project catalogue's plain "Name" is a person's full name ("Họ và tên").
        _header(
            sheet,
            [_("Code"), pgettext("unit, field or procedure", "Name"), *[str(FIGURE_LABELS[c]) for c in GROUP_COLUMNS]],
        )
        for group in report.groups.get(kind, []):
            figures = group.figures.as_dict()
            sheet.append([group.key, group.label, *[figures[c] for c in GROUP_COLUMNS]])
        sheet.column_dimensions["B"].width = 48
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
