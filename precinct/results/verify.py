"""What a PDF's signatures say about it, on their own: readable, signed, intact, by whom, trusted,
covering the whole file. Comparing with what was issued (hash, signer, revocation) is
`selectors.result_verify`."""

import hashlib
import io
import logging
from dataclasses import dataclass, field

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel

from precinct.results.keys import run_sync, validation_context

logger = logging.getLogger(__name__)


@dataclass
class SignatureCheck:
    intact: bool  # the signed bytes are unchanged (digest matches)
    valid: bool  # the cryptographic signature over them is correct
    trusted: bool  # the signer's certificate chains to a configured trust root
    whole_file: bool  # nothing was appended after this signature
    signer: str = ""
    fingerprint: str = ""  # SHA-256 of the signer's certificate
    signed_at: str = ""


@dataclass
class Inspection:
    sha256: str
    readable: bool = True
    signatures: list[SignatureCheck] = field(default_factory=list)
    subject: str = ""  # the dossier code the document names (as written inside it)


def _subject(cert: asn1_x509.Certificate) -> str:
    names = cert.subject.native
    parts = [names.get("common_name"), names.get("organization_name")]
    return ", ".join(str(p) for p in parts if p) or cert.subject.human_friendly


def inspect_pdf(data: bytes) -> Inspection:
    result = Inspection(sha256=hashlib.sha256(data).hexdigest())
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        info = reader.trailer_view.get("/Info")
        if info is not None:
            result.subject = str(info.get_object().get("/Subject", ""))[:64]
    except Exception:  # any malformed upload: report it, never fail
        result.readable = False
        return result
    for embedded in signatures:
        try:
            status = run_sync(async_validate_pdf_signature(embedded, validation_context(), skip_diff=True))
        except Exception as exc:
            logger.info("signature could not be validated: %s", exc)
            result.signatures.append(SignatureCheck(intact=False, valid=False, trusted=False, whole_file=False))
            continue
        cert = status.signing_cert
        result.signatures.append(
            SignatureCheck(
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                signer=_subject(cert),
                fingerprint=hashlib.sha256(cert.dump()).hexdigest(),
                signed_at=status.signer_reported_dt.isoformat() if status.signer_reported_dt else "",
            )
        )
    return result
