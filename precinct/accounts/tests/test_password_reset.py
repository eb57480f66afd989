"""Password reset by an e-mailed link (Django's flow, the project's pages): one answer whether or not an
account has the address, rate-limited, audited, the link works once."""

import re

from django.core import mail
from django.test import Client

from precinct.accounts.models import User
from precinct.audit.models import AuditEvent
from precinct.testing import PASSWORD, run_queued_tasks

NEW = "Ha-Long-Bay-2027"


def _link() -> str:
    run_queued_tasks()
    assert len(mail.outbox) == 1
    match = re.search(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1)


def _without_tokens(content: bytes) -> str:
    """A page with its per-request values (CSRF token, CSP nonce) blanked."""
    return re.sub(r'(value|nonce)="[^"]+"', r'\1=""', content.decode())


def _with_email(world) -> User:
    user = world.users["citizen"]
    user.email = "minh@example.vn"
    user.save()
    return user


def test_the_answer_is_the_same_whether_or_not_an_account_has_the_address(world):
    _with_email(world)
    known = Client().post("/accounts/password-reset/", {"email": "MINH@example.vn"}, follow=True)
    unknown = Client().post("/accounts/password-reset/", {"email": "nobody@example.vn"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain == [("/accounts/password-reset/sent/", 302)]
    assert _without_tokens(known.content) == _without_tokens(unknown.content)
    assert mail.outbox == []  # nothing is looked up or sent while the asker waits
    assert run_queued_tasks() == 2
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["minh@example.vn"]  # the account's own spelling
    assert AuditEvent.objects.filter(action="accounts.password_reset_request").count() == 1


def test_the_mailed_link_sets_a_new_password_once(world):
    user = _with_email(world)
    client = Client()
    client.post("/accounts/password-reset/", {"email": "minh@example.vn"})
    run_queued_tasks()
    assert "Precinct" in mail.outbox[0].subject and "60" in mail.outbox[0].body  # minutes, in Vietnamese
    form = client.get(_link(), follow=True)  # Django moves the token out of the address first
    set_url = form.redirect_chain[-1][0]
    mismatch = client.post(set_url, {"new_password1": NEW, "new_password2": NEW + "x"})
    assert mismatch.status_code == 200 and "Vui lòng sửa các trường" in mismatch.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="accounts.password_reset", actor_id=user.pk).count() == 1
    # The reset does not sign in: the person signs in with the new password (and second factor, if any).
    assert Client().post("/accounts/login/", {"username": user.username, "password": NEW}).status_code == 302
    again = Client().get(_link(), follow=True)
    assert "không còn hiệu lực" in again.content.decode()


def test_requests_are_rate_limited_per_address(world, settings):
    settings.LOGIN_DELAY_BASE_SECONDS = 600  # the burst cannot outlast the first delay
    _with_email(world)
    station = Client(REMOTE_ADDR="203.0.113.5")
    for n in range(settings.PASSWORD_RESET_MAX_PER_WINDOW):
        assert station.post("/accounts/password-reset/", {"email": f"probe{n}@example.vn"}).status_code == 302
    limited = station.post("/accounts/password-reset/", {"email": "minh@example.vn"})
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert "Vui lòng thử lại sau" in limited.content.decode()
    run_queued_tasks()
    assert mail.outbox == []  # the refused request sent nothing


def test_one_address_cannot_be_flooded_with_links_from_many_addresses(world, settings):
    settings.LOGIN_DELAY_BASE_SECONDS = 600  # the burst cannot outlast the first delay
    _with_email(world)
    for n in range(settings.PASSWORD_RESET_MAX_PER_WINDOW):
        Client(REMOTE_ADDR=f"198.51.100.{n}").post("/accounts/password-reset/", {"email": "minh@example.vn"})
    refused = Client(REMOTE_ADDR="198.51.100.99").post("/accounts/password-reset/", {"email": "minh@example.vn"})
    run_queued_tasks()
    assert refused.status_code == 429 and len(mail.outbox) == settings.PASSWORD_RESET_MAX_PER_WINDOW


def test_a_malformed_address_is_refused_with_a_clear_message(world):
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.post("/accounts/password-reset/", {"email": "not-an-address"})
    assert response.status_code == 200 and "Enter a valid email address." in response.content.decode()
    assert mail.outbox == []


def test_a_known_and_an_unknown_address_cost_the_asker_the_same_queries(world):
    """Timing told whether an account had the address (the token, the audit row and the mail were made
    while the asker waited). The request now does the same statements either way: the lookup is queued."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _with_email(world)

    def statements(email: str) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            Client(REMOTE_ADDR="192.0.2.7").post("/accounts/password-reset/", {"email": email})
        return [re.sub(r"'[^']*'|\w*\d\w*", "?", query["sql"]) for query in captured.captured_queries]

    assert statements("minh@example.vn") == statements("nobody@example.vn")
