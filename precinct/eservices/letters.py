"""The letter of apology a unit sends when it extends a dossier's due date (Vietnamese practice: the
agency apologises in writing and names the new date)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from precinct.core.calendar import LOCAL_TZ
from precinct.core.formats import format_date
from precinct.core.pdf import Document
from precinct.eservices.models import DossierEvent


def _date(value: str | None) -> str:
    return format_date(value, empty="—")


def apology_letter_pdf(event: DossierEvent) -> bytes:
    dossier = event.dossier
    doc = Document()
    doc.set_title(_("Letter of apology — dossier %(code)s") % {"code": dossier.code})
    doc.set_font("body", "", 10)
    doc.cell(0, 6, dossier.unit.display_name.upper(), new_x="LMARGIN", new_y="NEXT")
    issued = timezone.localtime(event.at, LOCAL_TZ)
    doc.cell(0, 6, _("Issued on %(date)s") % {"date": format_date(issued)}, new_x="LMARGIN", new_y="NEXT")
    doc.ln(6)
    doc.heading(_("LETTER OF APOLOGY"), size=16)
    doc.multi_cell(0, 6, _("Dear %(name)s,") % {"name": dossier.applicant.full_name}, new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)
    doc.multi_cell(
        0,
        6,
        _(
            "%(unit)s sincerely apologises: your dossier cannot be resolved by the date we promised. "
            "The reason and the new date are below."
        )
        % {"unit": dossier.unit.display_name},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.ln(4)
    doc.row(_("Dossier code"), dossier.code)
    doc.row(_("Procedure"), f"{dossier.version.procedure.code} — {dossier.version.display_name}")
    doc.row(_("Previous due date"), _date(event.data.get("previous_due_date")))
    doc.row(_("New due date"), _date(event.data.get("due_date")))
    doc.row(_("Reason"), event.note or "—")
    doc.ln(6)
    doc.multi_cell(
        0,
        6,
        _("We will return the result to you no later than the new date. Thank you for your understanding."),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return doc.bytes()
