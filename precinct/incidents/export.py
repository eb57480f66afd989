"""The crime statistics as an XLSX workbook (openpyxl): the page's figures, one sheet per table."""

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from precinct.core.formats import format_date
from precinct.incidents.selectors import CrimeStats

HEADER = Font(bold=True, color="FFFFFF")
FILL = PatternFill("solid", fgColor="0F4C3A")


def _table(book: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER, FILL
    for row in rows:
        sheet.append([float(v) if hasattr(v, "quantize") else v for v in row])


def stats_xlsx(stats: CrimeStats) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = _("Summary")[:31]
    summary.append([_("Unit"), stats.unit.display_name])
    summary.append([_("Period"), f"{format_date(stats.start)} – {format_date(stats.end)}"])
    summary.append([_("Crimes"), stats.crimes])
    summary.append([_("Solved"), stats.solved])
    summary.append([_("Solve rate (%)"), float(stats.solve_rate) if stats.solve_rate is not None else None])
    summary.append([_("Arrests"), stats.arrests])
    summary.append([_("Persons arrested"), stats.arrested_persons])
    summary.append([_("Base period"), f"{stats.base_from}–{stats.base_to}"])
    rate = float(stats.change_percent) if stats.change_percent is not None else None
    summary.append([_("Change against the base period (%)"), rate])
    _table(
        book,
        _("By group"),
        [_("Group"), _("Crimes"), _("Solved"), _("Base period average"), _("Change (%)")],
        [[g.name, g.crimes, g.solved, g.base_average, g.change_percent] for g in stats.groups],
    )
    _table(
        book,
        _("By article"),
        [_("Article"), _("Title"), _("Group"), _("Crimes"), _("Solved")],
        [[a["article"], a["title"], a["group"], a["crimes"], a["solved"]] for a in stats.articles],
    )
    _table(
        book,
        _("By ward"),
        [_("Unit"), _("Crimes"), _("Solved"), _("Solve rate (%)"), _("Arrests")],
        [[w["name"], w["crimes"], w["solved"], w["solve_rate"], w["arrests"]] for w in stats.wards],
    )
    _table(book, _("By month"), [_("Month"), _("Crimes")], [[m["month"], m["crimes"]] for m in stats.months])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
