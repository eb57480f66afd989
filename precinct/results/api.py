import datetime

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from precinct.core.api_support import ErrorOut, signed_in
from precinct.results import selectors, services
from precinct.results.models import ResultDocument
from precinct.results.public import MAX_BYTES, verify_upload
from precinct.results.selectors import Verdict

router = Router(tags=["signed results"])


class ResultOut(Schema):
    dossier: str
    issuing_unit: str
    signer: str
    signer_fingerprint: str
    signed_at: datetime.datetime
    sha256: str
    size: int
    revoked: bool
    revoked_at: datetime.datetime | None
    revocation_reason: str
    verify_url: str
    number: str

    @staticmethod
    def from_document(document: ResultDocument) -> "ResultOut":
        from precinct.results.render import verify_url

        return ResultOut(
            dossier=document.dossier.code,
            issuing_unit=document.unit.code,
            signer=document.signer_subject,
            signer_fingerprint=document.signing_key.fingerprint,
            signed_at=document.signed_at,
            sha256=document.sha256,
            size=document.size,
            revoked=document.is_revoked,
            revoked_at=document.revoked_at,
            revocation_reason=document.revoked_reason,
            # The token's page for results that have one; older results are checked by uploading the file.
            verify_url=verify_url(document.token or ""),
            number=f"{document.number}/{document.symbol}" if document.number else "",
        )


class RevokeIn(Schema):
    reason: str


class VerifyIn(Schema):
    code: str = ""


class VerifyOut(Schema):
    status: str
    valid: bool
    message: str
    notes: list[str]
    readable: bool
    signatures: int
    signature_intact: bool | None
    signer: str
    signer_fingerprint: str
    trusted_chain: bool | None
    signed_by_issuing_unit: bool | None
    matches_issued_file: bool | None
    sha256: str
    dossier: str
    issuing_unit: str
    issued_at: datetime.datetime | None
    revoked: bool
    revoked_at: datetime.datetime | None
    revocation_reason: str

    @staticmethod
    def from_verdict(verdict: Verdict) -> "VerifyOut":
        sig, doc = verdict.first, verdict.document
        return VerifyOut(
            status=verdict.status,
            valid=verdict.ok,
            message=verdict.message,
            notes=[str(n) for n in verdict.notes],
            readable=verdict.inspection.readable,
            signatures=len(verdict.inspection.signatures),
            signature_intact=None if sig is None else verdict.signature_sound,
            signer=sig.signer if sig else "",
            signer_fingerprint=sig.fingerprint if sig else "",
            trusted_chain=verdict.trusted,
            signed_by_issuing_unit=verdict.signed_by_issuer,
            matches_issued_file=verdict.matches_record,
            sha256=verdict.inspection.sha256,
            dossier=doc.dossier.code if doc else "",
            issuing_unit=doc.unit.code if doc else "",
            issued_at=doc.signed_at if doc else None,
            revoked=bool(doc and doc.is_revoked),
            revoked_at=doc.revoked_at if doc else None,
            revocation_reason=doc.revoked_reason if doc else "",
        )


@router.get("/dossiers/{code}/result", response=ResultOut, auth=signed_in)
def result_detail(request: HttpRequest, code: str) -> ResultOut:
    """The signed result of a dossier: its hash, signer and state (the applicant and officers reaching its unit)."""
    return ResultOut.from_document(selectors.result_get(actor=request.user, code=code))


@router.get("/dossiers/{code}/result/pdf", auth=signed_in)
def result_pdf(request: HttpRequest, code: str) -> FileResponse:
    """The signed PDF, exactly as issued."""
    document = selectors.result_get(actor=request.user, code=code)
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=f"ket-qua-{code}.pdf", content_type="application/pdf"
    )


@router.post(
    "/dossiers/{code}/result/revoke",
    response={200: ResultOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=signed_in,
)
def result_revoke(request: HttpRequest, code: str, payload: RevokeIn) -> ResultOut:
    """A leader of the issuing unit revokes the result (with a reason, shown by verification)."""
    document = selectors.result_get(actor=request.user, code=code)
    return ResultOut.from_document(services.result_revoke(actor=request.user, document=document, reason=payload.reason))


@router.post("/verify", response={200: VerifyOut, 422: ErrorOut, 429: ErrorOut}, auth=None)
def verify(request: HttpRequest, payload: Form[VerifyIn], file: File[UploadedFile]) -> VerifyOut:
    """Anyone checks a PDF (multipart `file`, required; optional dossier `code`): signature intact, signer,
    trusted chain, whether it is exactly the file issued (SHA-256 on record), and whether the result was
    revoked. `status` is one of valid, revoked, tampered, resigned, untrusted, wrong_signer, not_found,
    unsigned, unreadable."""
    data = file.read(MAX_BYTES + 1)
    return VerifyOut.from_verdict(verify_upload(request=request, data=data, code=payload.code))
