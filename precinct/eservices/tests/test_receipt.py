import io

import pytest
from pypdf import PdfReader

from precinct.eservices.receipt import lookup_url, receipt_pdf

pytestmark = pytest.mark.django_db


def test_receipt_is_a_pdf_with_the_code_and_a_look_up_link(dossier, tmp_path):
    pdf = receipt_pdf(dossier)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 2000
    assert lookup_url(dossier).endswith(f"/lookup/?code={dossier.code}")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert dossier.code in text
    assert "Xác nhận thông tin về cư trú" in text  # Vietnamese is real text in an embedded font


def test_receipt_download_is_scoped(world, dossier):
    url = f"/dossiers/{dossier.code}/receipt.pdf"
    assert world.client("citizen").get(url)["Content-Type"] == "application/pdf"
    assert world.client("officer_a").get(url).status_code == 200
    assert world.client("officer_b").get(url).status_code == 404
    assert world.client("anonymous").get(url).status_code == 302
