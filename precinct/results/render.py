"""The result document as a PDF (always in Vietnamese, the language of the administration) in the format of
administrative documents (Decree 30/2020/NĐ-CP, core.pdf.OfficialDocument): letterhead with the number and
symbol, place and date, title, content, the signatory's position and name, recipients; and a QR code to its
public verification page, carrying the result's unguessable token. Signing happens afterwards
(precinct.results.signing)."""

import datetime
from dataclasses import dataclass

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from precinct.core.calendar import LOCAL_TZ
from precinct.core.pdf import OfficialDocument, Signatory
from precinct.eservices.documents import printed_date, unit_letterhead
from precinct.eservices.forms_schema import field_label
from precinct.eservices.models import Dossier
from precinct.results.fonts import covers, vietnamese_fonts


def verify_url(token: str = "") -> str:
    """The public verification page: the result's own (its token), or the page to upload any file."""
    path = reverse("results:verify_code", args=[token]) if token else reverse("results:verify")
    return f"{settings.PRECINCT_PUBLIC_URL.rstrip('/')}{path}"


def _masked(personal_id: str) -> str:
    return f"{personal_id[:3]}******{personal_id[-3:]}" if len(personal_id) == 12 else personal_id


@dataclass(frozen=True)
class Issue:
    """What issuing adds to the dossier: the document's number and symbol, the token its QR code carries,
    who signs it and when."""

    number: str  # "12/KQ-07168"
    token: str
    signatory: Signatory
    issued_at: datetime.datetime


class ResultPdf(OfficialDocument):
    def __init__(self, *, light: bool) -> None:
        self.light = light
        super().__init__()
        if light:
            # The cut-down fonts' glyph bounds are final (see results.fonts): fontTools need not unpack every
            # glyph again to recompute them when fpdf2 writes its subset.
            for font in self.fonts.values():
                font.ttfont.recalcBBoxes = False  # type: ignore[union-attr]

    def font_files(self) -> tuple[str, str]:
        return vietnamese_fonts() if self.light else super().font_files()

    def qr(self, url: str, *, x: float, y: float, size: float = 34) -> None:
        """The QR code drawn as filled rectangles (one per run of dark modules in a row): sharp at any print
        size, and no PNG to encode and decode again (that was a tenth of the render time)."""
        code = segno.make(url, error="m")
        rows = [list(row) for row in code.matrix]
        border = 1
        module = size / (len(rows) + 2 * border)
        self.set_fill_color(0, 0, 0)
        for r, row in enumerate(rows):
            c = 0
            while c < len(row):
                if row[c]:
                    start = c
                    while c < len(row) and row[c]:
                        c += 1
                    self.rect(
                        x + (start + border) * module, y + (r + border) * module, (c - start) * module, module, "F"
                    )
                else:
                    c += 1


def result_pdf(dossier: Dossier, *, issue: Issue | None = None) -> bytes:
    """The result of the dossier as issued (`issue`), or a draft that says so (no number, no token)."""
    draft = Signatory(position="", name="")
    issue = issue or Issue(number="…/KQ", token="draft", signatory=draft, issued_at=timezone.now())  # noqa: S106
    issued_at = timezone.localtime(issue.issued_at, LOCAL_TZ)
    properties = (dossier.version.form_schema or {}).get("properties", {})
    with translation.override("vi"):
        answers = [(field_label(spec, name), dossier.form_data.get(name)) for name, spec in properties.items()]
        answers = [(label, printed_date(value)) for label, value in answers if value not in (None, "")]
        head = unit_letterhead(dossier.unit, day=issued_at.date(), number=issue.number)
        texts = [head.parent, head.issuer, head.place, dossier.version.name, dossier.applicant.full_name]
        texts += [issue.signatory.position, issue.signatory.name, dossier.code]
        doc = ResultPdf(light=covers(" ".join(texts + [f"{label} {value}" for label, value in answers])))
        doc.set_title(_("Result of dossier %(code)s") % {"code": dossier.code})
        doc.set_subject(dossier.code)  # verification finds the dossier by it when no code is given
        doc.set_author(dossier.unit.name)
        doc.set_creator("Precinct")
        doc.set_creation_date(issued_at)
        doc.letterhead(head)
        doc.title_block(_("RESULT OF THE ADMINISTRATIVE PROCEDURE"), dossier.version.name)
        doc.paragraph(
            _("%(unit)s has resolved the dossier below and approves the request of the applicant.")
            % {"unit": dossier.unit.name}
        )
        doc.row(_("Dossier code"), dossier.code)
        doc.row(_("Procedure"), f"{dossier.version.procedure.code} — {dossier.version.name}")
        doc.row(_("Applicant"), dossier.applicant.full_name)
        if dossier.applicant.personal_id:
            doc.row(_("Personal identification number"), _masked(dossier.applicant.personal_id))
        doc.row(_("Received on"), dossier.received_on.strftime("%d/%m/%Y"))
        doc.row(_("Decision"), _("Approved"))
        doc.row(_("Issued at"), issued_at.strftime("%d/%m/%Y %H:%M"))
        if answers:
            doc.ln(2)
            doc.heading(_("Content"), size=12)
            for label, value in answers:
                doc.row(label, value)
        doc.closing(
            signatory=issue.signatory,
            recipients=[dossier.applicant.full_name + ";", _("Filed: dossier %(code)s.") % {"code": dossier.code}],
        )
        doc.qr_note(
            verify_url(issue.token),
            _(
                "This document is signed digitally by %(unit)s. Scan the QR code or open %(url)s and upload this "
                "file to check that it is authentic and unchanged."
            )
            % {"unit": dossier.unit.name, "url": verify_url()},
        )
        return doc.bytes()
