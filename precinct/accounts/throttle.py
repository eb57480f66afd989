"""Progressive delays for guessing-sensitive steps (sign-in, second factor, reset, registration).

Each attempt is *claimed* before it is checked, under a row lock, so parallel requests cannot all slip
past the limit: the claim counts the attempt and sets when the next one may be checked. Below the
threshold the next attempt may follow at once; from the threshold on it must wait base, 2 x base,
4 x base ... seconds, capped. Nobody is locked out: after the delay the right password works again, and
a success resets the account's counter. A row whose last attempt is older than the window starts again
from zero. Identities are keyed with an HMAC of the installation's secret, so the table holds neither
usernames nor client addresses.

Row lock: `select_for_update()` locks the row on PostgreSQL; on SQLite the transaction is IMMEDIATE
(config/settings.py), so it holds the database's write lock from its first statement. Rows are locked
in a fixed order (account before address), so two sign-ins never wait on each other in a cycle.
"""

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from precinct.accounts.models import SignInThrottle
from precinct.core.errors import RateLimited


@dataclass(frozen=True)
class Rule:
    scope: str
    threshold: int  # attempts allowed without delay within the window
    max_delay_seconds: float


def rule(scope: str) -> Rule:
    cap = settings.LOGIN_DELAY_MAX_SECONDS
    return {
        "account": Rule("account", settings.LOGIN_MAX_FAILURES, cap),
        "address": Rule("address", settings.LOGIN_ADDRESS_MAX_FAILURES, settings.LOGIN_ADDRESS_DELAY_MAX_SECONDS),
        "otp": Rule("otp", settings.LOGIN_MAX_FAILURES, cap),
        "reset": Rule("reset", settings.PASSWORD_RESET_MAX_PER_WINDOW, cap),
        "register": Rule("register", settings.REGISTER_MAX_PER_WINDOW, cap),
    }[scope]


def identity_key(scope: str, identity: str) -> str:
    return salted_hmac("precinct.accounts.throttle", f"{scope}:{identity}", algorithm="sha256").hexdigest()


def delay_after(attempts: int, r: Rule) -> float:
    """Seconds the next attempt must wait after `attempts` counted attempts."""
    if attempts < r.threshold:
        return 0.0
    return min(settings.LOGIN_DELAY_BASE_SECONDS * 2 ** min(attempts - r.threshold, 30), r.max_delay_seconds)


def _message(seconds: int) -> str:
    return ngettext(
        "Too many attempts. Try again in %(seconds)d second.",
        "Too many attempts. Try again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}


def claim(*pairs: tuple[str, str]) -> None:
    """Count one attempt for each (scope, identity), or raise RateLimited (counting nothing) if any must
    still wait. Call it before checking the secret."""
    now = timezone.now()
    keyed = sorted((scope, identity_key(scope, identity)) for scope, identity in pairs)
    with transaction.atomic():
        SignInThrottle.objects.bulk_create(
            [SignInThrottle(scope=s, key=k, attempts=0, not_before=now, last_attempt_at=now) for s, k in keyed],
            ignore_conflicts=True,
        )
        rows = []
        for scope, key in keyed:  # one at a time, in a fixed order: the lock order
            rows.append(SignInThrottle.objects.select_for_update().get(scope=scope, key=key))
        wait = max((row.not_before - now).total_seconds() for row in rows)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise RateLimited(seconds, _message(seconds))
        window = datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        for row in rows:
            if row.last_attempt_at < now - window:
                row.attempts = 0
            row.attempts += 1
            row.last_attempt_at = now
            row.not_before = now + datetime.timedelta(seconds=delay_after(row.attempts, rule(row.scope)))
            row.save(update_fields=["attempts", "last_attempt_at", "not_before"])


def reset(scope: str, identity: str) -> None:
    """Forget the attempts of one identity (after a success)."""
    SignInThrottle.objects.filter(scope=scope, key=identity_key(scope, identity)).delete()


def attempts(scope: str, identity: str) -> int:
    row = SignInThrottle.objects.filter(scope=scope, key=identity_key(scope, identity)).first()
    return row.attempts if row else 0
