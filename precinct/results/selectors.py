"""Reads of signed results: a dossier's result for those who may see the dossier, the public facts of a
result, and verifying an uploaded copy against what was issued."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from precinct.core.actors import Actor
from precinct.core.errors import NotFound
from precinct.eservices.selectors import dossier_list
from precinct.results.models import ResultDocument, SigningKey

if TYPE_CHECKING:
    from precinct.results.verify import Inspection


def result_get(*, actor: Actor, code: str) -> ResultDocument:
    """The signed result of a dossier the actor may see (the applicant, officers reaching its unit)."""
    in_reach = dossier_list(actor=actor).filter(code=code).values("pk")
    document = (
        ResultDocument.objects.select_related("dossier", "unit", "signing_key").filter(dossier__in=in_reach).first()
    )
    if document is None:
        raise NotFound()
    return document


def result_for_dossier(*, dossier: Any) -> ResultDocument | None:
    """For a dossier already read through a scoped selector."""
    return ResultDocument.objects.select_related("unit").filter(dossier=dossier).first()


def result_public(*, token: str) -> ResultDocument | None:
    """What anyone holding a result's token (its QR code) may learn: that it exists, who issued it, when,
    revoked. A dossier code, sequential and guessable, answers nothing (None)."""
    token = token.strip()
    if not token:
        return None
    return ResultDocument.objects.select_related("dossier__version", "unit", "signing_key").filter(token=token).first()


def signing_key_list(*, unit: Any = None) -> Any:
    keys = SigningKey.objects.select_related("unit")
    return keys.filter(unit=unit) if unit is not None else keys


# Verdicts, most serious first. Each has a headline; the checks explain it.
VERDICTS: dict[str, Promise] = {
    "unreadable": _("This file cannot be read as a PDF."),
    "unsigned": _("This file carries no digital signature."),
    "tampered": _("Tampered: the file was changed after it was signed."),
    "resigned": _("Re-signed or altered copy: this is not the file that was issued."),
    "untrusted": _("Unknown signer: the signature does not come from a trusted authority."),
    "wrong_signer": _("Wrong signer: the file was not signed by the unit that issued this result."),
    "not_found": _("No result on record matches this file."),
    "revoked": _("Revoked: this result was issued, then revoked by its unit."),
    "valid": _("Valid: this is the signed result exactly as it was issued."),
}


@dataclass
class Verdict:
    status: str
    inspection: "Inspection"
    document: ResultDocument | None = None
    notes: list[Any] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "valid"

    @property
    def message(self) -> str:
        return str(VERDICTS[self.status])

    @property
    def first(self) -> Any:
        return self.inspection.signatures[0] if self.inspection.signatures else None

    @property
    def matches_record(self) -> bool | None:
        return None if self.document is None else self.document.sha256 == self.inspection.sha256

    @property
    def signature_sound(self) -> bool:
        """Every signature intact and cryptographically valid (only then do signer and trust mean anything)."""
        return bool(self.inspection.signatures) and all(s.intact and s.valid for s in self.inspection.signatures)

    @property
    def trusted(self) -> bool | None:
        return None if not self.signature_sound else all(s.trusted for s in self.inspection.signatures)

    @property
    def signed_by_issuer(self) -> bool | None:
        if self.document is None or not self.signature_sound:
            return None
        return all(s.fingerprint == self.document.signing_key.fingerprint for s in self.inspection.signatures)


def _record(inspection: "Inspection", code: str) -> tuple[ResultDocument | None, bool]:
    """The result on record the upload is measured against, and whether it was found only by a dossier code
    (sequential, guessable: typed by the uploader or written in the file) rather than by the file's hash or
    the result's unguessable token."""
    documents = ResultDocument.objects.select_related("dossier__version", "unit", "signing_key", "revoked_by")
    exact = documents.filter(sha256=inspection.sha256).first()
    if exact is not None:
        return exact, False
    if code.strip():
        by_token = documents.filter(token=code.strip()).first()
        if by_token is not None:
            return by_token, False
    for candidate in (code, inspection.subject):
        if candidate:
            found = documents.filter(dossier__code=candidate.strip().upper()[:64]).first()
            if found is not None:
                return found, True
    return None, False


def result_verify(*, data: bytes, code: str = "") -> Verdict:
    """Check an uploaded PDF: its signatures on their own, then against the result on record (found by
    the file's hash, else the code given, else the code written in the document)."""
    from precinct.results.verify import inspect_pdf  # pyHanko loads on the first verification

    inspection = inspect_pdf(data)
    document, by_guessable_code = _record(inspection, code)
    verdict = Verdict(status="valid", inspection=inspection, document=document)
    signatures = inspection.signatures
    if not inspection.readable and document is not None:
        # A changed byte can break the PDF's structure before it breaks the signature: measured against
        # the result the code names, the file is still one that was changed after issue.
        verdict.status = "tampered"
        verdict.notes.append(_("The file cannot even be read as a PDF: it is not the file issued under this code."))
    elif not inspection.readable:
        verdict.status = "unreadable"
    elif not signatures:
        verdict.status = "unsigned"
    elif not verdict.signature_sound:
        verdict.status = "tampered"
    elif len(signatures) > 1 or not signatures[0].whole_file:
        verdict.status = "resigned"
        verdict.notes.append(
            _("Something was added to the file after the first signature (%(n)d signatures).") % {"n": len(signatures)}
        )
    elif not signatures[0].trusted:
        verdict.status = "untrusted"
    elif document is None:
        verdict.status = "not_found"
    elif not verdict.signed_by_issuer:
        verdict.status = "wrong_signer"
    elif not verdict.matches_record:
        verdict.status = "resigned"
        verdict.notes.append(_("The signature is genuine, but the file differs from the one issued."))
    elif document.is_revoked:
        verdict.status = "revoked"
    if by_guessable_code and not (verdict.signature_sound and verdict.trusted):
        # Found only by a dossier code, for a file no unit of this installation signed: the verdict stands,
        # but nothing of the result is shown (any PDF with a guessed code would otherwise reveal its unit,
        # time and revocation reason; issue 14 item 7).
        verdict.document = None
    return verdict
