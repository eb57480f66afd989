import hashlib
import itertools
import json

import pytest
from django.test import Client

from precinct.tips import abuse


@pytest.fixture(autouse=True)
def _tips_settings(settings, tmp_path):
    """Keys in a temporary directory, an easy proof of work and no deliberate delay on wrong receipts."""
    settings.PRECINCT_TIPS_KEY_DIR = tmp_path / "keys"
    settings.PRECINCT_TIPS_POW_DIFFICULTY = 6
    settings.PRECINCT_TIPS_WRONG_RECEIPT_DELAY = 0
    settings.MEDIA_ROOT = str(tmp_path / "media")


def solve(challenge: dict) -> str:
    for nonce in itertools.count():
        digest = hashlib.sha256((challenge["id"] + str(nonce)).encode()).digest()
        if abuse.leading_zero_bits(digest) >= challenge["difficulty"]:
            return str(nonce)
    raise AssertionError


def solved(client: Client | None = None) -> dict:
    client = client or Client()
    challenge = client.get("/api/v1/tips/challenge").json()
    return {"challenge_id": challenge["id"], "nonce": solve(challenge)}


def solved_headers(client: Client | None = None) -> dict:
    """A solved challenge as the headers a multipart POST sends it in."""
    challenge = solved(client)
    return {"X-Challenge-Id": challenge["challenge_id"], "X-Challenge-Nonce": challenge["nonce"]}


REPORT = {
    "category": "drugs",
    "description": "Có người bán ma túy ở quán nước đầu ngõ 12, gọi số 0912 345 678 để mua, xe 14A-123.45.",
    "address": "Ngõ 12 đường Lê Lợi",
    "people": "Một người đàn ông tên Tú, khoảng 30 tuổi",
    "vehicles": "Xe máy Wave đỏ 14A-123.45",
    "occurred_at": "2026-11-20T21:30",
    "contact_phone": "0988 777 666",
}


def file_tip(client: Client | None = None, **fields) -> dict:
    """File a report through the HTTP API as an anonymous visitor; the JSON answer (201)."""
    client = client or Client()
    body = REPORT | fields | solved(client)
    response = client.post("/api/v1/tips", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def jpeg_with_gps() -> bytes:
    """A small JPEG carrying camera and GPS EXIF, like a phone photo."""
    import io

    from PIL import Image

    image = Image.new("RGB", (64, 48), (200, 50, 50))
    exif = Image.Exif()
    exif[0x010F] = "PhoneCamMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (21.0, 1.0, 2.0), "E", (107.0, 3.0, 4.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def multipart_tip(client: Client | None = None, files: list | None = None, **fields) -> dict:
    """File a report as multipart/form-data with files."""
    client = client or Client()
    body = REPORT | fields
    response = client.post("/api/v1/tips", data=body | {"files": files or []}, headers=solved_headers(client))
    assert response.status_code == 201, response.content
    return response.json()


def follow(receipt: str, client: Client | None = None):
    client = client or Client()
    return client.post(
        "/api/v1/tips/followup",
        data=json.dumps({"receipt": receipt} | solved(client)),
        content_type="application/json",
    )
