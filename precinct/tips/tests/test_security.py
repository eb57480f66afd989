"""Confidentiality: nothing readable in a dump of the database and the storage folder, nothing about
the reporter's device anywhere, strict headers on the reporting pages, keys outside the database."""

import json
import logging
import os
import re
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client

from precinct.tips import crypto
from precinct.tips.models import Tip, UnitKey
from precinct.tips.tests.conftest import jpeg_with_gps, solved, solved_headers

SECRETS = {
    "description": "Ông Khổng Minh Phát buôn thuốc lắc ở karaoke Hoa Sen số 7 đường Trần Hưng Đạo",
    "address": "Karaoke Hoa Sen, 7 Trần Hưng Đạo",
    "people": "Khổng Minh Phát, biệt danh Phát Sẹo, số 0977 123 456",
    "vehicles": "Mazda CX5 đen 14A-567.89",
    "contact_name": "Người Báo Tin Bí Mật",
    "contact_phone": "0911 000 222",
    "contact_email": "baotin.bimat@example.vn",
}
MESSAGE = "Bổ sung: hắn cất hàng trong két sắt phòng VIP"
REPLY = "Cảm ơn anh chị, tổ công tác Xuân Thủy đã tiếp nhận"
NOTE = "Ghi chú nội bộ: đối chiếu hồ sơ Phát Sẹo"
PIXELS = b"UNIQUE-EVIDENCE-BYTES-" * 8
DEVICE = {"REMOTE_ADDR": "203.0.113.77", "HTTP_USER_AGENT": "SecretPhone/9.9 (Reporter Device)"}


def needles() -> list[bytes]:
    words = [*SECRETS.values(), MESSAGE, REPLY, NOTE, "Phát Sẹo", "0977123456", "0977 123 456", "14A56789"]
    found = []
    for w in words:
        found += [w.encode(), w.encode("utf-16-le"), json.dumps(w).encode()]
    return [*found, PIXELS[:40], b"PhoneCamMaker", b"203.0.113.77", b"SecretPhone"]


def dump_database() -> bytes:
    """Every row of every table, as bytes (binary columns raw, text columns UTF-8)."""
    out = bytearray()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes | bytearray):
                        out += bytes(value)
                    else:
                        out += str(value).encode()
                    out += b"\n"
    return bytes(out)


def dump_folder(path: Path) -> bytes:
    out = bytearray()
    for root, _dirs, names in os.walk(path):
        for name in names:
            out += (Path(root) / name).read_bytes()
    return bytes(out)


def test_a_dump_of_the_database_and_storage_reveals_nothing(world, caplog):
    caplog.set_level(logging.DEBUG)
    reporter = Client(**DEVICE)
    files = [
        SimpleUploadedFile("evidence.pdf", b"%PDF-1.4\n" + PIXELS, content_type="application/pdf"),
        SimpleUploadedFile("photo.jpg", jpeg_with_gps(), content_type="image/jpeg"),
    ]
    r = reporter.post(
        "/api/v1/tips",
        data=SECRETS | {"category": "drugs", "ward": world.ward_a.code} | {"files": files},
        headers=solved_headers(reporter),
        **DEVICE,
    )
    assert r.status_code == 201, r.content
    receipt = r.json()["receipt"]
    r = reporter.post(
        "/api/v1/tips/followup/messages",
        data=json.dumps({"receipt": receipt, "body": MESSAGE} | solved(reporter)),
        content_type="application/json",
        **DEVICE,
    )
    assert r.status_code == 201
    tip = Tip.objects.get()
    officer = world.api_client("officer_a")
    assert (
        officer.post(f"/api/v1/tips/{tip.pk}/messages", {"body": REPLY}, content_type="application/json").status_code
        == 201
    )
    assert (
        officer.post(f"/api/v1/tips/{tip.pk}/notes", {"body": NOTE}, content_type="application/json").status_code == 201
    )
    assert reporter.get("/report/", **DEVICE).status_code == 200

    database = dump_database()
    storage = dump_folder(Path(settings.MEDIA_ROOT))
    assert len(storage) > len(PIXELS)  # the files are there, encrypted
    assert tip.reference.encode() in database and b"tips.tip_submit" in database  # the dump does see the rows
    leaks = [n for n in needles() if n in database or n in storage]
    assert leaks == []
    assert receipt.encode() not in database
    # The officer does read it all back: encryption, not loss.
    detail = officer.get(f"/api/v1/tips/{tip.pk}").json()
    assert detail["content"]["description"] == SECRETS["description"]
    assert [m["body"] for m in detail["messages"]] == [MESSAGE, REPLY, NOTE]
    # Nothing about the device in any log record either.
    logged = "\n".join(f"{rec.getMessage()} {rec.__dict__}" for rec in caplog.records)
    assert "203.0.113.77" not in logged and "SecretPhone" not in logged and receipt not in logged


def test_receipt_hash_is_argon2id_at_or_above_owasp(world):
    client = Client()
    r = client.post(
        "/api/v1/tips",
        data=json.dumps(SECRETS | {"category": "other"} | solved(client)),
        content_type="application/json",
    )
    tip = Tip.objects.get(reference=r.json()["reference"])
    match = re.fullmatch(
        r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}", tip.receipt_hash
    )
    assert match
    memory, passes, lanes = map(int, match.groups())
    assert memory >= 19456 and passes >= 2 and lanes == 1
    assert tip.receipt_index == crypto.receipt_index(r.json()["receipt"]) and len(tip.receipt_index) == 64


def test_reporting_pages_are_not_cached_and_have_a_strict_policy(world):
    for url in ("/report/", "/report/follow-up/"):
        response = Client().get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        policy = response["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy and "nonce-" not in policy
        assert response["Referrer-Policy"] == "same-origin"
        html = response.content.decode()
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html)), "no inline scripts"
        assert " style=" not in html and "<style" not in html
        assert 'method="post" action="/report/' not in html or url == "/report/"  # the report form is fetch-only
        assert not re.search(r"<form[^>]*data-role=\"report-form\"[^>]*action=", html)


def test_unit_keys_live_outside_the_database_and_rotate(world, tmp_path):
    client = Client()

    def file() -> Tip:
        r = client.post(
            "/api/v1/tips",
            data=json.dumps(SECRETS | {"category": "other", "ward": world.ward_a.code} | solved(client)),
            content_type="application/json",
        )
        return Tip.objects.get(reference=r.json()["reference"])

    old = file()
    old_key = UnitKey.objects.get(unit=world.ward_a, is_active=True)
    call_command("tips_keys", "rotate", "--unit", world.ward_a.code, stdout=open(os.devnull, "w"))  # noqa: SIM115
    new_key = UnitKey.objects.get(unit=world.ward_a, is_active=True)
    assert new_key != old_key
    new = file()
    assert new.seals.get().unit_key == new_key and old.seals.get().unit_key == old_key
    officer = world.api_client("officer_a")
    assert officer.get(f"/api/v1/tips/{old.pk}").status_code == 200  # old private key kept for reading
    key_file = crypto.key_dir() / f"{old_key.key_id}.key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    # Without the key directory the database alone opens nothing.
    key_file.rename(tmp_path / "moved.key")
    crypto._private_keys.forget()
    r = officer.get(f"/api/v1/tips/{old.pk}")
    assert r.status_code == 503 and r.json()["error"]["code"] == "key_unavailable"
    assert officer.get(f"/api/v1/tips/{new.pk}").status_code == 200


def test_without_javascript_nothing_is_sent_or_echoed(world):
    client = Client(enforce_csrf_checks=False)
    response = client.post("/report/", SECRETS | {"category": "drugs"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "JavaScript" in html and SECRETS["description"] not in html and SECRETS["contact_email"] not in html
    assert Tip.objects.count() == 0
    assert client.post("/report/follow-up/", {"receipt": "1234567812345678"}).status_code == 400
    for url in ("/report/", "/report/follow-up/"):
        forms = re.findall(r"<form[^>]*>", Client().get(url).content.decode())
        assert forms and all('method="post"' in f for f in forms), "a GET form would put input into the URL"


def test_the_api_is_published(world):
    spec = Client().get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for path in ("/api/v1/tips", "/api/v1/tips/challenge", "/api/v1/tips/followup", "/api/v1/tips/followup/messages"):
        assert path in paths
    assert set(paths["/api/v1/tips"]["post"]["requestBody"]["content"]) == {"application/json", "multipart/form-data"}


def test_large_uploads_never_touch_a_temporary_file(world, monkeypatch):
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    def refuse(*args, **kwargs):
        raise AssertionError("a reporter's file was about to be written to a temporary file")

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", refuse)
    big = b"%PDF-1.4\n" + b"x" * (3 * 1024 * 1024)  # over Django's 2.5 MB in-memory limit
    client = Client()
    r = client.post(
        "/api/v1/tips",
        data=SECRETS | {"category": "other"} | {"files": [SimpleUploadedFile("big.pdf", big)]},
        headers=solved_headers(client),
    )
    assert r.status_code == 201, r.content
    assert Tip.objects.get().attachments.count() == 1
