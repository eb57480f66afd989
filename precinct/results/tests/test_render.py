import io

import pytest
from pypdf import PdfReader

from precinct.core.fonts import covers
from precinct.results.render import result_pdf

pytestmark = pytest.mark.django_db

VIETNAMESE = "ăâđêôơư ẮẰẲẴẶ ấầẩẫậ ếềểễệ ốồổỗộ ớờởỡợ ứừửữự ỳýỷỹỵ — “Hạ Long” 20.000 ₫"


def _text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_vietnamese_renders_as_real_text_with_the_light_fonts(world, approved):
    assert covers(VIETNAMESE)
    approved.form_data["muc_dich"] = VIETNAMESE
    text = _text(result_pdf(approved))
    assert "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    for word in VIETNAMESE.split():
        assert word in text
    assert f"/verify/{approved.code}" in text


def test_other_scripts_fall_back_to_the_full_fonts(world, approved):
    approved.form_data["muc_dich"] = "Гражданин Иванов — Ωμέγα"
    assert not covers(approved.form_data["muc_dich"])
    text = _text(result_pdf(approved))
    assert "Гражданин" in text and "Ωμέγα" in text


def test_the_personal_identification_number_is_masked(world, approved):
    text = _text(result_pdf(approved))
    assert "022090012345" not in text and "022******345" in text
