import datetime
import io
import random

import pytest
from django.utils import translation
from pypdf import PdfReader

from precinct.core.formats import format_date, format_datetime
from precinct.eservices.receipt import lookup_url, receipt_pdf

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_receipt_is_a_pdf_with_the_code_and_a_look_up_link(dossier, tmp_path):
    with translation.override("vi"):
        pdf = receipt_pdf(dossier)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 2000
    assert lookup_url(dossier).endswith(f"/lookup/?code={dossier.code}")
    text = _text(pdf)
    assert dossier.code in text
    assert "Xác nhận thông tin về cư trú" in text  # Vietnamese is real text in an embedded font
    assert "GIẤY TIẾP NHẬN HỒ SƠ" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text


def test_receipt_fonts_are_embedded_with_the_glyphs_it_draws(dossier):
    from fontTools.ttLib import TTFont

    with translation.override("vi"):
        page = PdfReader(io.BytesIO(receipt_pdf(dossier))).pages[0]
    fonts = page["/Resources"]["/Font"]
    assert len(fonts) == 2
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        embedded = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))  # a valid TrueType file
        glyf = embedded["glyf"]
        drawn = {name for name in embedded.getGlyphOrder() if glyf[name].numberOfContours}
        assert 20 < len(drawn) < len(embedded.getGlyphOrder())  # a subset: the letters drawn, not the whole font
        cmap = embedded.getBestCmap()
        assert cmap[ord("ồ")] in drawn or cmap[ord("ơ")] in drawn  # Vietnamese letters with their outlines


def test_two_receipts_each_carry_their_own_code_name_and_dates(dossier, world):
    second = type(dossier).objects.select_related("version__procedure", "unit", "applicant").get(pk=dossier.pk)
    second.pk = None
    second.code = dossier.code[:-4] + "0999"
    second.submitted_at = dossier.submitted_at - datetime.timedelta(days=40, hours=3)
    second.received_on = dossier.received_on - datetime.timedelta(days=39)
    second.due_date = dossier.due_date + datetime.timedelta(days=17)
    second.applicant = world.users["officer_a"]
    second.applicant.full_name = "Đặng Thị Ngọc Hà"
    with translation.override("vi"):
        first_text, second_text = _text(receipt_pdf(dossier)), _text(receipt_pdf(second))
    for text, d in ((first_text, dossier), (second_text, second)):
        assert d.code in text and d.applicant.full_name in text
        for day in (format_datetime(d.submitted_at), format_date(d.received_on), format_date(d.due_date)):
            assert day in text
    assert second.code not in first_text and dossier.code not in second_text
    assert "Đặng Thị Ngọc Hà" not in first_text


VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"


def test_a_fuzz_of_vietnamese_names_renders_each_name(dossier):
    rng = random.Random(20)
    for _ in range(25):
        words = ["".join(rng.choice(VIETNAMESE) for _ in range(rng.randint(1, 7))) for _ in range(rng.randint(2, 9))]
        name = " ".join(word[0].upper() + word[1:] for word in words)
        dossier.applicant.full_name = name
        pdf = receipt_pdf(dossier)
        assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
        assert _flat(name) in _flat(_text(pdf)), name  # a long name wraps over lines; its words stay whole


def test_a_name_beyond_the_cut_down_fonts_is_drawn_with_the_full_fonts(dossier):
    dossier.applicant.full_name = "Nguyễn Ωmega Жанна"  # Greek and Cyrillic: only the full Roboto has them
    text = _text(receipt_pdf(dossier))
    assert "Nguyễn Ωmega Жанна" in text and dossier.code in text


def test_a_receipt_rendered_again_is_the_same_file(dossier):
    assert receipt_pdf(dossier) == receipt_pdf(dossier)


def test_receipt_download_is_scoped(world, dossier):
    url = f"/dossiers/{dossier.code}/receipt.pdf"
    assert world.client("citizen").get(url)["Content-Type"] == "application/pdf"
    assert world.client("officer_a").get(url).status_code == 200
    assert world.client("officer_b").get(url).status_code == 404
    assert world.client("anonymous").get(url).status_code == 302


def test_the_fast_writer_lays_out_the_text_as_fpdf2_does(dossier, monkeypatch):
    """The same lines, in the same order, wrapped at the same words as the full fpdf2 rendering."""
    from precinct.eservices import receipt

    dossier.applicant.full_name = "Nguyễn Thị Phương Thảo " * 4  # wraps in the row and in the recipients
    with translation.override("vi"):
        fast = receipt_pdf(dossier)
        monkeypatch.setattr(receipt, "covers", lambda text: False)
        slow = receipt_pdf(dossier)
    assert fast != slow and _text(fast) == _text(slow)
