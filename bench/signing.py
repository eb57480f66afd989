"""Signed results, one process (= one core): rendering a result PDF, signing it (PAdES, RSA-2048), and
verifying it (parse + signature + certificate chain). Targets: signing >= 20/s per core, verification >= 50/s.

Runs without a database: the dossier is built in memory and the keys live in a temporary signing directory.
The verification figure is `verify.inspect_pdf` (everything cryptographic); the page and the API add one
indexed look-up of the result by SHA-256 (well under a millisecond), not included.
Also prints pyHanko's defaults (SimpleSigner, size estimated by a dry run) for comparison.
"""

import datetime
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["PRECINCT_SIGNING_DIR"] = tempfile.mkdtemp(prefix="precinct-bench-signing-")
os.environ.setdefault("PRECINCT_SIGNING_PASSPHRASE", "bench-only")

import django

django.setup()

from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner

from precinct.accounts.models import User
from precinct.eservices.models import Dossier, Procedure, ProcedureVersion
from precinct.organisation.models import Unit
from precinct.results import keys
from precinct.results.render import result_pdf
from precinct.results.signing import sign_pdf
from precinct.results.verify import inspect_pdf

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))  # CPU seconds per figure


def dossier() -> Dossier:
    root = Unit(code="22", name="Công an thành phố Quảng Ninh", path="22/")
    unit = Unit(code="07168", name="Công an phường Hà An", path="22/07168/", parent=root)
    procedure = Procedure(code="CT-06")
    version = ProcedureVersion(
        procedure=procedure,
        number=1,
        name="Xác nhận thông tin về cư trú",
        deadline_days=3,
        form_schema={"properties": {"muc_dich": {"type": "string", "title": "Mục đích"}}},
    )
    applicant = User(full_name="Phạm Thị Lan", personal_id="022190012345")
    today = timezone.localdate()
    return Dossier(
        code="07168-261123-0042",
        version=version,
        applicant=applicant,
        unit=unit,
        unit_path=unit.path,
        form_data={"muc_dich": "Bổ sung hồ sơ xin việc tại Hạ Long"},
        submitted_at=timezone.now(),
        received_on=today,
        due_date=today + datetime.timedelta(days=3),
    )


def rate(label: str, fn, note: str = "") -> float:
    """Operations per CPU-second of this process (= per core; the machine is shared, so wall-clock rates
    also count other people's work), with the wall-clock rate beside it."""
    fn()  # warm up (imports, fonts, memos)
    n, wall, cpu = 0, time.perf_counter(), time.process_time()
    while time.process_time() - cpu < SECONDS:
        fn()
        n += 1
    per_cpu_second = n / (time.process_time() - cpu)
    per_wall_second = n / (time.perf_counter() - wall)
    print(
        f"{label:<58} {per_cpu_second:7.1f}/s per core ({1000 / per_cpu_second:5.1f} ms CPU each;"
        f" wall {per_wall_second:5.1f}/s){note}"
    )
    return per_cpu_second


def main() -> None:
    authority = keys.ca_create(name="Bench CA", organisation="Bench")
    key_file, _ = keys.unit_key_write(
        authority, unit_code="07168", common_name="Công an phường Hà An", organisation="Công an thành phố Quảng Ninh"
    )
    material = keys.material_load(key_file=key_file, unit_code="07168")
    signer = keys.UnitSigner(material)
    d = dossier()
    pdf = result_pdf(d)
    signed = sign_pdf(pdf, signer, reason="bench", location="Hà An")
    check = inspect_pdf(signed)
    assert check.signatures and all(s.intact and s.valid and s.trusted and s.whole_file for s in check.signatures)
    print(f"result PDF: {len(pdf):,} bytes rendered, {len(signed):,} bytes signed; {SECONDS:.0f} s per figure")

    render = rate("render (fpdf2, Roboto subset, vector QR)", lambda: result_pdf(d))
    sign = rate("sign (PAdES B-B, RSA-2048, certification)", lambda: sign_pdf(pdf, signer, reason="b", location="l"))
    both = rate(
        "render + sign (what issuing a result costs)", lambda: sign_pdf(result_pdf(d), signer, reason="b", location="l")
    )
    verify = rate("verify (parse, digest, signature, chain to the trust root)", lambda: inspect_pdf(signed))

    plain = SimpleSigner(
        signing_cert=signer.signing_cert, signing_key=signer.signing_key, cert_registry=signer.cert_registry
    )
    meta = PdfSignatureMetadata(
        field_name="R",
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
    )
    rate(
        "sign with pyHanko's defaults (for comparison)",
        lambda: PdfSigner(meta, signer=plain).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf))),
        "  (key re-parsed per signature + a dry-run signature to size the container)",
    )
    print()
    print(
        f"signing  >= 20/s per core: {'met' if sign >= 20 else 'NOT met'} ({sign:.0f}/s; render + sign {both:.0f}/s, render alone {render:.0f}/s)"
    )
    print(f"verifying >= 50/s per core: {'met' if verify >= 50 else 'NOT met'} ({verify:.0f}/s)")


if __name__ == "__main__":
    main()
