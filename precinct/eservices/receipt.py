"""The receipt a citizen gets on submission: code, procedure, dates, and a QR code to the public look-up."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from precinct.core.formats import format_date, format_datetime
from precinct.core.pdf import Document
from precinct.eservices.models import Dossier


def lookup_url(dossier: Dossier) -> str:
    return f"{settings.PRECINCT_PUBLIC_URL.rstrip('/')}{reverse('eservices:lookup')}?code={dossier.code}"


def receipt_pdf(dossier: Dossier) -> bytes:
    doc = Document()
    doc.set_title(_("Receipt of dossier %(code)s") % {"code": dossier.code})
    doc.set_font("body", "", 10)
    doc.cell(0, 6, dossier.unit.display_name.upper(), new_x="LMARGIN", new_y="NEXT")
    doc.ln(6)
    doc.heading(_("RECEIPT OF DOSSIER"), size=16)
    doc.qr(lookup_url(dossier), x=doc.w - doc.r_margin - 34, y=18)
    doc.row(_("Dossier code"), dossier.code)
    doc.row(_("Procedure"), f"{dossier.version.procedure.code} — {dossier.version.display_name}")
    doc.row(_("Applicant"), dossier.applicant.full_name)
    doc.row(_("Submitted at"), format_datetime(dossier.submitted_at))
    doc.row(_("Counts as received on"), format_date(dossier.received_on))
    doc.row(_("Due date"), format_date(dossier.due_date))
    doc.row(_("Receiving unit"), dossier.unit.display_name)
    doc.ln(6)
    doc.multi_cell(
        0,
        6,
        _(
            "Follow your dossier by scanning the QR code, or at %(url)s with the dossier code and your "
            "personal identification number."
        )
        % {"url": lookup_url(dossier).split("?")[0]},
    )
    return doc.bytes()
