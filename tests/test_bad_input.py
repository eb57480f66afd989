"""Issue 13, item 3: the bad inputs that answered 500, one representative operation of each app, API and pages.

Each answers 4xx — the API in the one error shape `{"error": {"code", "message", "fields"}}`, the pages with
the error page — and changes nothing: no row of any Precinct table is added, changed or removed, no mail
goes to the administrators.
"""

import json

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client

from precinct.audit.models import AuditEvent

NUL = "\x00"
HUGE = str(10**20)  # beyond 64 bits
DIGITS_5000 = "9" * 5000  # beyond Python's 4,300-digit int() limit


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False
    settings.ADMINS = ["ops@precinct.example"]
    mail.outbox.clear()


def _snapshot() -> dict[str, int]:
    counts = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("precinct.") and not model._meta.proxy
    }
    counts["audit"] = AuditEvent.objects.count()
    return counts


def _json(data: object) -> bytes:
    return json.dumps(data).encode()


# (actor, method, path, body bytes or None, status)
API_CASES = [
    # accounts
    ("anonymous", "post", "/api/v1/auth/token", _json({"username": "a\x00b", "password": "x"}), 400),
    ("anonymous", "post", "/api/v1/auth/token", b'{"username": "\\ud800", "password": "x"}', 400),
    ("anonymous", "post", "/api/v1/auth/token", b'{"username": ' + DIGITS_5000.encode() + b', "password": "x"}', 400),
    (
        "anonymous",
        "post",
        "/api/v1/citizens",
        _json(
            {
                "personal_id": "022090054321",
                "full_name": "A",
                "date_of_birth": "9999-12-31",
                "sex": "male",
                "phone": "0912345678",
                "password": "Precinct@2026x",
            }
        ),
        422,
    ),
    # core (the calendar)
    ("anonymous", "get", "/api/v1/calendar/due-date?received_at=9999-12-31T23:59:59Z&working_days=3", None, 422),
    # organisation
    ("anonymous", "get", "/api/v1/units?q=%00", None, 400),
    ("anonymous", "get", f"/api/v1/units?offset={HUGE}", None, 422),
    ("anonymous", "get", "/api/v1/units/ab%00c", None, 400),
    # eservices
    ("anonymous", "get", "/api/v1/procedures/%00", None, 400),
    ("citizen", "get", "/api/v1/dossiers?due_within_days=3000000", None, 422),
    ("citizen", "get", f"/api/v1/dossiers?offset={HUGE}", None, 422),
    ("citizen", "get", "/api/v1/dossiers?status=%00", None, 400),
    ("citizen", "post", "/api/v1/dossiers", _json({"procedure_code": "a\x00", "data": {}}), 400),
    ("citizen", "post", "/api/v1/dossiers", b'{"procedure_code": "x", "data": {"n": ' + HUGE.encode() + b"}}", 400),
    ("citizen", "post", "/api/v1/dossiers", b'{"procedure_code": "x", "data": {"n": NaN}}', 400),
    ("citizen", "post", "/api/v1/dossiers", b'{"procedure_code": "x", "data": {"\\udfff": 1}}', 400),
    # payments
    ("citizen", "get", "/api/v1/dossiers/X%00/payments", None, 400),
    ("citizen", "post", f"/api/v1/dossiers/X/payments/{HUGE}/start", None, 422),
    # portalsync
    ("admin_p", "get", "/api/v1/portal-sync/events?q=%00", None, 400),
    ("admin_p", "get", f"/api/v1/portal-sync/events?offset={HUGE}", None, 422),
    # tips
    ("anonymous", "post", "/api/v1/tips", b'{"category": "other", "description": "\\ud800"}', 400),
    ("officer_a", "get", "/api/v1/tips?q=%00", None, 400),
    ("leader_a", "get", "/api/v1/tips/figures?since=0001-01-01", None, 422),
    # results
    ("anonymous", "get", "/api/v1/dossiers/%00/result", None, 400),
    # stats
    ("leader_p", "get", "/api/v1/stats/dossiers?unit=%00", None, 400),
    # planning
    ("leader_p", "get", "/api/v1/planning/plans/1?as_of=9999-12-31", None, 422),
    ("leader_p", "get", f"/api/v1/planning/plans/{HUGE}", None, 422),
    # cameras
    ("officer_a", "get", "/api/v1/cameras?q=%00", None, 400),
    (
        "officer_a",
        "post",
        "/api/v1/cameras/1/consents",
        _json({"signed_on": "2026-01-01", "retention_days": 10**6}),
        422,
    ),
    # incidents
    ("officer_a", "get", f"/api/v1/incidents?offset={HUGE}", None, 422),
    (
        "officer_a",
        "post",
        "/api/v1/incidents",
        _json({"unit": "07168", "source": "call", "classification": "crime", "received_at": "9999-12-31T23:59:59Z"}),
        422,
    ),
    # residence
    ("officer_a", "get", "/api/v1/residence/persons?q=%00", None, 400),
    ("officer_a", "get", "/api/v1/residence/quality/%00", None, 400),
    # a path under /api/ that no pattern matches
    ("officer_a", "get", "/api/v1/cameras/not-a-number", None, 404),
]


@pytest.mark.parametrize(("actor", "method", "path", "body", "status"), API_CASES)
def test_bad_api_input_is_a_4xx_in_the_one_shape_and_changes_nothing(world, actor, method, path, body, status):
    client = world.api_client(actor)
    client.raise_request_exception = False
    before = _snapshot()
    kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status, response.content[:400]
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"} and error["message"]
    assert _snapshot() == before
    assert mail.outbox == []


def test_the_refusal_is_vietnamese_first_and_english_on_request(db):
    client = Client()
    vi = client.get("/api/v1/units?q=%00").json()["error"]
    en = client.get("/api/v1/units?q=%00", headers={"Accept-Language": "en"}).json()["error"]
    assert vi["code"] == en["code"] == "bad_input"
    assert en["fields"] == {"q": ["The text contains a NUL character (\\0), which is not accepted."]}
    assert vi["fields"]["q"][0].startswith("Văn bản")


def test_a_multipart_field_with_nul_is_refused_when_the_handler_reads_it(db):
    # /verify reads its form through ninja: the field is checked on that first read (after the tips-style
    # header checks would have run), and answers 400 in the one shape.
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = Client().post("/api/v1/verify", {"code": "a\x00b", "file": SimpleUploadedFile("k.pdf", b"%PDF-1.4")})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"code": [response.json()["error"]["message"]]}


def test_a_json_body_over_the_limit_is_413(db):
    body = _json({"description": "x" * (3 * 1024 * 1024)})
    response = Client().post("/api/v1/tips", data=body, content_type="application/json")
    assert response.status_code == 413 and response.json()["error"]["code"] == "request_too_large"


@pytest.mark.parametrize("body", [b"", b"[]", b"null", b'"text"'])
def test_a_missing_or_non_object_body_is_one_error_not_one_per_field(db, body):
    response = Client().post(
        "/api/v1/auth/token", data=body, content_type="application/json", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert list(fields) == ["__all__"] and len(fields["__all__"]) == 1, fields  # not username + password


def test_a_body_that_is_not_json_is_a_400_in_the_callers_language(db):
    response = Client().post("/api/v1/citizens", data=b"a=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_json",
        "message": "Nội dung yêu cầu không phải là JSON hợp lệ.",
        "fields": {"body": ["Nội dung yêu cầu không phải là JSON hợp lệ."]},
    }


# (actor, method, path, form or None, status)
PAGE_CASES = [
    ("officer_a", "get", "/services/?q=%00", None, 400),
    ("officer_a", "get", "/services/%00/", None, 400),
    ("officer_a", "get", "/dossiers/?q=%00", None, 400),
    ("officer_a", "get", "/dossiers/X%00/", None, 400),
    ("leader_p", "get", "/org/units/?q=%00", None, 400),
    ("leader_p", "get", "/incidents/stats/?from=0001-01-01&to=9999-12-31", None, 400),
    ("officer_a", "get", "/incidents/?ward=%00", None, 400),
    ("officer_a", "get", "/tips/?q=%00", None, 400),
    ("officer_a", "get", "/cameras/?q=%00", None, 400),
    ("officer_a", "get", "/residence/quality/%00/", None, 400),
    ("leader_p", "get", "/stats/?unit=%00", None, 400),
    ("anonymous", "get", "/verify/%00", None, 400),
    ("anonymous", "get", "/payments/return/?vnp_TxnRef=%00", None, 400),
    ("anonymous", "post", "/accounts/login/", {"username": "a\x00b", "password": "x"}, 400),
]


@pytest.mark.parametrize(("actor", "method", "path", "form", "status"), PAGE_CASES)
def test_bad_page_input_is_a_4xx_page_and_changes_nothing(world, actor, method, path, form, status):
    client = world.client(actor)
    client.raise_request_exception = False
    before = _snapshot()
    response = getattr(client, method)(path, form) if form is not None else getattr(client, method)(path)
    assert response.status_code == status, response.content[:400]
    assert response["Content-Type"].startswith("text/html")
    assert _snapshot() == before
    assert mail.outbox == []


@pytest.mark.parametrize(
    "path",
    [
        "/tips/?priority=%C2%B2",  # "²": a digit to str.isdigit(), not to int()
        "/incidents/stats/?base_from=%C2%B2&target=NaN",
        "/payments/return/?vnp_Amount=%C2%B2",
    ],
)
def test_numbers_that_int_cannot_read_are_ignored_not_a_500(world, path):
    client = world.client("leader_a")
    client.raise_request_exception = False
    assert client.get(path).status_code < 500


@pytest.mark.parametrize(
    "data",
    [
        "[" * 100_000,  # json.loads' recursion
        '{"a": "\\u0000"}',  # an escaped NUL: no raw NUL in the field, one in the value
        '{"a": ' + DIGITS_5000 + "}",
    ],
)
def test_json_in_a_multipart_field_follows_the_json_body_rules(world, data):
    client = world.api_client("citizen")
    client.raise_request_exception = False
    before = _snapshot()
    response = client.post("/api/v1/dossiers", {"procedure_code": "x", "data": data})
    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"]["fields"]["data"]
    assert _snapshot() == before


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/dossiers"])
def test_a_session_cookie_no_django_could_make_is_no_session(db, path):
    """`sessionid="\\000..."` decodes to a NUL: it reached PostgreSQL (500 on every page). Now the visitor
    simply has no session, and is given a fresh cookie where the page uses one."""
    before = _snapshot()
    client = Client()
    answer = client.get(path, HTTP_COOKIE='sessionid="\\000abcdefghijk"')
    assert answer.status_code < 500
    assert not mail.outbox
    assert _snapshot() == before


@pytest.mark.parametrize("header", ["HTTP_AUTHORIZATION", "HTTP_IDEMPOTENCY_KEY", "HTTP_USER_AGENT"])
def test_a_header_with_nul_is_a_400_in_the_one_shape(db, header):
    answer = Client().get("/api/v1/procedures", **{header: "abc\x00def"})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "bad_input"
    assert "NUL" in answer.json()["error"]["message"]
