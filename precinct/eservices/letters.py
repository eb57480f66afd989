"""The letter of apology a unit sends when it extends a dossier's due date (Vietnamese practice: the
agency apologises in writing and names the new date)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from precinct.core.calendar import LOCAL_TZ
from precinct.core.formats import format_date
from precinct.core.pdf import OfficialDocument, Signatory
from precinct.eservices.documents import unit_letterhead
from precinct.eservices.models import DossierEvent


def _date(value: str | None) -> str:
    return format_date(value, empty="—")


def apology_letter_pdf(event: DossierEvent) -> bytes:
    dossier = event.dossier
    doc = OfficialDocument()
    doc.set_title(_("Letter of apology — dossier %(code)s") % {"code": dossier.code})
    issued = timezone.localtime(event.at, LOCAL_TZ)
    doc.letterhead(unit_letterhead(dossier.unit, day=issued.date()))
    doc.title_block(_("LETTER OF APOLOGY"))
    doc.paragraph(_("Dear %(name)s,") % {"name": dossier.applicant.full_name})
    doc.paragraph(
        _(
            "%(unit)s sincerely apologises: your dossier cannot be resolved by the date we promised. "
            "The reason and the new date are below."
        )
        % {"unit": dossier.unit.display_name}
    )
    doc.row(_("Dossier code"), dossier.code)
    doc.row(_("Procedure"), f"{dossier.version.procedure.code} — {dossier.version.display_name}")
    doc.row(_("Previous due date"), _date(event.data.get("previous_due_date")))
    doc.row(_("New due date"), _date(event.data.get("due_date")))
    doc.row(_("Reason"), event.note or "—")
    doc.ln(4)
    doc.paragraph(_("We will return the result to you no later than the new date. Thank you for your understanding."))
    # Signed for the unit by the leader who extended the due date.
    signatory = Signatory(position=dossier.unit.name, name=event.actor.full_name) if event.actor else None
    doc.closing(signatory=signatory, recipients=[dossier.applicant.full_name + ";"])
    return doc.bytes()
