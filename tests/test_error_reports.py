"""A 500 anywhere reaches the administrators (mail) and the log with a traceback, and neither carries what
was sent or who sent it: not the body, a frame's local variables, the exception's message, the query
string, cookies, Authorization, User-Agent, forwarded addresses, Referer or the client's address.

The failure itself is forced by replacing one service or selector per app with `explode`; everything
after it is the real path: Django's handler or ninja's, `log_response`, the `django.request` logger, the
AdminEmailHandler configured in settings.LOGGING, the locmem mail backend.
"""

import json
import logging

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from precinct.accounts.services import api_token_issue
from precinct.core.error_reports import SafeFormatter
from precinct.testing import sign_in
from precinct.tips.tests.conftest import REPORT, solved

DESCRIPTION = "Kho hàng cấm ở số 9 ngõ Hoa, DESCRIPTION-SECRET-7731"
CONTACT = "Nguyễn Thị CONTACT-SECRET-5521"
FULL_NAME = "Trần Văn NAME-SECRET-4471"
LOCAL_SECRET = "LOCAL-SECRET-9184"
MESSAGE_SECRET = "MESSAGE-SECRET-3310"
AGENT = "ProbePhone/9 (AGENT-SECRET-4410)"
FORWARDED = "198.51.100.23"
REAL_IP = "198.51.100.24"
CLIENT_ADDRESS = "203.0.113.77"
REFERER = "https://elsewhere.example/REFERER-SECRET-2291"
COOKIE = "COOKIE-SECRET-6612"
QUERY = "QUERY-SECRET-8820"
HEADERS = {
    "User-Agent": AGENT,
    "X-Forwarded-For": f"{FORWARDED}, 10.0.0.1",
    "X-Real-IP": REAL_IP,
    "Forwarded": f"for={FORWARDED}",
    "Referer": REFERER,
}
ADMIN_MAIL = "ops@precinct.example"


def explode(*args, **kwargs):
    secret_local = LOCAL_SECRET  # stands for what a handler's frame may hold: a decrypted report
    raise RuntimeError(f"could not handle {secret_local} {MESSAGE_SECRET}")


def pdf_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("evidence.pdf", b"%PDF-1.4\nFILE-SECRET-1180", content_type="application/pdf")


# app, actor, method, path, body (json / form / multipart), what fails
API = [
    ("accounts", "anonymous", "post", "/api/v1/citizens", "citizen", "precinct.accounts.services.citizen_register"),
    ("organisation", "anonymous", "get", "/api/v1/units", None, "precinct.organisation.selectors.unit_list"),
    ("audit", "admin_p", "get", "/api/v1/audit/events", None, "precinct.organisation.selectors.audit_event_list"),
    ("core", "anonymous", "get", "/api/v1/calendar/due-date?received_at=2026-03-02T09:00&working_days=3", None,
     "precinct.core.api.calendar"),
    ("eservices", "citizen", "post", "/api/v1/dossiers", "dossier", "precinct.eservices.api.procedure_for_submission"),
    ("payments", "citizen", "get", "/api/v1/dossiers/X-1/payments", None, "precinct.payments.api.dossier_get"),
    ("portalsync", "admin_p", "get", "/api/v1/portal-sync/status", None, "precinct.portalsync.selectors.outbox_counts"),
    ("tips-json", "anonymous", "post", "/api/v1/tips", "tip", "precinct.tips.services.submission.tip_submit"),
    ("tips-multipart", "anonymous", "post", "/api/v1/tips", "tip-multipart",
     "precinct.tips.services.submission.tip_submit"),
    ("results", "anonymous", "post", "/api/v1/verify", "verify", "precinct.results.api.verify_upload"),
    ("stats", "leader_p", "get", "/api/v1/stats/dossiers", None, "precinct.stats.selectors.stats_scope"),
]  # fmt: skip
PAGES = [
    ("accounts", "anonymous", "post", "/accounts/register/", "citizen-form",
     "precinct.accounts.services.citizen_register"),
    ("organisation", "anonymous", "get", "/org/units/", None, "precinct.organisation.selectors.unit_list"),
    ("core", "anonymous", "get", "/", None, "precinct.organisation.views.landing_context"),
    ("eservices", "anonymous", "get", "/services/", None, "precinct.eservices.selectors.procedure_list"),
    ("payments", "anonymous", "get", "/payments/return/", None, "precinct.payments.views.one"),
    ("portalsync", "admin_p", "get", "/portal-sync/", None, "precinct.portalsync.selectors.outbox_list"),
    ("tips", "duty_a", "get", "/tips/", None, "precinct.tips.selectors.tip_list"),
    ("results", "anonymous", "post", "/verify/", "verify", "precinct.results.views.verify_upload"),
    ("stats", "anonymous", "get", "/stats/public/", None, "precinct.stats.selectors.public_scope"),
]  # fmt: skip


@pytest.fixture
def reporting(settings, tmp_path):
    settings.ADMINS = [ADMIN_MAIL]
    settings.DEBUG = False
    settings.PRECINCT_TIPS_KEY_DIR = tmp_path / "keys"
    settings.PRECINCT_TIPS_POW_DIFFICULTY = 4
    mail.outbox.clear()


def request_kwargs(kind: str | None, world) -> dict:
    """The body a real caller sends; every value in it is something no report may carry."""
    citizen = {
        "personal_id": "022090099887",
        "full_name": FULL_NAME,
        "date_of_birth": "1990-04-05",
        "sex": "female",
        "phone": "0912000111",
        "password": "PASSWORD-SECRET-6645",
    }
    if kind == "citizen":
        return {"data": json.dumps(citizen), "content_type": "application/json"}
    if kind == "citizen-form":
        return {"data": citizen | {"password_again": citizen["password"]}}
    if kind == "dossier":
        body = {"procedure_code": "P-1", "data": {"full_name": FULL_NAME, "story": DESCRIPTION}}
        return {"data": json.dumps(body), "content_type": "application/json"}
    if kind == "tip":
        body = REPORT | {"description": DESCRIPTION, "contact_name": CONTACT, "ward": world.ward_a.code} | solved()
        return {"data": json.dumps(body), "content_type": "application/json"}
    if kind == "tip-multipart":
        challenge = solved()
        return {
            "data": REPORT | {"description": DESCRIPTION, "contact_name": CONTACT, "files": [pdf_upload()]},
            "headers": {"X-Challenge-Id": challenge["challenge_id"], "X-Challenge-Nonce": challenge["nonce"]},
        }
    if kind == "verify":
        return {"data": {"code": f"C-{QUERY}", "file": pdf_upload()}}
    return {}


def caller(world, actor: str, api: bool) -> tuple[Client, list[str]]:
    """A client as the actor with the probe headers, a cookie and (API) a bearer token; the values the
    report must not show."""
    client = Client(raise_request_exception=False, headers=HEADERS, REMOTE_ADDR=CLIENT_ADDRESS)
    client.cookies["probe"] = COOKIE
    hidden = [COOKIE]
    user = world.users[actor]
    if user is not None and api:
        with transaction.atomic():
            token = api_token_issue(user=user)
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        hidden.append(token)
    elif user is not None:
        sign_in(client, user)
        hidden.append(client.cookies["sessionid"].value)
    return client, hidden


FORBIDDEN = [
    DESCRIPTION,
    "DESCRIPTION-SECRET",
    "CONTACT-SECRET",
    "NAME-SECRET",
    "PASSWORD-SECRET",
    "FILE-SECRET",
    LOCAL_SECRET,
    MESSAGE_SECRET,
    "AGENT-SECRET",
    FORWARDED,
    REAL_IP,
    CLIENT_ADDRESS,
    "REFERER-SECRET",
    QUERY,
    "022090099887",
]


def force_500(world, monkeypatch, caplog, case, api: bool):
    app, actor, method, path, kind, target = case
    monkeypatch.setattr(target, explode)
    client, hidden = caller(world, actor, api)
    separator = "&" if "?" in path else "?"
    with caplog.at_level(logging.INFO):
        response = getattr(client, method)(f"{path}{separator}q={QUERY}", **request_kwargs(kind, world))
    assert response.status_code == 500, (app, response.status_code, response.content[:300])
    return response, hidden


def check_reports(caplog, hidden: list[str], path: str) -> str:
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    assert message.to == [ADMIN_MAIL]
    assert path in message.subject
    assert not message.alternatives  # no HTML version (Django's would list the request and locals)
    text = message.subject + "\n" + message.body
    # What the report does say: where it failed, so it is still useful.
    assert "RuntimeError (message withheld)" in text and "in explode" in text
    # The log lines, formatted as the console handler formats them.
    formatter = SafeFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    assert "RuntimeError (message withheld)" in logged
    for value in [*FORBIDDEN, *hidden]:
        assert value not in text, (value, text)
        assert value not in logged, (value, logged)
    return text


@pytest.mark.parametrize("case", API, ids=[c[0] for c in API])
def test_an_api_500_mails_and_logs_no_request_data(world, reporting, monkeypatch, caplog, case):
    response, hidden = force_500(world, monkeypatch, caplog, case, api=True)
    assert response.json()["error"]["code"] == "server_error"
    assert MESSAGE_SECRET not in response.content.decode()
    text = check_reports(caplog, hidden, case[3].split("?")[0])
    assert "Request: " + case[2].upper() in text
    user = world.users[case[1]]
    assert ("User: anonymous" if user is None else f"User: user id {user.pk}") in text
    # Logged once, on django.request, with the traceback (Django's own log_response does not repeat it).
    errors = [r for r in caplog.records if r.name == "django.request" and r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None


@pytest.mark.parametrize("case", PAGES, ids=[c[0] for c in PAGES])
def test_a_page_500_mails_and_logs_no_request_data(world, reporting, monkeypatch, caplog, case):
    _, hidden = force_500(world, monkeypatch, caplog, case, api=False)
    check_reports(caplog, hidden, case[3])


def test_a_crime_report_500_withholds_everything_the_reporter_sent(world, reporting, monkeypatch, caplog):
    """POST /api/v1/tips above all: the mail has the path and the traceback, nothing of the report."""
    _, hidden = force_500(world, monkeypatch, caplog, API[7], api=True)
    text = check_reports(caplog, hidden, "/api/v1/tips")
    for value in REPORT.values():
        assert value not in text
    assert "Body, query string, cookies, other headers and the client's address: withheld" in text


def test_no_mail_while_debugging(world, reporting, settings, monkeypatch, caplog):
    settings.DEBUG = True
    monkeypatch.setattr("precinct.organisation.selectors.unit_list", explode)
    Client(raise_request_exception=False).get("/api/v1/units")
    assert mail.outbox == []
