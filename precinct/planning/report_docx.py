"""The periodic report as DOCX, in the shape of a Vietnamese administrative report (Decree 30/2020/NĐ-CP, as
core.pdf.OfficialDocument lays out documents issued): the issuing body with the number on the left, the
national name and motto with the place and date on the right, the title, numbered sections (tasks by
status in the seeds' sentence, late tasks with reasons, indicators, activities counted), recipients and
the signature block. Written with python-docx; the number is left blank for the clerk to register."""

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import _Cell

from precinct.core.formats import format_date
from precinct.core.pdf import MOTTO, NATIONAL_NAME, place_and_date
from precinct.eservices.documents import unit_letterhead
from precinct.planning.models import ActivityKind
from precinct.planning.selectors import Overview, late_reasons
from precinct.planning.status import TaskStatus

FONT = "Times New Roman"  # the typeface Decree 30 prescribes for administrative documents


def _line(cell: _Cell, text: str, *, bold: bool = False, italic: bool = False, size: float = 13) -> None:
    paragraph = cell.add_paragraph() if cell.paragraphs[0].text else cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def _number(value: object) -> str:
    if value is None:
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u00a0").replace(".", ",")  # Vietnamese: 1 000,5


def _table(document: object, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
    table = document.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        _line(cell, text, bold=True, size=12)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def report_docx(overview: Overview) -> bytes:
    plan = overview.plan
    head = unit_letterhead(plan.lead_unit, day=overview.as_of)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)

    heading = document.add_table(rows=1, cols=2)
    left, right = heading.rows[0].cells
    left.width, right.width = Cm(7), Cm(9.5)
    if head.parent:
        _line(left, head.parent.upper())
    _line(left, head.issuer.upper(), bold=True)
    _line(left, "Số:        /BC-" + plan.lead_unit.code)
    _line(right, NATIONAL_NAME, bold=True, size=12)
    _line(right, MOTTO, bold=True)
    _line(right, place_and_date(head.place, head.day), italic=True)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(18)
    title.add_run(_("REPORT")).bold = True
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.add_run(
        _("Results of implementing plan %(number)s (%(title)s) from %(start)s to %(end)s")
        % {
            "number": plan.number,
            "title": plan.title,
            "start": format_date(overview.start),
            "end": format_date(overview.end),
        }
    ).bold = True
    note = document.add_paragraph(
        _("Statuses as of %(date)s; issued by %(issuer)s on %(issued)s.")
        % {"date": format_date(overview.as_of), "issuer": plan.issuer, "issued": format_date(plan.issued_on)}
    )
    note.runs[0].italic = True

    document.add_heading(_("I. Tasks"), level=2)
    document.add_paragraph(overview.summary())
    _table(
        document,
        [_("Status"), _("Tasks")],
        [[str(status.label), str(overview.counts[status.value])] for status in TaskStatus]
        + [[_("Total"), str(overview.total)]],
        [10, 4],
    )

    document.add_heading(_("II. Late tasks"), level=2)
    late = [row for row in overview.tasks if row.status == TaskStatus.LATE]
    reasons = late_reasons(overview.tasks, as_of=overview.as_of)
    if not late:
        document.add_paragraph(_("No task is late."))
    for row in late:
        task = row.task
        due = format_date(task.due_on) if task.due_on else str(task.get_kind_display())
        reason = reasons.get(task.pk) or _("no progress reported")
        document.add_paragraph(
            _("Task %(position)s: %(content)s — lead unit %(unit)s, due %(due)s. Reason: %(reason)s")
            % {
                "position": task.position,
                "content": task.content,
                "unit": task.lead_unit.display_name,
                "due": due,
                "reason": reason,
            },
            style="List Bullet",
        )

    document.add_heading(_("III. Indicators"), level=2)
    if not overview.indicators:
        document.add_paragraph(_("No indicator yet."))
    else:
        _table(
            document,
            [_("Indicator"), _("Baseline"), _("Target"), _("Value"), _("Status")],
            [
                [
                    f"{line.indicator.position}. {line.indicator.name}",
                    f"{_number(line.indicator.baseline_value)} ({line.indicator.baseline_label})",
                    _number(line.target),
                    _number(line.value) + ("" if line.change is None else f" ({_number(line.change)} %)"),
                    str(line.status.label),
                ]
                for line in overview.indicators
            ],
            [6, 3, 2.5, 3, 2.5],
        )

    document.add_heading(_("IV. Activities in the period"), level=2)
    for kind in ActivityKind:
        document.add_paragraph(f"{kind.label}: {overview.activities.get(kind.value, 0)}", style="List Bullet")

    closing = document.add_table(rows=1, cols=2)
    recipients, signature = closing.rows[0].cells
    recipients.width, signature.width = Cm(8), Cm(8.5)
    recipients.paragraphs[0].add_run(_("Recipients:")).bold = True
    for line in (plan.issuer, _("Archived: clerical office.")):
        recipients.add_paragraph("- " + line).runs[0].font.size = Pt(11)
    _line(signature, _("HEAD OF UNIT"), bold=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
