"""Anti-abuse for the anonymous endpoints, keyed on nothing that identifies a device.

- A proof-of-work challenge per POST: `challenge_issue()` answers {"id", "difficulty"}; the client
  finds a `nonce` such that SHA-256(id + nonce) (UTF-8) starts with `difficulty` zero bits. The id is
  signed by the server (no row is written to hand one out), carries its time and difficulty, and is
  accepted once (a marker in the shared cache), within CHALLENGE_TTL seconds, after at most
  TRIES_PER_CHALLENGE wrong nonces.
- A global counter per minute caps accepted reports; above the alert level administrators get an
  e-mail and an audit row, and new challenges get harder.
- Wrong receipts are counted globally: each one costs a full Argon2id computation and a delay;
  past the limit follow-ups pause for everyone until the window ends.

No IP address, user agent or other request metadata is read here.
"""

import hashlib
import hmac
import logging
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from precinct.audit.services import audit_record
from precinct.core import ratelimit
from precinct.core.errors import DomainError, RateLimited, ValidationFailed

logger = logging.getLogger(__name__)

CHALLENGE_TTL = 600
TRIES_PER_CHALLENGE = 5
WINDOW = 60
FAILURE_WINDOW = 600


def _signature(body: str) -> str:
    key = hashlib.sha256(("precinct.tips.challenge:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:32]


def current_difficulty() -> int:
    base: int = settings.PRECINCT_TIPS_POW_DIFFICULTY
    if ratelimit.is_blocked("tips-global", "reports", limit=settings.PRECINCT_TIPS_ALERT_PER_MINUTE):
        return base + 2  # a burst is going on: each new report costs four times the work
    return base


def challenge_issue() -> dict[str, str | int]:
    difficulty = current_difficulty()
    body = f"{int(time.time())}.{difficulty}.{secrets.token_hex(12)}"
    return {"id": f"{body}.{_signature(body)}", "difficulty": difficulty}


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def _invalid(message: object) -> ValidationFailed:
    return ValidationFailed({"challenge_id": [message]}, _("Solve a new challenge and send again."))  # type: ignore[list-item]


def challenge_redeem(challenge_id: str, nonce: str) -> None:
    """Accept a solved challenge once; otherwise raise (changing nothing else)."""
    challenge_id, nonce = str(challenge_id or ""), str(nonce or "")
    parts = challenge_id.split(".")
    if len(parts) != 4 or not hmac.compare_digest(_signature(".".join(parts[:3])), parts[3]):
        raise _invalid(_("This challenge is not valid."))
    issued, difficulty = int(parts[0]), int(parts[1])
    if not 0 <= time.time() - issued <= CHALLENGE_TTL:
        raise _invalid(_("This challenge has expired."))
    if len(nonce) > 64:
        raise ValidationFailed({"nonce": [_("This value is not valid.")]})
    if ratelimit.is_blocked("tips-pow-try", challenge_id, limit=TRIES_PER_CHALLENGE):
        raise RateLimited(CHALLENGE_TTL, _("Too many attempts with this challenge. Solve a new one."))
    digest = hashlib.sha256((challenge_id + nonce).encode()).digest()
    if leading_zero_bits(digest) < difficulty:
        ratelimit.hit("tips-pow-try", challenge_id, window_seconds=CHALLENGE_TTL)
        raise ValidationFailed({"nonce": [_("The proof of work is not solved.")]})
    if not cache.add("tips:pow-used:" + hashlib.sha256(challenge_id.encode()).hexdigest()[:32], 1, CHALLENGE_TTL + 60):
        raise DomainError("challenge_used", _("This challenge was already used. Solve a new one."), status=409)


def count_report() -> None:
    """Count one report against the global limit; alert administrators when a burst starts."""
    count = ratelimit.hit("tips-global", "reports", window_seconds=WINDOW)
    if count > settings.PRECINCT_TIPS_GLOBAL_PER_MINUTE:
        raise RateLimited(WINDOW, _("The reporting service is very busy. Please try again in a minute."))
    if count == settings.PRECINCT_TIPS_ALERT_PER_MINUTE:
        transaction.on_commit(lambda: burst_alert(kind="reports", count=count, window=WINDOW))


def receipt_failures_blocked() -> bool:
    return ratelimit.is_blocked("tips-receipt-fail", "all", limit=settings.PRECINCT_TIPS_RECEIPT_FAILURES)


def count_receipt_failure() -> None:
    count = ratelimit.hit("tips-receipt-fail", "all", window_seconds=FAILURE_WINDOW)
    if count == settings.PRECINCT_TIPS_RECEIPT_FAILURES:
        burst_alert(kind="wrong_receipts", count=count, window=FAILURE_WINDOW)
    delay = float(settings.PRECINCT_TIPS_WRONG_RECEIPT_DELAY)
    if delay > 0:
        time.sleep(delay)


def alert_recipients() -> list[str]:
    """settings.ADMINS and every active account holding the administrator role that has an e-mail."""
    from precinct.organisation.models import Role
    from precinct.organisation.selectors import role_holders_anywhere

    emails = {user.email for user in role_holders_anywhere(role=Role.ADMINISTRATOR) if user.email}
    return sorted(set(settings.ADMINS) | emails)


def burst_alert(*, kind: str, count: int, window: int) -> None:
    """An audit row and an e-mail to the administrators."""
    with transaction.atomic():
        audit_record(
            actor=None,
            action="tips.burst_alert",
            target_label=kind,
            after={"kind": kind, "count": count, "window_seconds": window},
        )
    subject = f"Precinct: burst of {kind.replace('_', ' ')} on the crime-reporting portal"
    body = (
        f"{count} {kind.replace('_', ' ')} within {window} seconds. New challenges are harder while it lasts; "
        "nothing about the senders is recorded. Check the audit log (action tips.burst_alert)."
    )
    recipients = alert_recipients()
    if not recipients:
        logger.warning("%s (no administrator has an e-mail address)", subject)
        return
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # the alert's audit row is written; a mail failure must not fail the report
        logger.exception("Could not e-mail the administrators about a burst")
