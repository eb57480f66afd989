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
    assert "/verify/" in text and approved.code in text and "Quét mã QR" in text


def test_other_scripts_fall_back_to_the_full_fonts(world, approved):
    approved.form_data["muc_dich"] = "Гражданин Иванов — Ωμέγα"
    assert not covers(approved.form_data["muc_dich"])
    text = _text(result_pdf(approved))
    assert "Гражданин" in text and "Ωμέγα" in text


def test_the_personal_identification_number_is_masked(world, approved):
    text = _text(result_pdf(approved))
    assert "022090012345" not in text and "022******345" in text


@pytest.mark.usefixtures("signing")
def test_the_issued_result_is_an_administrative_document_that_verifies(world, approved):
    """Decree 30/2020: national name and motto, issuing body, number and symbol, place and date, title,
    the signatory's position and full name (the issuing officer's), recipients; and it passes /verify/."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from precinct.eservices.services import dossier_transition
    from precinct.organisation.models import Officer, Rank

    leader = world.users["leader_a"]
    Officer.objects.create(
        user=leader, full_name="Nguyễn Thị Hà", rank=Rank.MAJOR, position="Trưởng Công an phường", unit=world.ward_a
    )
    issued = dossier_transition(actor=leader, dossier=approved, action="issue_result")
    document = issued.result
    data = document.file.read()
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    today = timezone.localdate()
    month = f"{today.month:02d}" if today.month < 3 else str(today.month)
    assert document.number == 1 and document.symbol == f"KQ-{world.ward_a.code}"
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "CÔNG AN PHƯỜNG A",
        f"Số: 1/KQ-{world.ward_a.code}",
        f"A, ngày {today.day:02d} tháng {month} năm {today.year}",
        "TRƯỞNG CÔNG AN PHƯỜNG",
        "Thiếu tá Nguyễn Thị Hà",
        "Nơi nhận:",
    ):
        assert expected in text, expected
    assert (document.signer_name, document.signer_position) == ("Thiếu tá Nguyễn Thị Hà", "Trưởng Công an phường")
    page = world.client("anonymous").post(f"/verify/{document.token}", {"file": SimpleUploadedFile("kq.pdf", data)})
    assert 'data-status="valid"' in page.content.decode()
