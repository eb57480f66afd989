"""The second factor: required for leaders and administrators, optional for other officers, never for
citizens; TOTP through django-otp, hashed one-time recovery codes, throttled guesses."""

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from precinct.accounts.models import RecoveryCode
from precinct.audit.models import AuditEvent
from precinct.testing import PASSWORD, totp_code, totp_device

VERIFY = "/accounts/second-factor/"
SETUP = "/accounts/second-factor/setup/"


def _password_step(client: Client, username: str, next_url: str = "") -> str:
    response = client.post(
        "/accounts/login/" + (f"?next={next_url}" if next_url else ""), {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return response["Location"]


def test_a_leader_reaches_nothing_between_the_password_and_the_code(client, world):
    assert _password_step(client, "leader_a", "/org/officers/").startswith(VERIFY + "?next=/org/officers/")
    page = client.get("/org/officers/")
    assert page.status_code == 302 and page["Location"].startswith(VERIFY)
    api = client.get("/api/v1/me")
    assert api.status_code == 401 and api.json()["error"]["code"] == "second_factor_required"
    assert client.get(VERIFY).status_code == 200


def test_the_right_code_opens_the_session_and_is_audited(client, world):
    _password_step(client, "leader_a")
    device = TOTPDevice.objects.get(user=world.users["leader_a"])
    response = client.post(VERIFY + "?next=/org/officers/", {"token": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == "/org/officers/"
    assert client.get("/org/officers/").status_code == 200
    assert client.get("/api/v1/me").json()["username"] == "leader_a"
    event = AuditEvent.objects.get(action="accounts.second_factor")
    assert event.actor_id == world.users["leader_a"].pk and event.after["method"] == "totp"


def test_a_wrong_code_is_refused_in_vietnamese_and_english_and_audited(client, world):
    _password_step(client, "leader_a")
    wrong = client.post(
        VERIFY, {"token": "000000" if totp_code(totp_device(world.users["leader_a"])) != "000000" else "111111"}
    )
    assert wrong.status_code == 401 and "Mã này không đúng." in wrong.content.decode()
    client.cookies["django_language"] = "en"
    assert "This code is not right." in client.post(VERIFY, {"token": "12"}).content.decode()
    assert AuditEvent.objects.filter(action="accounts.second_factor_failed").count() == 2
    assert client.get("/org/officers/").status_code == 302


def test_a_code_cannot_be_used_twice(world):
    device = TOTPDevice.objects.get(user=world.users["leader_p"])
    code = totp_code(device)
    first, second = Client(), Client()
    _password_step(first, "leader_p")
    assert first.post(VERIFY, {"token": code}).status_code == 302
    _password_step(second, "leader_p")
    assert second.post(VERIFY, {"token": code}).status_code == 401  # replayed


def test_code_guesses_are_slowed_like_passwords(client, world, settings):
    settings.LOGIN_DELAY_BASE_SECONDS = 600
    _password_step(client, "admin_p")
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert client.post(VERIFY, {"token": "99999x"}).status_code == 401
    device = TOTPDevice.objects.get(user=world.users["admin_p"])
    waiting = client.post(VERIFY, {"token": totp_code(device)})
    assert waiting.status_code == 429 and int(waiting["Retry-After"]) > 1


def test_enrolment_on_first_sign_in_then_recovery_codes_work_once(client, world):
    leader = world.users["leader_a"]
    TOTPDevice.objects.filter(user=leader).delete()  # a leader who has not enrolled yet
    assert _password_step(client, "leader_a").startswith(SETUP)
    assert client.get("/org/officers/")["Location"].startswith(SETUP)
    page = client.get(SETUP).content.decode()
    assert "<svg" in page and 'data-testid="otp-secret"' in page
    device = TOTPDevice.objects.get(user=leader, confirmed=False)
    # A wrong code confirms nothing.
    assert client.post(SETUP, {"token": "12345"}).status_code == 422
    assert not TOTPDevice.objects.filter(user=leader, confirmed=True).exists()
    done = client.post(SETUP, {"token": totp_code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li>([A-Z2-9]{5}-[A-Z2-9]{5})</li>", done.content.decode())
    assert len(codes) == 10
    assert client.get("/org/officers/").status_code == 200  # the session is verified
    assert AuditEvent.objects.filter(action="accounts.second_factor_enrol", target_id=str(leader.pk)).exists()
    # Only HMACs of the codes are stored.
    digests = set(RecoveryCode.objects.filter(device__user=leader).values_list("digest", flat=True))
    assert len(digests) == 10 and not any(code.replace("-", "") in d or code in d for code in codes for d in digests)
    # A recovery code signs in once.
    other = Client()
    _password_step(other, "leader_a")
    assert other.post(VERIFY, {"token": codes[0].lower()}).status_code == 302
    again = Client()
    _password_step(again, "leader_a")
    assert again.post(VERIFY, {"token": codes[0]}).status_code == 401
    assert AuditEvent.objects.filter(action="accounts.second_factor", after__method="recovery_code").count() == 1


def test_other_officers_choose_and_citizens_are_never_asked(world):
    officer = Client()
    assert _password_step(officer, "officer_a") == "/"
    assert officer.get("/org/officers/").status_code == 200
    # The officer enrols by choice...
    assert officer.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=world.users["officer_a"], confirmed=False)
    assert officer.post(SETUP, {"token": totp_code(device)}).status_code == 200
    # ...and from then on every sign-in asks for the code.
    later = Client()
    assert _password_step(later, "officer_a").startswith(VERIFY)
    citizen = Client()
    assert _password_step(citizen, "022090012345") == "/"
    assert citizen.get(SETUP).status_code == 403


def test_the_admin_site_signs_in_through_the_one_sign_in_page(client, world):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/admin/")


@pytest.mark.parametrize("actor", ["leader_a", "admin_p", "superuser"])
def test_the_test_kit_signs_leaders_and_administrators_in_through_the_second_factor(world, actor):
    assert world.client(actor).get("/api/v1/me").json()["username"] == actor
    assert AuditEvent.objects.filter(action="accounts.second_factor", actor_id=world.users[actor].pk).count() == 1


def test_a_token_for_a_leader_needs_the_code_too(client, world):
    body = {"username": "leader_a", "password": PASSWORD}
    missing = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "second_factor_required"
    wrong = client.post("/api/v1/auth/token", {**body, "otp": "12"}, content_type="application/json")
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_second_factor"
    otp = totp_code(TOTPDevice.objects.get(user=world.users["leader_a"]))
    ok = client.post("/api/v1/auth/token", {**body, "otp": otp}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["access_token"]
    # An ordinary officer without an authenticator needs no code.
    plain = client.post(
        "/api/v1/auth/token", {"username": "officer_b", "password": PASSWORD}, content_type="application/json"
    )
    assert plain.status_code == 200
