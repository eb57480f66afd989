"""Forms that catch mistakes once: the schema, its cross-field rules, names, files and required documents,
every message in one round, on the field it is about, in Vietnamese and English."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from precinct.audit.models import AuditEvent
from precinct.core.errors import ValidationFailed
from precinct.core.text import collation_key, is_plausible_name
from precinct.eservices.forms_schema import form_errors, schema_errors
from precinct.eservices.models import Dossier, Procedure
from precinct.eservices.services import MAX_FILE_BYTES, Upload, dossier_submit
from precinct.eservices.tests.conftest import PDF, pdf

pytestmark = pytest.mark.django_db

CT01 = "Tờ khai thay đổi thông tin cư trú (CT01)"
BACKWARDS = {"dia_chi": "Tổ 5, khu 3, phường Hà An", "tu_ngay": "2026-12-10", "den_ngay": "2026-12-01"}
RULES = {
    "type": "object",
    "properties": {
        "tu_ngay": {"type": "string", "format": "date", "title": "Từ ngày", "title_en": "From"},
        "den_ngay": {"type": "string", "format": "date", "title": "Đến ngày"},
        "ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"},
        "ho_ten": {"type": "string", "format": "person-name", "title": "Họ tên"},
    },
    "x-rules": [
        {"rule": "date_order", "start": "tu_ngay", "end": "den_ngay"},
        {"rule": "age", "field": "ngay_sinh", "min": 18, "max": 120},
    ],
}


def test_cross_field_rules_put_their_message_on_the_field():
    today = datetime.date(2026, 12, 2)
    with translation.override("en"):
        errors = form_errors(RULES, {"tu_ngay": "2026-12-10", "den_ngay": "2026-12-01"}, today=today)
        assert errors == {"form.den_ngay": ["This date must not be before “From”."]}
        assert form_errors(RULES, {"tu_ngay": "2026-12-01", "den_ngay": "2026-12-01"}, today=today) == {}
        # 18 tomorrow: not yet; 18 today: yes.
        assert form_errors(RULES, {"ngay_sinh": "2008-12-03"}, today=today) == {
            "form.ngay_sinh": ["The age must be at least 18 years."]
        }
        assert form_errors(RULES, {"ngay_sinh": "2008-12-02"}, today=today) == {}
    with translation.override("vi"):
        errors = form_errors(RULES, {"tu_ngay": "2026-12-10", "den_ngay": "2026-12-01"}, today=today)
        assert errors == {"form.den_ngay": ["Ngày này không được trước “Từ ngày”."]}
    # A date the schema already refuses is not compared again.
    assert set(form_errors(RULES, {"tu_ngay": "10/12/2026", "den_ngay": "2026-12-01"}, today=today)) == {"form.tu_ngay"}


def test_broken_rules_are_refused_when_a_procedure_is_saved():
    assert schema_errors(RULES) == []
    wrong = RULES | {"x-rules": [{"rule": "date_order", "start": "ho_ten", "end": "den_ngay"}, {"rule": "nope"}]}
    assert len(schema_errors(wrong)) == 2


def test_names_are_letters_spaces_apostrophes_and_hyphens():
    for name in ("Nguyễn Văn An", "Lê Thị Thu", "O'Neil", "Jean-Luc Picard", "Nguyễn Văn An"):  # the last decomposed
        assert is_plausible_name(name), name
    for name in ("<script>alert(1)</script>Lê Thị Thu", "Lê 2", "", "   ", "-An", "An; DROP"):
        assert not is_plausible_name(name), name
    with translation.override("en"):
        assert form_errors(RULES, {"ho_ten": "<b>Lê</b>"}) == {
            "form.ho_ten": ["A name may contain only letters, spaces, apostrophes and hyphens."]
        }


def test_wards_sort_the_vietnamese_way():
    names = ["Hiệp Hòa", "Đông Triều", "Hoàng Quế", "Hà An", "Dương Huy", "Đầm Hà", "Cẩm Phả"]
    assert sorted(names, key=collation_key) == [
        "Cẩm Phả",
        "Dương Huy",
        "Đầm Hà",
        "Đông Triều",
        "Hà An",
        "Hiệp Hòa",
        "Hoàng Quế",
    ]


def _submit(world, form, uploads):
    return dossier_submit(
        actor=world.users["citizen"],
        procedure=Procedure.objects.get(code="CT-02"),
        form_data=form,
        unit_code=world.ward_a.code,
        uploads=uploads,
    )


def test_temporary_registration_backwards_and_without_its_declaration_is_refused_once(world, catalogue):
    audit = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc, translation.override("en"):
        _submit(world, BACKWARDS, [])
    assert exc.value.fields == {
        "form.den_ngay": ["This date must not be before “From”."],  # the procedure's own label, in English
        "documents.0": ["Attach this document: Residence change declaration (CT01)."],
    }
    assert not Dossier.objects.exists() and AuditEvent.objects.count() == audit
    fixed = BACKWARDS | {"den_ngay": "2027-06-01"}
    assert _submit(world, fixed, [Upload(CT01, pdf())]).status == "submitted"


def _big_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("to-khai.pdf", PDF + b"\0" * MAX_FILE_BYTES, content_type="application/pdf")


def test_the_page_shows_every_error_at_once_on_its_field(world, catalogue):
    client = world.client("citizen")
    client.cookies["django_language"] = "en"
    # The end date before the start, a required field left empty (the form's own check) and a too-large file:
    # every message in the same answer, each on its field, and nothing saved.
    data = {"unit": world.ward_a.code, "form.tu_ngay": "2026-12-10", "form.den_ngay": "2026-12-01"}
    response = client.post("/services/CT-02/submit/", data | {"doc.0": _big_pdf()})
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["form.den_ngay"] == ["This date must not be before “From”."]
    assert form.errors["form.dia_chi"] == ["This field is required."]
    assert form.errors["doc.0"] == ["Each file must be at most 10 MB."]
    # Without the file: the declaration is asked for, on its own field.
    response = client.post("/services/CT-02/submit/", data | {"form.dia_chi": "Số 8"})
    assert response.context["form"].errors["doc.0"] == ["Attach this document: Residence change declaration (CT01)."]
    assert not Dossier.objects.exists()
    # All put right: submitted, and the page goes to the dossier.
    fixed = data | {"form.dia_chi": "Số 8", "form.den_ngay": "2027-06-01", "doc.0": pdf()}
    response = client.post("/services/CT-02/submit/", fixed)
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dossiers/{dossier.code}/"


def test_the_ward_list_is_sorted_and_the_citizens_own_ward_chosen(world, catalogue):
    page = world.client("citizen").get("/services/CT-06/submit/")
    names = [label for code, label in page.context["form"].fields["unit"].choices if code]
    assert names == sorted(names, key=collation_key)
    assert not page.context["form"].fields["unit"].initial
    dossier_submit(
        actor=world.users["citizen"],
        procedure=Procedure.objects.get(code="CT-06"),
        form_data={"muc_dich": "Xin việc"},
        unit_code=world.ward_b.code,
    )
    page = world.client("citizen").get("/services/CT-06/submit/")
    assert page.context["form"].fields["unit"].initial == world.ward_b.code
    assert f'<option value="{world.ward_b.code}" selected>' in page.content.decode()


def test_the_api_refuses_the_same_and_speaks_the_callers_language(world, catalogue):
    client = world.api_client("citizen")
    body = {"procedure_code": "CT-02", "unit_code": world.ward_a.code, "data": BACKWARDS}
    response = client.post("/api/v1/dossiers", body, content_type="application/json", headers={"accept-language": "vi"})
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert fields["data.den_ngay"] == ["Ngày này không được trước “Tạm trú từ ngày”."]
    assert fields["documents.0"] == [f"Hãy đính kèm giấy tờ: {CT01}."]


def test_malformed_json_is_refused_in_the_callers_language(world):
    client = world.api_client("citizen")
    for language, message in (
        ("vi", "Nội dung yêu cầu không phải là JSON hợp lệ."),
        ("en", "The request body is not valid JSON."),
    ):
        response = client.post(
            "/api/v1/auth/token", b"{not json", content_type="application/json", headers={"accept-language": language}
        )
        assert response.status_code == 400
        assert response.json()["error"]["message"] == message


def test_djangos_own_messages_are_in_vietnamese():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with translation.override("vi"), pytest.raises(ValidationError) as exc:
        validate_password("a1b")
    assert "Mật khẩu này quá ngắn. Mật khẩu phải có ít nhất 8 ký tự." in exc.value.messages


def test_the_page_sums_up_every_error_at_the_top_each_linked_to_its_field(world, catalogue):
    client = world.client("citizen")
    client.cookies["django_language"] = "en"
    data = {"form.tu_ngay": "2026-12-10", "form.den_ngay": "2026-12-01"}  # no ward, no address, backwards
    response = client.post("/services/CT-02/submit/", data | {"doc.0": _big_pdf()})
    assert response.status_code == 422
    html = response.content.decode()
    summary = html[html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))]
    assert html.index('id="error-summary"') < html.index('<form method="post"')  # at the top, before the form
    form = response.context["form"]
    expected = [
        ("unit", "This field is required."),
        ("form.dia_chi", "This field is required."),
        ("form.den_ngay", "This date must not be before “From”."),
        ("doc.0", "Each file must be at most 10 MB."),
    ]
    for name, message in expected:
        field = form[name]
        assert f'<a href="#{field.id_for_label}">{field.label}: {message}</a>' in summary, (name, summary)
        assert f'id="{field.id_for_label}"' in html  # the link's target exists on the page
    positions = [summary.index(f'href="#{form[name].id_for_label}"') for name, _m in expected]
    assert positions == sorted(positions)  # in the order of the fields on the page
    assert summary.count("<li>") == len(expected)  # each message once
    assert not Dossier.objects.exists()
    # In Vietnamese the summary's heading and the messages are Vietnamese.
    client.cookies["django_language"] = "vi"
    html = client.post("/services/CT-02/submit/", data).content.decode()
    assert "Vui lòng sửa các trường được đánh dấu bên dưới." in html
    assert "Hãy đính kèm giấy tờ" in html[html.index('id="error-summary"') :]
