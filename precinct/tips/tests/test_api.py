"""The anonymous side through HTTP: challenge, filing, follow-up, proof of filing, limits."""

import hashlib
import io
import json

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from precinct.audit.models import AuditEvent
from precinct.tips import abuse
from precinct.tips.models import Tip, TipAttachment
from precinct.tips.tests.conftest import (
    REPORT,
    file_tip,
    follow,
    jpeg_with_gps,
    multipart_tip,
    solve,
    solved,
    solved_headers,
)


def post_json(client: Client, url: str, body: dict, **extra):
    return client.post(url, data=json.dumps(body), content_type="application/json", **extra)


def test_challenge_has_exactly_id_and_difficulty(world):
    response = Client().get("/api/v1/tips/challenge")
    assert response.status_code == 200
    assert set(response.json()) == {"id", "difficulty"}
    assert response.json()["difficulty"] == 6
    assert "no-store" in response["Cache-Control"]


def test_the_proof_of_work_is_checked_and_single_use(world):
    client = Client()
    challenge = client.get("/api/v1/tips/challenge").json()
    nonce = solve(challenge)
    wrong = next(
        str(n)
        for n in range(10_000)
        if abuse.leading_zero_bits(hashlib.sha256((challenge["id"] + str(n)).encode()).digest()) < 6
    )
    r = post_json(client, "/api/v1/tips", REPORT | {"challenge_id": challenge["id"], "nonce": wrong})
    assert r.status_code == 422 and "nonce" in r.json()["error"]["fields"]
    tampered = challenge["id"][:-1] + ("0" if challenge["id"][-1] != "0" else "1")
    r = post_json(client, "/api/v1/tips", REPORT | {"challenge_id": tampered, "nonce": nonce})
    assert r.status_code == 422 and "challenge_id" in r.json()["error"]["fields"]
    assert Tip.objects.count() == 0

    r = post_json(client, "/api/v1/tips", REPORT | {"challenge_id": challenge["id"], "nonce": nonce})
    assert r.status_code == 201
    r = post_json(client, "/api/v1/tips", REPORT | {"challenge_id": challenge["id"], "nonce": nonce})
    assert r.status_code == 409 and r.json()["error"]["code"] == "challenge_used"
    assert Tip.objects.count() == 1


def test_too_many_wrong_nonces_burn_the_challenge(world):
    client = Client()
    challenge = client.get("/api/v1/tips/challenge").json()
    wrong = [
        str(n)
        for n in range(10_000)
        if abuse.leading_zero_bits(hashlib.sha256((challenge["id"] + str(n)).encode()).digest()) < 6
    ]
    for nonce in wrong[: abuse.TRIES_PER_CHALLENGE]:
        post_json(client, "/api/v1/tips", REPORT | {"challenge_id": challenge["id"], "nonce": nonce})
    r = post_json(client, "/api/v1/tips", REPORT | {"challenge_id": challenge["id"], "nonce": solve(challenge)})
    assert r.status_code == 429


def test_bad_input_is_refused_in_vietnamese_and_changes_nothing(world):
    audit_rows = AuditEvent.objects.count()
    client = Client()
    body = REPORT | {"category": "aliens", "description": "", "ward": "99999", "contact_email": "x@"} | solved(client)
    r = post_json(client, "/api/v1/tips", body)
    assert r.status_code == 422
    fields = r.json()["error"]["fields"]
    assert set(fields) >= {"category", "description", "ward", "contact_email"}
    assert fields["description"] == ["Trường này là bắt buộc."]
    r = post_json(client, "/api/v1/tips", body | solved(client), HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["error"]["fields"]["description"] == ["This field is required."]
    assert Tip.objects.count() == 0 and AuditEvent.objects.count() == audit_rows


def test_routing_to_the_named_ward_or_the_duty_desk(world):
    a = Tip.objects.get(reference=file_tip(ward=world.ward_a.division_code)["reference"])
    assert (a.place, a.unit, a.unit_path) == (world.ward_a, world.ward_a, world.ward_a.path)
    desk = Tip.objects.get(reference=file_tip()["reference"])
    assert desk.place is None and desk.unit == world.province


def test_identified_report_needs_a_signed_in_citizen(world):
    r = post_json(Client(), "/api/v1/tips", REPORT | {"identified": True} | solved())
    assert r.status_code == 422 and "identified" in r.json()["error"]["fields"]
    citizen = world.client("citizen")
    filed = file_tip(citizen, identified=True, ward=world.ward_a.code)
    tip = Tip.objects.get(reference=filed["reference"])
    assert tip.identified
    detail = world.api_client("officer_a").get(f"/api/v1/tips/{tip.pk}").json()
    assert detail["content"]["identity"]["personal_id"] == "022090012345"
    # The audit row of the filing does not name the citizen.
    row = AuditEvent.objects.get(action="tips.tip_submit", target_id=str(tip.pk))
    assert row.actor_id is None and "022090012345" not in json.dumps(row.content())
    # With the session, an identified report needs the page's CSRF token.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.users["citizen"])
    r = post_json(strict, "/api/v1/tips", REPORT | {"identified": True} | solved(strict))
    assert r.status_code == 403
    strict.get("/report/")
    token = strict.cookies["csrftoken"].value
    r = post_json(strict, "/api/v1/tips", REPORT | {"identified": True} | solved(strict), HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 201, r.content


def test_jpeg_with_gps_gets_a_clean_copy_and_the_original_is_kept(world):
    photo = jpeg_with_gps()
    filed = multipart_tip(
        ward=world.ward_a.code, files=[SimpleUploadedFile("IMG_2041.jpg", photo, content_type="image/jpeg")]
    )
    tip = Tip.objects.get(reference=filed["reference"])
    detail = world.api_client("officer_a").get(f"/api/v1/tips/{tip.pk}").json()
    [item] = detail["attachments"]
    assert item["sha256"] == hashlib.sha256(photo).hexdigest() and item["clean_copy_id"]
    officer = world.api_client("officer_a")
    original = officer.get(f"/api/v1/tips/{tip.pk}/files/{item['id']}")
    assert original.status_code == 200 and original.content == photo
    assert original["X-Content-SHA256"] == hashlib.sha256(photo).hexdigest()
    clean = officer.get(f"/api/v1/tips/{tip.pk}/files/{item['clean_copy_id']}").content
    from PIL import Image

    image = Image.open(io.BytesIO(clean))
    assert image.size == (64, 48)
    assert not image.getexif() and b"PhoneCamMaker" not in clean and b"Exif" not in clean
    assert AuditEvent.objects.filter(action="tips.file_read", target_id=str(tip.pk)).count() == 2
    assert world.api_client("officer_b").get(f"/api/v1/tips/{tip.pk}/files/{item['id']}").status_code == 404
    assert world.client("officer_b").get(f"/tips/{tip.pk}/files/{item['id']}/").status_code == 404
    page = world.client("officer_a").get(f"/tips/{tip.pk}/files/{item['id']}/")
    assert page.content == photo and page["Cache-Control"] == "no-store"
    assert TipAttachment.objects.filter(tip=tip).count() == 2


def test_unknown_file_types_are_refused(world):
    client = Client()
    r = client.post(
        "/api/v1/tips",
        data=REPORT | {"files": [SimpleUploadedFile("x.exe", b"MZ\x90\x00binary")]},
        headers=solved_headers(client),
    )
    assert r.status_code == 422 and "files" in r.json()["error"]["fields"]
    assert Tip.objects.count() == 0


def test_followup_with_receipt_in_the_body_and_reporter_messages(world):
    filed = file_tip(ward=world.ward_a.code)
    spaced = " ".join(filed["receipt"][i : i + 4] for i in range(0, 16, 4))
    r = follow(spaced)
    assert r.status_code == 200 and r.json()["reference"] == filed["reference"]
    assert "no-store" in r["Cache-Control"]
    client = Client()
    r = client.post(
        "/api/v1/tips/followup/messages",
        data={"receipt": filed["receipt"], "body": "Tối nay họ lại tụ tập."}
        | {"files": [SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20)]},
        headers=solved_headers(client),
    )
    assert r.status_code == 201, r.content
    assert [(m["from"], m["body"]) for m in r.json()["messages"]] == [("reporter", "Tối nay họ lại tụ tập.")]
    tip = Tip.objects.get(reference=filed["reference"])
    assert tip.attachments.count() == 1  # a PNG that does not decode gets no clean copy


def test_wrong_receipts_are_refused_counted_and_limited(world, settings):
    settings.PRECINCT_TIPS_RECEIPT_FAILURES = 3
    filed = file_tip()
    wrong = str((int(filed["receipt"]) + 1) % 10**16).zfill(16)
    for _ in range(3):
        r = follow(wrong)
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert follow(wrong).status_code == 429
    assert follow(filed["receipt"]).status_code == 429  # paused for everyone until the window ends
    assert follow("1234").status_code in (422, 429)
    assert AuditEvent.objects.filter(action="tips.burst_alert", target_label="wrong_receipts").exists()


def test_short_receipt_is_a_validation_error(world):
    r = follow("12345")
    assert r.status_code == 422 and "receipt" in r.json()["error"]["fields"]


def test_proof_of_filing_carries_no_content(world):
    filed = file_tip(ward=world.ward_a.code)
    r = post_json(Client(), "/api/v1/tips/proof", {"token": filed["proof_token"]})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    assert filed["reference"][:4] in text
    assert filed["receipt"] not in text.replace(" ", "")
    for secret in ("ma túy", "Lê Lợi", "0912", "Tú", "Phường", world.ward_a.name):
        assert secret not in text
    assert post_json(Client(), "/api/v1/tips/proof", {"token": "forged"}).status_code == 422
    page = Client().post("/report/proof.pdf", {"token": filed["proof_token"]})
    assert page.status_code == 200 and page.content.startswith(b"%PDF")


def test_global_limit_and_burst_alert(world, settings, django_capture_on_commit_callbacks):
    settings.PRECINCT_TIPS_ALERT_PER_MINUTE = 2
    settings.PRECINCT_TIPS_GLOBAL_PER_MINUTE = 3
    settings.ADMINS = ["soc@police.example"]
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            file_tip()
    alert = AuditEvent.objects.get(action="tips.burst_alert")
    assert alert.after == {"kind": "reports", "count": 2, "window_seconds": 60}
    assert mail.outbox and mail.outbox[0].to == ["soc@police.example"]
    assert Client().get("/api/v1/tips/challenge").json()["difficulty"] == 8  # harder during a burst
    file_tip()
    r = post_json(Client(), "/api/v1/tips", REPORT | solved())
    assert r.status_code == 429 and r["Retry-After"] == "60"
    assert Tip.objects.count() == 3
