"""PAdES signing of a rendered result with a unit's key (pyHanko)."""

import io

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner

from precinct.results.keys import UnitSigner, run_sync

FIELD = "PrecinctResult"


def sign_pdf(pdf: bytes, signer: UnitSigner, *, reason: str, location: str) -> bytes:
    """A PAdES B-B certification signature: the document may not be changed afterwards (DocMDP)."""
    meta = PdfSignatureMetadata(
        field_name=FIELD,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    out = run_sync(PdfSigner(meta, signer=signer).async_sign_pdf(writer, bytes_reserved=signer.bytes_reserved))
    return out.getvalue()
