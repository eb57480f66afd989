"""The proof of work is checked before any expensive work: a multipart report (files) carries its challenge in
the X-Challenge-Id / X-Challenge-Nonce headers, redeemed before the body is parsed; without a valid one the
body is never read, and no Argon2id runs."""

import hashlib
import itertools
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import Client

from precinct.tips import abuse
from precinct.tips.models import Tip
from precinct.tips.tests.conftest import REPORT, solved, solved_headers


@pytest.fixture
def body_never_parsed(monkeypatch):
    def parse(self):
        raise AssertionError("the multipart body was parsed")

    monkeypatch.setattr(MultiPartParser, "parse", parse)


@pytest.fixture
def nothing_submitted(monkeypatch):
    def submit(**kwargs):
        raise AssertionError("the report reached tip_submit (Argon2id, encryption)")

    monkeypatch.setattr("precinct.tips.services.tip_submit", submit)


def files() -> list:
    return [SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"x" * 4096, content_type="application/pdf")]


@pytest.mark.parametrize("path", ["/api/v1/tips", "/api/v1/tips/followup/messages"])
def test_multipart_without_the_challenge_headers_is_refused_unread(world, body_never_parsed, nothing_submitted, path):
    client = Client()
    response = client.post(path, data=REPORT | solved(client) | {"receipt": "1" * 16, "files": files()})
    assert response.status_code == 422
    assert "challenge_id" in response.json()["error"]["fields"]


@pytest.mark.parametrize("path", ["/api/v1/tips", "/api/v1/tips/followup/messages"])
def test_a_wrong_nonce_in_the_headers_is_refused_before_the_body_is_read(
    world, body_never_parsed, nothing_submitted, path
):
    client = Client()
    challenge = client.get("/api/v1/tips/challenge").json()
    wrong = next(  # a nonce that does not solve it
        str(n)
        for n in itertools.count()
        if abuse.leading_zero_bits(hashlib.sha256((challenge["id"] + str(n)).encode()).digest())
        < challenge["difficulty"]
    )
    headers = {"X-Challenge-Id": challenge["id"], "X-Challenge-Nonce": wrong}
    response = client.post(path, data=REPORT | {"files": files()}, headers=headers)
    assert response.status_code == 422 and "nonce" in response.json()["error"]["fields"]


def test_a_used_challenge_in_the_headers_is_refused_before_the_body_is_read(world, monkeypatch):
    client = Client()
    headers = solved_headers(client)
    first = client.post("/api/v1/tips", data=REPORT | {"files": files()}, headers=headers)
    assert first.status_code == 201, first.content
    monkeypatch.setattr(MultiPartParser, "parse", lambda self: (_ for _ in ()).throw(AssertionError("parsed")))
    again = client.post("/api/v1/tips", data=REPORT | {"files": files()}, headers=headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "challenge_used"
    assert Tip.objects.count() == 1


def test_json_without_a_valid_challenge_never_reaches_the_expensive_part(world, nothing_submitted):
    client = Client()
    body = REPORT | {"challenge_id": "1.6.abc.def", "nonce": "1"}
    response = client.post("/api/v1/tips", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422 and "challenge_id" in response.json()["error"]["fields"]
