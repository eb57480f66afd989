"""The officers' side: scoping, recorded reads, triage, reassignment, retention, duplicates, figures."""

import datetime
import json
import os

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from precinct.audit.models import AuditEvent
from precinct.testing import Expect, assert_matrix
from precinct.tips.models import Tip, TipAttachment, TipMarker, TipMessage, TipSeal
from precinct.tips.tests.conftest import file_tip, follow, jpeg_with_gps, multipart_tip

SECRET = "Có người bán ma túy"


def tip_in_a(world) -> Tip:
    return Tip.objects.get(reference=file_tip(ward=world.ward_a.code)["reference"])


def test_report_page_matrix(world):
    tip = tip_in_a(world)
    url = f"/tips/{tip.pk}/"
    sees = Expect(200, shows=(SECRET, tip.reference[:4]))
    refused = Expect(403, hides=(SECRET,))  # not a recipient: refused before any report is looked up
    assert_matrix(
        world,
        lambda c: c.get(url),
        {
            "anonymous": 302,
            "citizen": refused,
            "officer_a": sees,
            "duty_a": sees,
            "leader_a": sees,
            "officer_b": Expect(404, hides=(SECRET,)),
            "officer_dept": Expect(404, hides=(SECRET,)),
            "leader_p": sees,
            "admin_p": refused,
            "superuser": refused,
        },
    )


def test_queue_matrix(world):
    tip = tip_in_a(world)
    ref = f"{tip.reference[:4]}-{tip.reference[4:]}"
    shows, hides = Expect(200, shows=(ref,)), Expect(200, hides=(ref,))
    assert_matrix(
        world,
        lambda c: c.get("/tips/"),
        {
            "anonymous": 302,
            "citizen": 403,
            "officer_a": shows,
            "duty_a": shows,
            "leader_a": shows,
            "officer_b": hides,
            "officer_dept": hides,
            "leader_p": shows,
            "admin_p": 403,
            "superuser": 403,
        },
    )


def test_api_matrix(world):
    tip = tip_in_a(world)
    sees = Expect(200, shows=("0912 345 678",))
    refused = Expect(403, hides=("0912 345 678",))
    assert_matrix(
        world,
        lambda c: c.get(f"/api/v1/tips/{tip.pk}"),
        {
            "anonymous": 401,
            "citizen": refused,
            "officer_a": sees,
            "duty_a": sees,
            "leader_a": sees,
            "officer_b": 404,
            "officer_dept": 404,
            "leader_p": sees,
            "admin_p": refused,
            "superuser": refused,
        },
        api=True,
    )
    assert_matrix(
        world,
        lambda c: c.get("/api/v1/tips"),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": Expect(200, shows=(tip.reference,)),
            "duty_a": Expect(200, shows=(tip.reference,)),
            "leader_a": Expect(200, shows=(tip.reference,)),
            "officer_b": Expect(200, hides=(tip.reference,)),
            "officer_dept": Expect(200, hides=(tip.reference,)),
            "leader_p": Expect(200, shows=(tip.reference,)),
            "admin_p": 403,
            "superuser": 403,
        },
        api=True,
    )


def test_every_content_read_is_audited(world):
    tip = tip_in_a(world)
    before = AuditEvent.objects.filter(action="tips.content_read").count()
    world.client("officer_a").get(f"/tips/{tip.pk}/")
    world.api_client("leader_a").get(f"/api/v1/tips/{tip.pk}")
    rows = AuditEvent.objects.filter(action="tips.content_read", target_id=str(tip.pk)).order_by("id")
    assert rows.count() == before + 2
    assert [r.actor_label for r in rows] == ["officer_a", "leader_a"]
    world.client("officer_b").get(f"/tips/{tip.pk}/")
    assert AuditEvent.objects.filter(action="tips.content_read").count() == before + 2


def test_status_flow_notes_and_the_reporter_view(world):
    filed = file_tip(ward=world.ward_a.code)
    tip = Tip.objects.get(reference=filed["reference"])
    api = world.api_client("officer_a")

    def status(body):
        return api.post(f"/api/v1/tips/{tip.pk}/status", data=json.dumps(body), content_type="application/json")

    assert status({"status": "referred"}).status_code == 409
    r = status({"status": "closed"})
    assert r.status_code == 422 and "outcome" in r.json()["error"]["fields"]
    assert status({"status": "triage", "note": "Chuyển tổ trinh sát"}).json()["status"] == "triage"
    api.post(f"/api/v1/tips/{tip.pk}/notes", data={"body": "Chỉ cán bộ được xem"}, content_type="application/json")
    api.post(f"/api/v1/tips/{tip.pk}/messages", data={"body": "Đã tiếp nhận"}, content_type="application/json")
    assert status({"status": "investigating"}).status_code == 200
    assert status({"status": "referred"}).status_code == 200
    r = status({"status": "closed", "outcome": "verified"})
    assert r.json()["status"] == "closed" and r.json()["outcome"] == "verified"
    tip.refresh_from_db()
    assert tip.first_response_at is not None and tip.closed_at is not None

    view = follow(filed["receipt"]).json()
    assert view["status"] == "closed" and view["outcome"] == "verified"
    assert [m["body"] for m in view["messages"]] == ["Đã tiếp nhận"]  # no internal notes, no triage note
    assert "Chỉ cán bộ" not in json.dumps(view) and "officer_a" not in json.dumps(view)
    client = Client()
    from precinct.tips.tests.conftest import solved

    r = client.post(
        "/api/v1/tips/followup/messages",
        data=json.dumps({"receipt": filed["receipt"], "body": "Thêm thông tin"} | solved(client)),
        content_type="application/json",
    )
    assert r.status_code == 409
    assert AuditEvent.objects.filter(action="tips.tip_transition", target_id=str(tip.pk)).count() == 4


def test_reassignment_by_the_duty_officer_moves_the_key_and_the_reach(world):
    tip = tip_in_a(world)
    officer = world.api_client("officer_a")
    r = officer.post(
        f"/api/v1/tips/{tip.pk}/reassign", data={"unit": world.ward_b.code}, content_type="application/json"
    )
    assert r.status_code == 403
    duty = world.api_client("duty_a")
    r = duty.post(
        f"/api/v1/tips/{tip.pk}/reassign", data={"unit": world.department.code}, content_type="application/json"
    )
    assert r.status_code == 422  # a department is not a receiving unit for reports
    r = duty.post(f"/api/v1/tips/{tip.pk}/reassign", data={"unit": world.ward_b.code}, content_type="application/json")
    assert r.status_code == 200 and r.json()["unit"] == world.ward_b.code
    seal = TipSeal.objects.get(tip=tip)
    assert seal.unit_key.unit == world.ward_b
    assert officer.get(f"/api/v1/tips/{tip.pk}").status_code == 404
    assert (
        world.api_client("officer_b").get(f"/api/v1/tips/{tip.pk}").json()["content"]["description"].startswith(SECRET)
    )


def test_officer_pages_act(world):
    tip = tip_in_a(world)
    page = world.client("officer_a")
    r = page.post(f"/tips/{tip.pk}/act/", {"do": "reply", "body": "Chúng tôi sẽ xác minh"})
    assert r.status_code == 302
    r = page.post(f"/tips/{tip.pk}/act/", {"do": "status", "status": "closed"}, follow=True)
    assert "Hãy chọn kết quả" in r.content.decode() or "outcome" in r.content.decode()
    page.post(f"/tips/{tip.pk}/act/", {"do": "priority", "priority": "4"})
    tip.refresh_from_db()
    assert tip.priority == 4 and tip.status == "new"
    assert TipMessage.objects.filter(tip=tip, kind="officer").count() == 1
    assert (
        world.client("officer_b").post(f"/tips/{tip.pk}/act/", {"do": "priority", "priority": "1"}).status_code == 404
    )


def test_retention_extension_and_expiry_leave_a_tombstone(world, django_capture_on_commit_callbacks):
    filed = multipart_tip(
        ward=world.ward_a.code, files=[SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg")]
    )
    tip = Tip.objects.get(reference=filed["reference"])
    blobs = list(TipAttachment.objects.filter(tip=tip).values_list("blob", flat=True))
    assert len(blobs) == 2 and all(default_storage.exists(b) for b in blobs)
    later = (tip.retain_until + datetime.timedelta(days=30)).isoformat()
    r = world.api_client("officer_a").post(
        f"/api/v1/tips/{tip.pk}/retention", data={"until": later}, content_type="application/json"
    )
    assert r.status_code == 403
    leader = world.api_client("leader_a")
    earlier = (tip.retain_until - datetime.timedelta(days=1)).isoformat()
    r = leader.post(f"/api/v1/tips/{tip.pk}/retention", data={"until": earlier}, content_type="application/json")
    assert r.status_code == 422
    r = leader.post(f"/api/v1/tips/{tip.pk}/retention", data={"until": later}, content_type="application/json")
    assert r.json()["retain_until"] == later
    world.api_client("officer_a").post(
        f"/api/v1/tips/{tip.pk}/status", data={"status": "closed", "outcome": "false"}, content_type="application/json"
    )

    Tip.objects.filter(pk=tip.pk).update(retain_until=timezone.localdate() - datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("tips_expire", stdout=open(os.devnull, "w"))  # noqa: SIM115
    tip.refresh_from_db()
    assert tip.is_purged and tip.content is None and tip.receipt_index is None and tip.receipt_hash == ""
    assert (tip.category, tip.unit, tip.place, tip.outcome) == ("drugs", world.ward_a, world.ward_a, "false")
    assert not TipAttachment.objects.filter(tip=tip).exists() and not TipMessage.objects.filter(tip=tip).exists()
    assert not TipSeal.objects.filter(tip=tip).exists() and not TipMarker.objects.filter(tip=tip).exists()
    assert not any(default_storage.exists(b) for b in blobs)
    row = AuditEvent.objects.get(action="tips.tip_expired", target_id=str(tip.pk))
    assert row.after["category"] == "drugs" and row.after["files"] == 2
    assert follow(filed["receipt"]).status_code == 404
    page = world.client("officer_a").get(f"/tips/{tip.pk}/").content.decode()
    assert "bị hủy" in page or "destroyed" in page
    ref = f"{tip.reference[:4]}-{tip.reference[4:]}"
    assert ref not in world.client("officer_a").get("/tips/").content.decode()
    assert ref in world.client("officer_a").get("/tips/?status=expired").content.decode()
    assert SECRET not in page


def test_possible_duplicates_side_by_side(world):
    first = file_tip(ward=world.ward_a.code, description="Bán ma túy tại quán nước, liên hệ số 0912345678.")
    file_tip(ward=world.ward_b.code, description="Một nội dung khác hẳn nhưng có số điện thoại 0912.345.678 ở đây.")
    file_tip(ward=world.ward_a.code, description="Xe tải 29H-123.45 chở hàng lậu qua cầu lúc nửa đêm mỗi tuần.")
    tip = Tip.objects.get(reference=first["reference"])
    found = world.api_client("leader_p").get(f"/api/v1/tips/{tip.pk}/duplicates").json()
    reasons = {d["reference"]: d["reasons"] for d in found}
    assert len(found) == 2
    assert any("số điện thoại" in " ".join(r) or "phone" in " ".join(r) for r in reasons.values())
    # Officers of ward A do not see ward B's report, even as a duplicate.
    found_a = world.api_client("officer_a").get(f"/api/v1/tips/{tip.pk}/duplicates").json()
    assert len(found_a) == 1
    page = world.client("officer_a").get(f"/tips/{tip.pk}/").content.decode()
    assert "29H-123.45" in page and "0912.345.678" not in page
    assert AuditEvent.objects.filter(action="tips.duplicates_read").exists()


def test_figures_for_leaders_without_opening_content(world):
    for _ in range(2):
        file_tip(ward=world.ward_a.code)
    file_tip(ward=world.ward_b.code, category="fraud")
    reads = AuditEvent.objects.filter(action="tips.content_read").count()
    data = world.api_client("leader_a").get("/api/v1/tips/figures").json()
    assert data["total"] == 2 and data["by_category"] == [{"category": "drugs", "n": 2}]
    province = world.api_client("leader_p").get("/api/v1/tips/figures").json()
    assert province["total"] == 3 and province["awaiting_first_response"] == 3
    assert world.api_client("officer_a").get("/api/v1/tips/figures").status_code == 403
    page = world.client("leader_p").get("/tips/figures/")
    assert page.status_code == 200 and "Ma túy" in page.content.decode()
    assert AuditEvent.objects.filter(action="tips.content_read").count() == reads


def test_retention_policy_is_the_administrators(world):
    r = world.api_client("admin_p").put(
        "/api/v1/tips/policy", data={"retention_days": 365}, content_type="application/json"
    )
    assert r.status_code == 200
    assert (
        world.api_client("leader_p")
        .put("/api/v1/tips/policy", data={"retention_days": 90}, content_type="application/json")
        .status_code
        == 403
    )
    r = world.api_client("admin_p").put(
        "/api/v1/tips/policy", data={"retention_days": 5}, content_type="application/json"
    )
    assert r.status_code == 422
    tip = Tip.objects.get(reference=file_tip()["reference"])
    assert tip.retain_until == (tip.filed_at + datetime.timedelta(days=365)).date()
    page = world.client("admin_p").post("/tips/figures/", {"retention_days": "400"})
    assert page.status_code == 302
    assert AuditEvent.objects.filter(action="tips.policy_set").count() == 2


def test_unrelated_reports_in_the_same_ward_are_not_duplicates(world):
    fraud = file_tip(
        ward=world.ward_a.code,
        vehicles="",
        people="",
        category="fraud",
        description="Tôi nhận cuộc gọi giả danh công an yêu cầu chuyển tiền để xác minh tài khoản.",
    )
    file_tip(
        ward=world.ward_a.code,
        vehicles="",
        people="",
        category="loan_sharking",
        description="Một nhóm cho vay nặng lãi dán quảng cáo vay tiền nhanh ở cột điện đầu chợ.",
    )
    same = file_tip(
        ward=world.ward_a.code,
        vehicles="",
        people="",
        category="other",
        description="Có kẻ gọi điện giả danh công an yêu cầu chuyển tiền để xác minh tài khoản ngân hàng.",
    )
    tip = Tip.objects.get(reference=fraud["reference"])
    found = world.api_client("officer_a").get(f"/api/v1/tips/{tip.pk}/duplicates").json()
    assert [d["reference"] for d in found] == [same["reference"]]
    assert any("tương tự" in r or "similar" in r for r in found[0]["reasons"])


def test_duty_officers_are_told_without_content(world):
    from precinct.notifications.models import Notification

    duty = world.users["duty_a"]
    duty.email, duty.phone = "truc.a@police.example", "0911000111"
    duty.save()
    filed = file_tip(ward=world.ward_a.code)
    file_tip(ward=world.ward_b.code)
    rows = Notification.objects.filter(recipient=duty).order_by("channel")
    assert [r.channel for r in rows] == ["email", "sms"]
    tip = Tip.objects.get(reference=filed["reference"])
    assert all(f"/tips/{tip.pk}/" in r.body and filed["reference"][:4] in r.body for r in rows)
    assert all(SECRET not in r.body and "0912" not in r.body and "Lê Lợi" not in r.body for r in rows)
    assert Notification.objects.count() == 2  # ward B has no duty officer with an address
    client = Client()
    from precinct.tips.tests.conftest import solved

    client.post(
        "/api/v1/tips/followup/messages",
        data=json.dumps({"receipt": filed["receipt"], "body": "Thêm thông tin"} | solved(client)),
        content_type="application/json",
    )
    assert Notification.objects.filter(recipient=duty, key__startswith="tips.reporter_message").count() == 2

    # The site's inbox links both messages to the report's page, labelled with the reference alone.
    from precinct.notifications.selectors import inbox_links, inbox_list

    messages = inbox_list(actor=duty)
    links = inbox_links(messages=messages)
    reference = filed["reference"]
    assert {(m.key.split(":")[0], links[m.key].url, links[m.key].label) for m in messages} == {
        ("tips.new", f"/tips/{tip.pk}/", f"{reference[:4]}-{reference[4:]}"),
        ("tips.reporter_message", f"/tips/{tip.pk}/", f"{reference[:4]}-{reference[4:]}"),
    }


def test_the_queue_filter_lists_only_the_wards_in_reach(world):
    ward_codes = {u.code for u in world.client("officer_a").get("/tips/").context["wards"]}
    assert ward_codes == {world.ward_a.code}
    everywhere = {u.code for u in world.client("leader_p").get("/tips/").context["wards"]}
    assert {world.ward_a.code, world.ward_b.code} <= everywhere
