"""Sign-in guessing: counted before the check (no race), progressive delays instead of lock-outs."""

import datetime
import re
import threading

import pytest
from django.contrib.auth.signals import user_login_failed
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from precinct.accounts import throttle
from precinct.accounts.models import SignInThrottle
from precinct.audit.models import AuditEvent
from precinct.testing import PASSWORD

WRONG = {"username": "officer_a", "password": "wrong-guess"}
RIGHT = {"username": "officer_a", "password": PASSWORD}


@pytest.fixture
def checked():
    """Every password check that failed (Django's own signal, sent by authenticate())."""
    seen: list[str] = []

    def receiver(sender, credentials, **kwargs):
        seen.append(credentials.get("username", ""))

    user_login_failed.connect(receiver, dispatch_uid="test-throttle-checked")
    yield seen
    user_login_failed.disconnect(dispatch_uid="test-throttle-checked")


def _pass_the_delay() -> None:
    """The delay has run out: move every 'not before' into the past (no sleeping)."""
    SignInThrottle.objects.update(not_before=timezone.now() - datetime.timedelta(seconds=1))


def test_delays_grow_from_the_threshold_and_are_capped(settings):
    settings.LOGIN_MAX_FAILURES = 5
    settings.LOGIN_DELAY_BASE_SECONDS = 1
    settings.LOGIN_DELAY_MAX_SECONDS = 300
    r = throttle.rule("account")
    assert [throttle.delay_after(n, r) for n in range(1, 10)] == [0, 0, 0, 0, 1, 2, 4, 8, 16]
    assert throttle.delay_after(1000, r) == 300


def test_forty_wrong_passwords_in_a_row_check_only_the_limit(client, world, settings, checked):
    settings.LOGIN_DELAY_BASE_SECONDS = 600  # the run cannot outlast the first delay, however slow the machine
    statuses = [client.post("/accounts/login/", WRONG).status_code for _ in range(40)]
    assert checked.count("officer_a") == settings.LOGIN_MAX_FAILURES
    limit = settings.LOGIN_MAX_FAILURES
    assert statuses.count(401) == limit and statuses.count(429) == 40 - limit
    # Only checked attempts are audited: a flood of refused ones writes nothing.
    assert AuditEvent.objects.filter(action="accounts.sign_in_failed").count() == settings.LOGIN_MAX_FAILURES


def test_the_wait_is_answered_429_with_retry_after_in_the_visitors_language(client, world, settings):
    settings.LOGIN_DELAY_BASE_SECONDS = 60  # however slow the machine, the next request falls within the wait
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post("/accounts/login/", WRONG)
    waiting = client.post("/accounts/login/", RIGHT)  # even the right password waits: nothing is learned
    seconds = int(waiting["Retry-After"])
    assert waiting.status_code == 429 and 0 < seconds <= 60
    assert f"Vui lòng thử lại sau {seconds} giây" in waiting.content.decode()
    client.cookies["django_language"] = "en"
    assert re.search(r"Try again in \d+ seconds?\.", client.post("/accounts/login/", RIGHT).content.decode())
    assert not AuditEvent.objects.filter(action="accounts.sign_in").exists()


def test_no_lock_out_the_right_password_works_once_the_delay_has_passed(client, world, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post("/accounts/login/", WRONG)
    _pass_the_delay()
    assert client.post("/accounts/login/", RIGHT).status_code == 302
    assert throttle.attempts("account", "officer_a") == 0  # a success resets the account's count


def test_each_further_failure_doubles_the_wait(client, world, settings):
    """Read from the counter itself (the answer's Retry-After counts down with the clock)."""
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post("/accounts/login/", WRONG)
    delays = []
    for _ in range(4):
        row = SignInThrottle.objects.get(scope="account")
        delays.append((row.not_before - row.last_attempt_at).total_seconds())
        assert client.post("/accounts/login/", WRONG).status_code == 429  # still waiting: not counted
        _pass_the_delay()
        assert client.post("/accounts/login/", WRONG).status_code == 401  # checked and counted
    assert delays == [1, 2, 4, 8]


def test_a_station_behind_one_address_is_not_shut_out(world, settings, checked):
    """An attacker and the station's officers share one public address (NAT)."""
    settings.LOGIN_DELAY_BASE_SECONDS = 600
    station = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(40):
        station.post("/accounts/login/", {"username": "leader_a", "password": "guess"})
    assert checked.count("leader_a") == settings.LOGIN_MAX_FAILURES
    # The officer at the next desk, same address, another account: signs in at once.
    assert station.post("/accounts/login/", {"username": "officer_b", "password": PASSWORD}).status_code == 302
    # From another address, other accounts too.
    other = Client(REMOTE_ADDR="198.51.100.20")
    assert other.post("/accounts/login/", {"username": "officer_a", "password": PASSWORD}).status_code == 302


def test_an_address_guessing_across_accounts_is_slowed_from_its_own_threshold(world, settings, checked):
    settings.LOGIN_ADDRESS_MAX_FAILURES = 8
    settings.LOGIN_DELAY_BASE_SECONDS = 600
    spray = Client(REMOTE_ADDR="203.0.113.9")
    names = [f"nobody{n}" for n in range(20)]
    statuses = [spray.post("/accounts/login/", {"username": n, "password": "guess"}).status_code for n in names]
    assert len(checked) == 8 and statuses[8:] == [429] * 12
    # Other addresses are not slowed by it.
    assert Client(REMOTE_ADDR="198.51.100.21").post("/accounts/login/", RIGHT).status_code == 302


def test_the_table_holds_neither_usernames_nor_addresses(world):
    Client(REMOTE_ADDR="203.0.113.77").post("/accounts/login/", WRONG)
    keys = list(SignInThrottle.objects.values_list("key", flat=True))
    assert len(keys) == 2 and all(len(k) == 64 for k in keys)
    assert not any("officer_a" in k or "203.0.113.77" in k for k in keys)


def test_counters_start_again_after_a_quiet_window(client, world, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post("/accounts/login/", WRONG)
    quiet = timezone.now() - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + 1)
    SignInThrottle.objects.update(not_before=quiet, last_attempt_at=quiet)
    client.post("/accounts/login/", WRONG)
    assert throttle.attempts("account", "officer_a") == 1


@pytest.mark.django_db(transaction=True)
def test_forty_parallel_wrong_passwords_check_at_most_the_limit(settings, checked):
    """Real concurrency: 40 threads, each with its own database connection, released together."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database with real concurrent connections (runs in CI on PostgreSQL)")
    from precinct.testing import build_world

    build_world()
    settings.LOGIN_DELAY_BASE_SECONDS = 600  # the burst cannot outlast the first delay, however slow the machine
    barrier = threading.Barrier(40)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def guess(n: int) -> None:
        try:
            client = Client(REMOTE_ADDR=f"10.0.0.{n}")
            barrier.wait()
            statuses.append(client.post("/accounts/login/", WRONG).status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert checked.count("officer_a") <= settings.LOGIN_MAX_FAILURES
    limit = settings.LOGIN_MAX_FAILURES
    assert statuses.count(401) == limit and statuses.count(429) == 40 - limit
    # The right password from another address still works for other accounts.
    other = Client(REMOTE_ADDR="10.0.1.1")
    assert other.post("/accounts/login/", {"username": "officer_b", "password": PASSWORD}).status_code == 302
