"""Verification: the issued file is valid; every way of forging one is named for what it is."""

import io

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner

from precinct.results import keys
from precinct.results.models import ResultDocument
from precinct.results.render import result_pdf
from precinct.results.selectors import result_verify
from precinct.results.services import result_revoke, signer_for
from precinct.results.signing import sign_pdf

pytestmark = pytest.mark.django_db


def _issued_bytes(dossier) -> bytes:
    return ResultDocument.objects.get(dossier=dossier).file.read()


def _foreign_signer(tmp_path, settings):
    """A key certified by another CA, which this installation does not trust."""
    trusted_dir = settings.PRECINCT_SIGNING_DIR
    settings.PRECINCT_SIGNING_DIR = tmp_path / "elsewhere"
    authority = keys.ca_create(name="Some Other CA", organisation="Elsewhere")
    key_file, _ = keys.unit_key_write(authority, unit_code="X", common_name="Công an phường A", organisation="Fake")
    signer = keys.UnitSigner(keys.material_load(key_file=key_file, unit_code="X"))
    settings.PRECINCT_SIGNING_DIR = trusted_dir
    keys.forget_key_material()
    return signer


def test_the_issued_file_is_valid(world, issued):
    verdict = result_verify(data=_issued_bytes(issued))
    assert verdict.status == "valid", verdict.message
    sig = verdict.first
    assert sig.intact and sig.valid and sig.trusted and sig.whole_file
    assert "Công an phường A" in sig.signer
    assert verdict.matches_record and verdict.signed_by_issuer
    assert verdict.document.dossier == issued


@pytest.mark.parametrize("where", [0.25, 0.5, 0.75])
def test_one_changed_byte_is_tampering(world, issued, where):
    data = bytearray(_issued_bytes(issued))
    contents = data.index(b"/Contents <")
    position = int(len(data) * where)
    if contents <= position < contents + 20000:  # inside the signature's own hex: change a hex digit
        position = contents + 400
    data[position] = (
        (data[position] + 1) % 256
        if data[position] not in b"0123456789abcdef"
        else ord("0") + (data[position] == ord("0"))
    )
    verdict = result_verify(data=bytes(data), code=issued.code)
    assert verdict.status == "tampered", (where, verdict.status, verdict.inspection)
    assert verdict.matches_record is not True  # False, or None when the change left the file unreadable


def test_a_signer_from_another_authority_is_untrusted(world, signing, issued, tmp_path, settings):
    forged = sign_pdf(result_pdf(issued), _foreign_signer(tmp_path, settings), reason="x", location="y")
    verdict = result_verify(data=forged, code=issued.code)
    assert verdict.status == "untrusted"
    assert verdict.first.intact and not verdict.first.trusted
    # Found only by the dossier code typed beside a file none of our units signed: nothing of it is shown.
    assert verdict.document is None


def test_another_units_key_is_the_wrong_signer(world, signing, issued):
    _key, ward_b = signer_for(world.ward_b)
    forged = sign_pdf(result_pdf(issued), ward_b, reason="x", location="y")
    verdict = result_verify(data=forged)  # found by the code the document names
    assert verdict.status == "wrong_signer"
    assert verdict.first.trusted and verdict.signed_by_issuer is False
    assert "Công an phường B" in verdict.first.signer


def test_a_copy_re_signed_by_the_issuing_unit_is_not_the_issued_file(world, issued):
    _key, ward_a = signer_for(world.ward_a)
    again = sign_pdf(result_pdf(issued), ward_a, reason="x", location="y")
    verdict = result_verify(data=again)
    assert verdict.status == "resigned"
    assert verdict.first.trusted and verdict.signed_by_issuer and verdict.matches_record is False


def test_a_second_signature_on_the_issued_file_is_a_re_signed_copy(world, signing, issued, monkeypatch):
    # pyHanko honours the certification (no changes allowed); a forger's tool need not.
    monkeypatch.setattr(PdfSigner, "_enforce_certification_constraints", lambda self, reader: None)
    _key, ward_b = signer_for(world.ward_b)
    writer = IncrementalPdfFileWriter(io.BytesIO(_issued_bytes(issued)), strict=False)
    meta = PdfSignatureMetadata(field_name="Second", subfilter=SigSeedSubFilter.PADES)
    resigned = PdfSigner(meta, signer=ward_b).sign_pdf(writer).getvalue()
    verdict = result_verify(data=resigned)
    assert verdict.status == "resigned"
    assert len(verdict.inspection.signatures) == 2
    assert verdict.inspection.signatures[0].intact  # the original signature is still there, intact
    assert verdict.matches_record is False


def test_bytes_appended_after_signing(world, issued):
    verdict = result_verify(data=_issued_bytes(issued) + b"\n% appended\n")
    assert verdict.status in ("resigned", "tampered")
    assert verdict.status != "valid" and verdict.matches_record is not True


def test_revoked_result(world, issued):
    result_revoke(actor=world.users["leader_a"], document=issued.result, reason="Cấp nhầm đối tượng")
    verdict = result_verify(data=_issued_bytes(issued))
    assert verdict.status == "revoked"
    assert verdict.document.revoked_reason == "Cấp nhầm đối tượng"


def test_unsigned_and_unreadable(world, issued):
    assert result_verify(data=result_pdf(issued)).status == "unsigned"
    assert result_verify(data=b"this is not a pdf").status == "unreadable"


def test_a_broken_copy_of_an_issued_result_is_tampering_when_its_code_is_given(world, issued):
    """A change that breaks the PDF's structure (here: the file cut short) is still a change to the file
    issued under that code; without a code nothing names the result, and it is only unreadable."""
    broken = _issued_bytes(issued)[:200]
    verdict = result_verify(data=broken, code=issued.code)
    assert verdict.status == "tampered"
    assert verdict.document is None  # junk bytes with a guessed code learn nothing of the result
    assert result_verify(data=broken).status == "unreadable"


def test_a_valid_signature_with_no_result_on_record(world, signing, approved):
    _key, ward_a = signer_for(world.ward_a)
    verdict = result_verify(data=sign_pdf(result_pdf(approved), ward_a, reason="x", location="y"))
    assert verdict.status == "not_found"


def test_a_result_signed_before_a_key_rotation_stays_valid(world, issued):
    from precinct.results.testing import unit_key

    unit_key(world.ward_a, name="next-year")
    assert result_verify(data=_issued_bytes(issued)).status == "valid"


def test_a_guessed_dossier_code_beside_any_pdf_reveals_nothing(world, issued):
    """Dossier codes are sequential: an unsigned PDF uploaded with one learns the verdict, not the result's
    unit, time or revocation reason. The unguessable token (the QR code's) still names the result."""
    from precinct.results.models import ResultDocument

    unsigned = result_pdf(issued)
    guessed = result_verify(data=unsigned, code=issued.code)
    assert guessed.status == "unsigned" and guessed.document is None
    token = ResultDocument.objects.get(dossier=issued).token
    assert result_verify(data=unsigned, code=token).document.dossier == issued
