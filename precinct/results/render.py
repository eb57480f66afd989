"""The result document as a PDF (always in Vietnamese, the language of the administration), with a QR
code to its public verification page. Signing happens afterwards (precinct.results.signing)."""

import datetime

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from precinct.core.calendar import LOCAL_TZ
from precinct.core.formats import format_date, format_datetime, format_value
from precinct.core.pdf import Document
from precinct.eservices.forms_schema import field_label
from precinct.eservices.models import Dossier
from precinct.results.fonts import covers, vietnamese_fonts


def verify_url(code: str) -> str:
    return f"{settings.PRECINCT_PUBLIC_URL.rstrip('/')}{reverse('results:verify_code', args=[code])}"


def _masked(personal_id: str) -> str:
    return f"{personal_id[:3]}******{personal_id[-3:]}" if len(personal_id) == 12 else personal_id


class ResultPdf(Document):
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


def result_pdf(dossier: Dossier, *, issued_at: datetime.datetime | None = None) -> bytes:
    issued_at = timezone.localtime(issued_at or timezone.now(), LOCAL_TZ)
    properties = (dossier.version.form_schema or {}).get("properties", {})
    with translation.override("vi"):
        answers = [(field_label(spec, name), dossier.form_data.get(name)) for name, spec in properties.items()]
        answers = [(label, str(format_value(value))) for label, value in answers if value not in (None, "")]
        root = dossier.unit.parent.name if dossier.unit.parent_id and dossier.unit.parent else ""
        texts = [dossier.unit.name, root, dossier.version.name, dossier.applicant.full_name, dossier.code]
        doc = ResultPdf(light=covers(" ".join(texts + [f"{label} {value}" for label, value in answers])))
        doc.set_title(_("Result of dossier %(code)s") % {"code": dossier.code})
        doc.set_subject(dossier.code)  # verification finds the dossier by it when no code is given
        doc.set_author(dossier.unit.name)
        doc.set_creator("Precinct")
        doc.set_creation_date(issued_at)
        top = doc.get_y()
        doc.set_font("body", "B", 10)
        if root:
            doc.cell(90, 5, root.upper(), new_x="LMARGIN", new_y="NEXT", align="C")
        doc.cell(90, 5, dossier.unit.name.upper(), new_x="LMARGIN", new_y="NEXT", align="C")
        doc.set_xy(doc.l_margin + 90, top)
        doc.cell(0, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", new_x="LMARGIN", new_y="NEXT", align="C")
        doc.set_x(doc.l_margin + 90)
        doc.cell(0, 5, "Độc lập - Tự do - Hạnh phúc", new_x="LMARGIN", new_y="NEXT", align="C")
        doc.set_font("body", "", 10)
        doc.set_x(doc.l_margin + 90)
        doc.cell(0, 6, issued_at.strftime("Ngày %d tháng %m năm %Y"), new_x="LMARGIN", new_y="NEXT", align="C")
        doc.ln(8)
        doc.set_font("body", "B", 15)
        doc.cell(0, 8, _("RESULT OF THE ADMINISTRATIVE PROCEDURE"), new_x="LMARGIN", new_y="NEXT", align="C")
        doc.set_font("body", "", 11)
        doc.multi_cell(0, 6, dossier.version.name, new_x="LMARGIN", new_y="NEXT", align="C")
        doc.ln(4)
        doc.row(_("Dossier code"), dossier.code)
        doc.row(_("Procedure"), f"{dossier.version.procedure.code} — {dossier.version.name}")
        doc.row(_("Applicant"), dossier.applicant.full_name)
        if dossier.applicant.personal_id:
            doc.row(_("Personal identification number"), _masked(dossier.applicant.personal_id))
        doc.row(_("Received on"), format_date(dossier.received_on))
        doc.row(_("Decision"), _("Approved"))
        doc.row(_("Issued at"), format_datetime(issued_at))
        doc.row(_("Issuing unit"), dossier.unit.name)
        if answers:
            doc.ln(3)
            doc.heading(_("Content"), size=12)
            for label, value in answers:
                doc.row(label, value)
        doc.ln(6)
        y = max(doc.get_y(), 190.0)
        doc.qr(verify_url(dossier.code), x=doc.l_margin, y=y, size=34)
        doc.set_xy(doc.l_margin + 40, y)
        doc.set_font("body", "", 9)
        doc.multi_cell(
            0,
            5,
            align="L",
            text=_(
                "This document is signed digitally by %(unit)s. Scan the QR code or open %(url)s and upload "
                "this file to check that it is authentic and unchanged."
            )
            % {"unit": dossier.unit.name, "url": verify_url(dossier.code)},
        )
        return doc.bytes()
