"""Blank form templates to download from a procedure's page: a required document marked `"template": true`
is drawn as a declaration in the administrative layout, with a line for each of the procedure's form fields
and for the declarant, to print and fill in by hand."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from precinct.core.pdf import MOTTO, NATIONAL_NAME, OfficialDocument
from precinct.eservices.forms_schema import field_label
from precinct.eservices.models import ProcedureVersion

BLANK = " " + "." * 70


def template_pdf(version: ProcedureVersion, document: dict) -> bytes:
    with translation.override("vi"):  # a form handed in to the administration, in its language
        return _draw(version, document)


def _draw(version: ProcedureVersion, document: dict) -> bytes:
    doc = OfficialDocument()
    doc.set_title(str(document["name"]))
    doc.set_font("body", "B", 11)
    doc.cell(0, 5.5, NATIONAL_NAME, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.cell(0, 5.5, MOTTO, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.ln(6)
    doc.title_block(str(document["name"]), version.name)
    doc.paragraph(_("To: %(to)s") % {"to": "." * 60})
    for label in (_("Full name"), _("Personal identification number"), _("Date of birth"), _("Phone")):
        doc.paragraph(f"{label}:{BLANK}")
    for name, spec in (version.form_schema or {}).get("properties", {}).items():
        doc.paragraph(f"{field_label(spec, name)}:{BLANK}")
    doc.ln(4)
    doc.paragraph(_("I declare that the information above is true."))
    year = timezone.localdate().year
    doc.set_x(doc.l_margin + 90)
    doc.multi_cell(0, 6, f"......., ngày .... tháng .... năm {year}", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_x(doc.l_margin + 90)
    doc.set_font("body", "B", 11)
    doc.multi_cell(0, 6, _("DECLARANT"), align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("body", "", 9)
    doc.set_x(doc.l_margin + 90)
    doc.multi_cell(0, 5, _("(signature and full name)"), align="C", new_x="LMARGIN", new_y="NEXT")
    return doc.bytes()
