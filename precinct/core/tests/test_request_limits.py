"""Bodies are checked before anything parses them (core.request_limits): too large 413, multipart without a
boundary and JSON nested too deep 400, in the one error shape and the caller's language, and none of it
mails the administrators."""

import io
import json

import pytest
from django.core import mail
from django.test import Client, RequestFactory

from precinct.core.request_limits import RequestLimitsMiddleware, json_depth_exceeds


@pytest.fixture(autouse=True)
def _errors_mailed(settings):
    settings.ADMINS = ["ops@precinct.example"]
    settings.DEBUG = False
    mail.outbox.clear()


def client() -> Client:
    return Client(raise_request_exception=False)


def error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    return body["error"]


def test_multipart_without_a_boundary_is_a_400_not_a_500(db):
    for path in ("/api/v1/tips", "/api/v1/dossiers", "/api/v1/verify", "/api/v1/tips/followup/messages"):
        response = client().post(path, data=b"--x\r\n", content_type="multipart/form-data")
        message = error(response, 400, "bad_request")["message"]
        assert "boundary" in message  # Vietnamese by default: "boundary" is the word in both
    assert mail.outbox == []


def test_deeply_nested_json_is_refused_before_it_is_parsed(db):
    deep = b"[" * 100_000 + b"]" * 100_000
    for path in ("/api/v1/tips", "/api/v1/tips/followup", "/api/v1/citizens", "/api/v1/dossiers"):
        response = client().post(path, data=deep, content_type="application/json", headers={"Accept-Language": "en"})
        assert (
            error(response, 400, "bad_request")["message"] == "The JSON body is nested too deeply (at most 64 levels)."
        )
    assert mail.outbox == []


def test_json_nested_within_the_limit_reaches_the_handler(db):
    body = {"a": [[[[["Mục [không] phải {cấp}"]]]]], "challenge_id": "x", "nonce": "y"}
    response = client().post("/api/v1/tips/followup", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422  # the handler's own answer (no receipt, a bad challenge)


def test_a_body_over_the_limit_is_413_in_the_callers_language(db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"description": "x" * 2000})
    vi = error(client().post("/api/v1/tips", data=body, content_type="application/json"), 413, "request_too_large")
    assert vi["message"].startswith("Yêu cầu quá lớn")
    en = client().post("/api/v1/tips", data=body, content_type="application/json", headers={"Accept-Language": "en"})
    assert error(en, 413, "request_too_large")["message"] == "The request is too large (at most 0 MB)."
    assert mail.outbox == []


def test_multipart_is_limited_by_the_upload_limit_and_the_declared_length_is_not_trusted(db, settings):
    settings.PRECINCT_MAX_UPLOAD_BYTES = 3 * 1024 * 1024
    payload = b'--b\r\nContent-Disposition: form-data; name="body"\r\n\r\nx\r\n--b--\r\n'
    # The declared length alone refuses it, before a byte is read.
    response = client().post(
        "/api/v1/tips",
        data=payload,
        content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH=str(4 * 1024 * 1024),
    )
    assert error(response, 413, "request_too_large")["message"].endswith("(tối đa 3 MB).")


def test_a_body_without_a_length_is_measured(rf: RequestFactory, settings):
    """ASGI hands Django the whole body, with or without Content-Length: it is measured, then put back."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    middleware = RequestLimitsMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]

    def request(body: bytes):
        r = rf.post("/api/v1/tips", data=b"", content_type="application/json")
        r.META.pop("CONTENT_LENGTH", None)
        r._stream = io.BytesIO(body)
        return r

    assert middleware.check(request(b"[" + b"1," * 100 + b"1]")).status_code == 413
    small = request(b'{"a": 1}')
    assert middleware.check(small) is None
    assert json.loads(small.body) == {"a": 1}  # the measured bytes are still there for the handler


def test_a_page_gets_the_error_page(db):
    response = client().post("/accounts/register/", data=b"--x\r\n", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "boundary" in response.content.decode()


def test_get_requests_pass_untouched(db):
    assert client().get("/api/v1/tips/challenge").status_code == 200


@pytest.mark.parametrize(
    ("text", "deeper_than_3"),
    [
        ('{"a": [1, {"b": 2}]}', False),
        ('[[[["x"]]]]', True),
        ('["[[[[[[", "{{{{{{"]', False),  # brackets inside strings
        ('["\\"[[[[[["]', False),  # an escaped quote does not end the string
        ('[{"a": [{"b": 1}]}]', True),
    ],
)
def test_json_depth(text, deeper_than_3):
    assert json_depth_exceeds(text.encode(), 3) is deeper_than_3
