"""The periodic report as an XLSX workbook: the summary sentence and counts, tasks with their derived
status, indicators with baseline, target, value, progress and status."""

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from precinct.core.formats import format_date
from precinct.planning.selectors import Overview
from precinct.planning.status import TaskStatus

HEADER = Font(bold=True, color="FFFFFF")
FILL = PatternFill("solid", fgColor="0F4C3A")


def _header(sheet: Any, titles: list[str], widths: list[int]) -> None:
    sheet.append(titles)
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = HEADER, FILL
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def _number(value: Any) -> Any:
    return None if value is None else float(value)


def report_xlsx(overview: Overview) -> bytes:
    plan = overview.plan
    book = Workbook()
    summary = book.active
    summary.title = _("Summary")[:31]
    summary.append([_("Plan"), f"{plan.number} — {plan.title}"])
    summary.append([_("Issuer"), plan.issuer])
    summary.append([_("Lead unit"), plan.lead_unit.display_name])
    summary.append([_("Period"), f"{format_date(overview.start)} – {format_date(overview.end)}"])
    summary.append([_("As of"), format_date(overview.as_of)])
    summary.append([_("Summary"), overview.summary()])
    summary.append([])
    _header(summary, [_("Status"), _("Tasks")], [30, 90])
    for status in TaskStatus:
        summary.append([str(status.label), overview.counts[status.value]])
    summary.append([_("Total"), overview.total])

    tasks = book.create_sheet(_("Tasks")[:31])
    _header(
        tasks,
        [
            _("No."),
            _("Task"),
            _("Lead unit"),
            _("Coordinating units"),
            _("Kind"),
            _("Due date"),
            _("Status"),
            _("Completed on"),
            _("Last period reported"),
        ],
        [6, 70, 30, 30, 16, 12, 20, 14, 16],
    )
    for row in overview.tasks:
        task = row.task
        tasks.append(
            [
                task.position,
                task.content,
                task.lead_unit.display_name,
                ", ".join(u.display_name for u in task.coordinating_units.all()),
                str(task.get_kind_display()),
                task.due_on,
                str(row.status.label),
                row.done_on,
                row.last_period,
            ]
        )
        tasks.cell(tasks.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    for column in ("F", "H", "I"):
        for cell in tasks[column][1:]:
            cell.number_format = "DD/MM/YYYY"

    indicators = book.create_sheet(_("Indicators")[:31])
    _header(
        indicators,
        [
            _("No."),
            _("Indicator"),
            _("Unit of measure"),
            _("Base period"),
            _("Baseline"),
            _("Target"),
            _("Value"),
            _("Change against the baseline (%)"),
            _("Progress (%)"),
            _("Status"),
            _("Source"),
        ],
        [6, 50, 12, 14, 12, 12, 12, 16, 14, 16, 30],
    )
    for line in overview.indicators:
        indicator = line.indicator
        indicators.append(
            [
                indicator.position,
                indicator.name,
                indicator.unit_of_measure,
                indicator.baseline_label,
                _number(indicator.baseline_value),
                _number(line.target),
                _number(line.value),
                _number(line.change),
                _number(line.progress),
                str(line.status.label),
                line.source,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
