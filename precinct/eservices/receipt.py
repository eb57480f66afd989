"""The receipt a citizen gets on submission: code, procedure, dates, and a QR code to the public look-up."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from precinct.core.fonts import covers
from precinct.core.formats import format_date, format_datetime, local
from precinct.core.pdf import OfficialDocument
from precinct.eservices.documents import unit_letterhead
from precinct.eservices.models import Dossier


def lookup_url(dossier: Dossier) -> str:
    return f"{settings.PRECINCT_PUBLIC_URL.rstrip('/')}{reverse('eservices:lookup')}?code={dossier.code}"


def receipt_pdf(dossier: Dossier) -> bytes:
    """Rendered by the worker for every submission's message: with the cut-down fonts (several times faster than
    the full fonts, docs/PERFORMANCE.md) unless a name needs another letter."""
    texts = (dossier.unit.display_name, dossier.version.display_name, dossier.applicant.full_name, dossier.code)
    doc = OfficialDocument(light=covers(" ".join(texts)))
    doc.set_title(_("Receipt of dossier %(code)s") % {"code": dossier.code})
    doc.letterhead(unit_letterhead(dossier.unit, day=local(dossier.submitted_at).date()))
    doc.title_block(_("RECEIPT OF DOSSIER"))
    doc.row(_("Dossier code"), dossier.code)
    doc.row(_("Procedure"), f"{dossier.version.procedure.code} — {dossier.version.display_name}")
    doc.row(_("Applicant"), dossier.applicant.full_name)
    doc.row(_("Submitted at"), format_datetime(dossier.submitted_at))
    doc.row(_("Counts as received on"), format_date(dossier.received_on))
    doc.row(_("Due date"), format_date(dossier.due_date))
    doc.row(_("Receiving unit"), dossier.unit.display_name)
    doc.closing(signatory=None, recipients=[dossier.applicant.full_name + ";"])
    doc.qr_note(
        lookup_url(dossier),
        _(
            "Follow your dossier by scanning the QR code, or at %(url)s with the dossier code and your "
            "personal identification number."
        )
        % {"url": lookup_url(dossier).split("?")[0]},
    )
    return doc.bytes()
