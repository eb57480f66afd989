"""Officers' sessions end after 30 minutes idle and 12 hours in all; citizens keep the usual length.
Time is moved by rewriting the session's own timestamps, never by sleeping."""

import time

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from precinct.accounts.middleware import SEEN_AT, SIGNED_IN_AT


def _shift(client, **seconds_ago: float) -> None:
    """Pretend the session's clocks were set that many seconds ago."""
    store = SessionStore(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)
    now = time.time()
    for key, ago in seconds_ago.items():
        store[{"seen": SEEN_AT, "signed_in": SIGNED_IN_AT}[key]] = now - ago
    store.save()


def test_an_officer_idle_past_the_limit_is_signed_out(world):
    client = world.client("officer_a")
    assert client.get("/org/officers/").status_code == 200
    _shift(client, seen=settings.OFFICER_SESSION_IDLE_SECONDS + 5)
    response = client.get("/org/officers/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?expired=1")
    assert client.get("/api/v1/me").status_code == 401  # the session is gone, not just hidden
    client.cookies["django_language"] = "en"
    assert "Your session has ended. Sign in again." in client.get(response["Location"]).content.decode()


def test_activity_within_the_limit_keeps_the_session_and_moves_the_clock(world):
    client = world.client("officer_a")
    _shift(client, seen=settings.OFFICER_SESSION_IDLE_SECONDS - 60)
    assert client.get("/org/officers/").status_code == 200
    seen = client.session[SEEN_AT]
    assert time.time() - seen < settings.OFFICER_SESSION_IDLE_SECONDS - 60  # activity noted


def test_an_officer_session_ends_after_the_absolute_limit_however_active(world):
    client = world.client("leader_a")
    _shift(client, seen=10, signed_in=settings.OFFICER_SESSION_MAX_SECONDS + 5)
    api = client.get("/api/v1/me")
    assert api.status_code == 401 and api.json()["error"]["code"] == "session_expired"
    assert client.get("/org/officers/")["Location"].startswith("/accounts/login/")


def test_an_officers_cookie_lasts_the_absolute_limit_a_citizens_the_usual_length(world):
    officer, citizen = world.client("officer_a"), world.client("citizen")
    assert officer.session.get_expiry_age() == settings.OFFICER_SESSION_MAX_SECONDS
    assert citizen.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_citizens_are_not_timed_out(world):
    client = world.client("citizen")
    _shift(client, seen=settings.OFFICER_SESSION_IDLE_SECONDS * 10, signed_in=settings.OFFICER_SESSION_MAX_SECONDS * 2)
    assert client.get("/api/v1/me").json()["username"] == "022090012345"


def test_the_limits_are_settings(world, settings):
    settings.OFFICER_SESSION_IDLE_SECONDS = 120
    client = world.client("officer_b")
    _shift(client, seen=121)
    assert client.get("/org/officers/").status_code == 302
