"""Downloads, the dossier page's result panel, revocation and verification, as every actor."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from precinct.eservices.models import DossierStatus
from precinct.results.models import ResultDocument
from precinct.testing import ACTORS, Expect, assert_matrix

pytestmark = pytest.mark.django_db

IN_REACH = ("citizen", "officer_a", "duty_a", "leader_a", "leader_p", "admin_p", "superuser")
OUT_OF_REACH = ("officer_b", "officer_dept")


def _pdf(response) -> bytes:
    return b"".join(response.streaming_content)


def test_download_is_for_the_applicant_and_the_units_officers(world, issued):
    code = issued.code
    issued_bytes = ResultDocument.objects.get(dossier=issued).file.read()
    page = {a: Expect(200, shows=("%PDF",)) for a in IN_REACH} | dict.fromkeys(OUT_OF_REACH, 404) | {"anonymous": 302}
    assert_matrix(world, lambda c: c.get(f"/dossiers/{code}/result.pdf"), page)
    api = {a: Expect(200, shows=("%PDF",)) for a in IN_REACH} | dict.fromkeys(OUT_OF_REACH, 404) | {"anonymous": 401}
    assert_matrix(world, lambda c: c.get(f"/api/v1/dossiers/{code}/result/pdf"), api, api=True)
    response = world.client("citizen").get(f"/dossiers/{code}/result.pdf")
    assert _pdf(response) == issued_bytes
    assert f"ket-qua-{code}.pdf" in response["Content-Disposition"]
    detail = {a: Expect(200, shows=(ResultDocument.objects.get().sha256,)) for a in IN_REACH}
    assert_matrix(
        world,
        lambda c: c.get(f"/api/v1/dossiers/{code}/result"),
        detail | dict.fromkeys(OUT_OF_REACH, 404) | {"anonymous": 401},
        api=True,
    )


def test_the_dossier_page_links_the_result_and_offers_revocation_to_leaders(world, issued):
    link = f"/dossiers/{issued.code}/result.pdf"
    revoke = f"/dossiers/{issued.code}/result/revoke/"
    leaders = ("leader_a", "leader_p", "superuser")
    expected = {
        a: Expect(200, shows=(link, revoke) if a in leaders else (link,), hides=() if a in leaders else (revoke,))
        for a in IN_REACH
    }
    assert_matrix(
        world,
        lambda c: c.get(f"/dossiers/{issued.code}/"),
        expected | dict.fromkeys(OUT_OF_REACH, 404) | {"anonymous": 302},
    )


def test_revocation_through_the_page_and_the_api(world, issued):
    refused = world.api_client("officer_a").post(
        f"/api/v1/dossiers/{issued.code}/result/revoke", {"reason": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    hidden = world.client("officer_b").post(f"/dossiers/{issued.code}/result/revoke/", {"reason": "x"})
    assert hidden.status_code == 404
    empty = world.client("leader_a").post(f"/dossiers/{issued.code}/result/revoke/", {"reason": ""}, follow=True)
    assert "Hãy nêu lý do thu hồi kết quả." in empty.content.decode()
    assert ResultDocument.objects.get().revoked_at is None
    world.client("leader_a").post(f"/dossiers/{issued.code}/result/revoke/", {"reason": "Cấp nhầm"})
    assert ResultDocument.objects.get().revoked_reason == "Cấp nhầm"
    again = world.api_client("leader_p").post(
        f"/api/v1/dossiers/{issued.code}/result/revoke", {"reason": "x"}, content_type="application/json"
    )
    assert again.status_code == 409
    public = world.client("anonymous").get(f"/verify/{issued.result.token}").content.decode()
    assert "Đã thu hồi" in public and "Cấp nhầm" in public


def test_the_verify_page_is_public_for_the_token_and_silent_for_a_bare_code(world, issued):
    code, token = issued.code, issued.result.token
    assert len(token) >= 32
    expected = dict.fromkeys(ACTORS, Expect(200, shows=(code, "Công an phường A", issued.result.sha256)))
    assert_matrix(world, lambda c: c.get(f"/verify/{token}"), expected)
    assert_matrix(world, lambda c: c.get("/verify/"), dict.fromkeys(ACTORS, Expect(200, shows=('type="file"',))))
    # The dossier code is sequential: guessing it shows nothing of the result, only the upload form.
    bare = dict.fromkeys(ACTORS, Expect(200, shows=('type="file"',), hides=(issued.result.sha256, "on-record")))
    assert_matrix(world, lambda c: c.get(f"/verify/{code}"), bare)
    assert issued.applicant.full_name not in world.client("anonymous").get(f"/verify/{token}").content.decode()


def test_verify_page_upload(world, issued):
    data = issued.result.file.read()
    page = world.client("anonymous").post(f"/verify/{issued.code}", {"file": SimpleUploadedFile("kq.pdf", data)})
    body = page.content.decode()
    assert page.status_code == 200 and 'data-status="valid"' in body
    assert "Hợp lệ: đây đúng là kết quả có chữ ký số như khi được ban hành." in body
    changed = bytearray(data)
    changed[len(data) // 3] ^= 0x01
    page = world.client("anonymous").post("/verify/", {"file": SimpleUploadedFile("kq.pdf", bytes(changed))})
    assert 'data-status="tampered"' in page.content.decode()
    missing = world.client("anonymous").post("/verify/", {})
    assert missing.status_code == 422


def test_verify_api(world, issued):
    data = issued.result.file.read()
    client = world.api_client("anonymous")
    answer = client.post("/api/v1/verify", {"file": SimpleUploadedFile("kq.pdf", data)}).json()
    assert answer["status"] == "valid" and answer["valid"] is True
    assert answer["signature_intact"] and answer["trusted_chain"] and answer["signed_by_issuing_unit"]
    assert answer["matches_issued_file"] and answer["dossier"] == issued.code and answer["revoked"] is False
    assert "Công an phường A" in answer["signer"]
    changed = bytearray(data)
    changed[len(data) // 2] ^= 0x20
    answer = client.post("/api/v1/verify", {"file": SimpleUploadedFile("kq.pdf", bytes(changed))}).json()
    assert answer["status"] == "tampered" and answer["valid"] is False
    # The broken file names its dossier only by the code written in it (guessable): nothing of it is shown.
    assert answer["matches_issued_file"] is None and answer["dossier"] in (None, "")
    missing = client.post("/api/v1/verify", {}, headers={"Accept-Language": "en"})
    assert missing.status_code == 422
    # The file is required by the schema (the OpenAPI says so), so validation names it before the handler runs.
    assert missing.json()["error"]["fields"]["file"] == ["This field is required."]
    vi = client.post("/api/v1/verify", {"code": issued.code})
    assert vi.json()["error"]["fields"]["file"] == ["Trường này là bắt buộc."]


def test_issuing_from_the_dossier_page(world, signing, approved):
    page = world.client("leader_a").post(f"/dossiers/{approved.code}/actions/issue_result/", follow=True)
    approved.refresh_from_db()
    assert approved.status == DossierStatus.RESULT_ISSUED
    assert f"/dossiers/{approved.code}/result.pdf" in page.content.decode()


def test_issuing_without_a_key_explains_itself(world, approved):
    page = world.client("leader_a").post(f"/dossiers/{approved.code}/actions/issue_result/", follow=True)
    assert "chưa có khóa ký số dùng được" in page.content.decode()
    approved.refresh_from_db()
    assert approved.status == DossierStatus.APPROVED


def test_verification_is_size_and_rate_limited(world, issued, monkeypatch):
    from precinct.results import public

    data = issued.result.file.read()
    client = world.api_client("anonymous")
    monkeypatch.setattr(public, "MAX_BYTES", 1000)
    monkeypatch.setattr("precinct.results.api.MAX_BYTES", 1000)
    too_big = client.post("/api/v1/verify", {"file": SimpleUploadedFile("kq.pdf", data)})
    assert too_big.status_code == 422 and too_big.json()["error"]["fields"]["file"] == ["Tệp không được lớn hơn 10 MB."]
    monkeypatch.setattr(public, "CHECKS_PER_WINDOW", 2)
    small = SimpleUploadedFile("x.pdf", b"%PDF-1.4 not really")
    assert client.post("/api/v1/verify", {"file": small}).json()["status"] == "unreadable"
    small.seek(0)
    assert client.post("/api/v1/verify", {"file": small}).status_code == 200
    small.seek(0)
    limited = client.post("/api/v1/verify", {"file": small})
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    assert limited["Retry-After"] == "600"
