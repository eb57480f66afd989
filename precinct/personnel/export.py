"""The leaders' figures as an XLSX workbook: the total, one row per unit under it, courses and activities."""

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from precinct.personnel.figures import Figures, Row
from precinct.personnel.models import ActivityKind, CourseKind


def _number(value: Any) -> Any:
    return None if value is None else float(value)


def _row(row: Row, name: str) -> list[Any]:
    return [
        name,
        row.headcount,
        row.province_level,
        row.commune_level,
        _number(row.degree_share),
        _number(row.coverage),
        row.disciplined,
        _number(row.discipline_rate),
        row.positions,
        row.vacancies,
        row.to_province,
        row.to_commune,
    ]


def figures_xlsx(found: Figures) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Force")[:31]
    sheet.append([_("Unit"), found.unit.display_name if found.unit else _("Whole force")])
    sheet.append([_("Period"), f"{found.start:%d/%m/%Y} – {found.end:%d/%m/%Y}"])
    sheet.append([])
    titles = [
        _("Unit"),
        _("Officers"),
        _("Province level"),
        _("Commune level"),
        _("College degree or higher (%)"),
        _("Mandatory training coverage (%)"),
        _("Officers disciplined"),
        _("Discipline rate (%)"),
        _("Positions"),
        _("Vacancies"),
        _("Transfers to the province"),
        _("Transfers to commune level"),
    ]
    sheet.append(titles)
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="0F4C3A")
    sheet.append(_row(found.total, _("Total")))
    for row in found.rows:
        sheet.append(_row(row, row.unit.display_name if row.unit else ""))
    for i, width in enumerate([40] + [16] * (len(titles) - 1), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    other = book.create_sheet(_("Training and activities")[:31])
    other.append([_("Course kind"), _("Courses"), _("Officer enrolments")])
    for kind, (n, people) in found.courses.items():
        other.append([str(CourseKind(kind).label), n, people])
    other.append([])
    other.append([_("Activity"), _("Count"), _("Participants"), _("Awards"), _("Issues raised"), _("Issues resolved")])
    for kind, v in found.activities.items():
        other.append(
            [str(ActivityKind(kind).label), v["count"], v["participants"], v["awards"], v["raised"], v["resolved"]]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
