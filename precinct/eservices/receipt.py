"""The receipt a citizen gets on submission: code, procedure, dates, and a QR code to the public look-up.

Drawn by the fast writer (core.pdfwriter: the cut-down fonts turned into PDF objects once per process, the
document only its page's content; ADR 0040) whenever every text is in the cut-down fonts, else by fpdf2 with
the full fonts (core.pdf), in the same layout. The bytes depend only on the dossier and the language: a receipt
rendered again (a retried delivery, the download) is the same file."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from precinct.core.fonts import covers
from precinct.core.formats import format_date, format_datetime, local
from precinct.core.pdf import OfficialDocument
from precinct.core.pdfwriter import FastOfficialDocument
from precinct.eservices.documents import unit_letterhead
from precinct.eservices.models import Dossier


def lookup_url(dossier: Dossier) -> str:
    return f"{settings.PRECINCT_PUBLIC_URL.rstrip('/')}{reverse('eservices:lookup')}?code={dossier.code}"


def receipt_pdf(dossier: Dossier) -> bytes:
    """Rendered by the worker for every submission's message (and on download)."""
    url = lookup_url(dossier)
    title = _("Receipt of dossier %(code)s") % {"code": dossier.code}
    head = unit_letterhead(dossier.unit, day=local(dossier.submitted_at).date())
    rows = [
        (_("Dossier code"), dossier.code),
        (_("Procedure"), f"{dossier.version.procedure.code} — {dossier.version.display_name}"),
        (_("Applicant"), dossier.applicant.full_name),
        (_("Submitted at"), format_datetime(dossier.submitted_at)),
        (_("Counts as received on"), format_date(dossier.received_on)),
        (_("Due date"), format_date(dossier.due_date)),
        (_("Receiving unit"), dossier.unit.display_name),
    ]
    heading = _("RECEIPT OF DOSSIER")
    recipients = [dossier.applicant.full_name + ";"]
    note = _(
        "Follow your dossier by scanning the QR code, or at %(url)s with the dossier code and your "
        "personal identification number."
    ) % {"url": url.split("?")[0]}
    texts = [title, heading.upper(), note, head.issuer.upper(), head.parent.upper(), head.place, *recipients]
    texts += [text for row in rows for text in row]
    doc: FastOfficialDocument | OfficialDocument
    if covers(" ".join(texts)):
        doc = FastOfficialDocument()
        doc.created = dossier.submitted_at
    else:
        doc = OfficialDocument()
        doc.set_creation_date(dossier.submitted_at)
    doc.set_title(title)
    doc.letterhead(head)
    doc.title_block(heading)
    for label, value in rows:
        doc.row(label, value)
    doc.closing(signatory=None, recipients=recipients)
    doc.qr_note(url, note)
    return doc.bytes()
