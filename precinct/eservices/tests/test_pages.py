"""Every eservices page, as every actor."""

import pytest

from precinct.eservices.models import Procedure
from precinct.eservices.services import dossier_submit
from precinct.testing import ACTORS, Expect, assert_matrix

pytestmark = pytest.mark.django_db

OFFICERS_OF_B = ("officer_b", "officer_dept")


def test_public_pages(world, catalogue):
    for url, text in (("/services/?q=ho+chieu", "XNC-01"), ("/services/CT-02/", "CT-02"), ("/lookup/", "<form")):
        assert_matrix(world, lambda c, url=url: c.get(url), dict.fromkeys(ACTORS, Expect(200, shows=(text,))))


def test_submit_page_is_for_citizens(world, catalogue):
    expected = dict.fromkeys(ACTORS, 403) | {"anonymous": 302, "citizen": Expect(200, shows=("form.muc_dich",))}
    assert_matrix(world, lambda c: c.get("/services/CT-06/submit/"), expected)


def test_dossier_pages(world, dossier):
    code = dossier.code
    in_reach = ("citizen", "officer_a", "duty_a", "leader_a", "leader_p", "admin_p", "superuser")
    detail = {a: Expect(200, shows=(code,)) for a in in_reach} | {a: 404 for a in OFFICERS_OF_B} | {"anonymous": 302}
    assert_matrix(world, lambda c: c.get(f"/dossiers/{code}/"), detail)
    listing = (
        {a: Expect(200, shows=(code,)) for a in in_reach}
        | {a: Expect(200, hides=(code,)) for a in OFFICERS_OF_B}
        | {"anonymous": 302}
    )
    assert_matrix(world, lambda c: c.get("/dossiers/"), listing)


def test_page_actions_follow_the_workflow(world, dossier):
    url = f"/dossiers/{dossier.code}/actions/receive/"
    assert world.client("officer_b").post(url).status_code == 404
    world.client("officer_a").post(url)
    dossier.refresh_from_db()
    assert dossier.status == "received"
    # A refused action explains itself and changes nothing.
    client = world.client("leader_a")
    page = client.post(f"/dossiers/{dossier.code}/actions/approve/", follow=True).content.decode()
    assert "Không thể thực hiện thao tác này" in page
    dossier.refresh_from_db()
    assert dossier.status == "received"


def test_bulk_receive_only_receives_what_is_in_reach(world, catalogue, dossier):
    other = dossier_submit(
        actor=world.users["citizen"],
        procedure=Procedure.objects.get(code="CT-06"),
        form_data={"muc_dich": "Khác"},
        unit_code=world.ward_b.code,
    )
    world.client("officer_a").post("/dossiers/receive/", {"codes": [dossier.code, other.code]})
    dossier.refresh_from_db()
    other.refresh_from_db()
    assert (dossier.status, other.status) == ("received", "submitted")


def test_procedure_edit_page_publishes_a_new_version_for_administrators_only(world, catalogue):
    url = "/services/CT-06/edit/"
    expected = dict.fromkeys(ACTORS, 403) | {"anonymous": 302, "admin_p": 200, "superuser": 200}
    assert_matrix(world, lambda c: c.get(url), expected)
    page = world.client("admin_p").get(url).content.decode()
    assert "Xác nhận thông tin về cư trú" in page
    version = Procedure.objects.get(code="CT-06").current
    data = {
        "name": version.name,
        "name_en": version.name_en,
        "deadline_days": 2,
        "fee_vnd": 0,
        "cutoff": "16:30",
        "required_documents": "[]",
        "form_schema": '{"type": "object", "properties": {}}',
    }
    bad = world.client("admin_p").post(url, {**data, "form_schema": '{"type": 12}'})
    assert bad.status_code == 422 and Procedure.objects.get(code="CT-06").current == version
    assert world.client("admin_p").post(url, data).status_code == 302
    current = Procedure.objects.get(code="CT-06").current
    assert (current.number, current.deadline_days, current.cutoff.strftime("%H:%M")) == (2, 2, "16:30")
    guide = '{"legal_basis": ["Luật Cư trú số 68/2020/QH14"], "where": "Công an phường"}'
    assert world.client("admin_p").post(url, {**data, "guide": '{"steps": "one"}'}).status_code == 422
    assert world.client("admin_p").post(url, {**data, "guide": guide}).status_code == 302
    assert Procedure.objects.get(code="CT-06").current.guide["where"] == "Công an phường"


def test_a_procedure_page_reads_like_the_national_portal(world, catalogue):
    page = world.client("anonymous").get("/services/CT-02/").content.decode()
    for text in (
        "Căn cứ pháp lý",
        "Luật Cư trú số 68/2020/QH14",
        "Đối tượng thực hiện",
        "Thành phần hồ sơ",
        "Tờ khai thay đổi thông tin cư trú (CT01)",
        "Trình tự thực hiện",
        "Thời hạn giải quyết",
        "Kết quả thực hiện",
        "Nơi tiếp nhận hồ sơ",
    ):
        assert text in page, text
    template = world.client("anonymous").get("/services/CT-02/documents/0.pdf")
    assert template.status_code == 200 and template.content.startswith(b"%PDF")
    assert world.client("anonymous").get("/services/CT-06/documents/0.pdf").status_code == 404
    english = world.client("anonymous")
    english.cookies["django_language"] = "en"
    assert "Who may apply" in english.get("/services/CT-02/").content.decode()


def test_the_catalogue_export_carries_the_guide_and_imports_unchanged(world, catalogue):
    from precinct.eservices.catalogue import catalogue_export, catalogue_import

    exported = catalogue_export()
    ct02 = next(p for p in exported["procedures"] if p["code"] == "CT-02")
    assert ct02["guide"]["legal_basis"][0].startswith("Luật Cư trú") and ct02["guide"]["steps"]
    assert ct02["required_documents"][0]["template"] is True
    assert catalogue_import(actor=None, data=exported).new_versions == 0
    api = world.api_client("anonymous").get("/api/v1/procedures/CT-02").json()
    assert api["guide"]["where"]
