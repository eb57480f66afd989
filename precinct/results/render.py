"""The result document as a PDF (always in Vietnamese, the language of the administration) in the format of
administrative documents (Decree 30/2020/NĐ-CP, core.pdf.OfficialDocument): letterhead with the number and
symbol, place and date, title, content, the signatory's position and name, recipients; and a QR code to its
public verification page, carrying the result's unguessable token. Signing happens afterwards
(precinct.results.signing)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from precinct.core.calendar import LOCAL_TZ
from precinct.core.fonts import covers
from precinct.core.formats import format_date, format_datetime, format_value
from precinct.core.pdf import OfficialDocument, Signatory
from precinct.eservices.documents import unit_letterhead
from precinct.eservices.forms_schema import field_label
from precinct.eservices.models import Dossier


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


def result_pdf(dossier: Dossier, *, issue: Issue | None = None) -> bytes:
    """The result of the dossier as issued (`issue`), or a draft that says so (no number, no token)."""
    draft = Signatory(position="", name="")
    issue = issue or Issue(number="…/KQ", token="draft", signatory=draft, issued_at=timezone.now())  # noqa: S106
    issued_at = timezone.localtime(issue.issued_at, LOCAL_TZ)
    properties = (dossier.version.form_schema or {}).get("properties", {})
    with translation.override("vi"):
        answers = [(field_label(spec, name), dossier.form_data.get(name)) for name, spec in properties.items()]
        answers = [(label, str(format_value(value))) for label, value in answers if value not in (None, "")]
        head = unit_letterhead(dossier.unit, day=issued_at.date(), number=issue.number)
        texts = [head.parent, head.issuer, head.place, dossier.version.name, dossier.applicant.full_name]
        texts += [issue.signatory.position, issue.signatory.name, dossier.code]
        doc = OfficialDocument(light=covers(" ".join(texts + [f"{label} {value}" for label, value in answers])))
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
        doc.row(_("Received on"), format_date(dossier.received_on))
        doc.row(_("Decision"), _("Approved"))
        doc.row(_("Issued at"), format_datetime(issued_at))
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
