"""The second factor for officers (ADR 0026): TOTP through django-otp, and one-time recovery codes.

Required for leaders, administrators and anyone with the admin site (staff, superusers); optional for
other officers, who are asked for it at every sign-in once they have enrolled; never asked of citizens.
The password step signs the session in, but until the second factor is verified the session reaches
only the verification and enrolment pages (accounts/middleware.py). Guesses are throttled like
passwords ("otp" scope, accounts/throttle.py); django-otp's own per-device throttle is off
(OTP_TOTP_THROTTLE_FACTOR = 0) so the visitor gets one kind of answer, 429 with Retry-After.
Recovery codes are stored as HMACs only and shown once.
"""

import secrets
from typing import Any

import django_otp
import segno
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from precinct.accounts import throttle
from precinct.accounts.models import RecoveryCode, RecoveryCodeDevice, User
from precinct.audit.services import audit_record
from precinct.core.errors import DomainError, ValidationFailed
from precinct.organisation.models import Role

REQUIRED_ROLES = (Role.LEADER, Role.ADMINISTRATOR)
SESSION_NEEDED = "precinct_2fa_needed"  # set at sign-in: does this session have to pass the second factor?
RECOVERY_CODES = 10
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper


def second_factor_required(user: User) -> bool:
    """Leaders, administrators and the admin site's users must have a second factor."""
    if not user.is_officer:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return user.roles.filter(role__in=REQUIRED_ROLES).exists()


def has_totp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_needed(user: User) -> bool:
    """Whether a sign-in of this user must pass the second factor (required, or enrolled by choice)."""
    return user.is_officer and (second_factor_required(user) or has_totp(user))


def recovery_code_digest(code: str) -> str:
    return salted_hmac("precinct.accounts.recovery-code", code, algorithm="sha256").hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))  # 50 bits
    return f"{raw[:5]}-{raw[5:]}"


def _recovery_codes_issue(user: User) -> list[str]:
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(device=device, digest=recovery_code_digest(code.replace("-", ""))) for code in codes]
    )
    return codes


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code, for an authenticator app to scan."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, dark="#111", omitsize=True)


def totp_secret_for_typing(device: TOTPDevice) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def totp_enrol_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user (or the one they started and did not finish)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
        audit_record(actor=user, action="accounts.second_factor_enrol_start", target=user)
    return device


def totp_enrol_confirm(*, request: HttpRequest | None, user: User, token: str) -> list[str]:
    """Confirm the new authenticator with a code it shows; replaces an older one, issues fresh recovery
    codes (returned once, never stored in clear) and verifies the session."""
    throttle.claim(("otp", str(user.pk)))
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            raise DomainError("no_enrolment", _("Start setting up the authenticator again."))
        if not device.verify_token(_digits(token)):
            raise ValidationFailed(
                {"token": [_("This code is not right. Check that your phone's clock is correct and try again.")]}
            )
        replaced = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()[0]
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_issue(user)
        audit_record(
            actor=user,
            action="accounts.second_factor_enrol",
            target=user,
            after={"method": "totp", "replaced": replaced > 0, "recovery_codes": len(codes)},
        )
    throttle.reset("otp", str(user.pk))
    if request is not None:
        django_otp.login(request, device)
        request.session[SESSION_NEEDED] = True
    return codes


def _digits(token: str) -> str:
    return "".join(ch for ch in token if not ch.isspace())


def second_factor_verify(*, request: HttpRequest | None, user: User, token: str) -> Device:
    """Check a code from the authenticator or a recovery code; on success the session is verified."""
    throttle.claim(("otp", str(user.pk)))
    token = _digits(token)
    device: Device | None = None
    method = ""
    with transaction.atomic():
        if token.isdigit():
            for totp in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
                if totp.verify_token(token):
                    device, method = totp, "totp"
                    break
        elif token:
            recovery = RecoveryCodeDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            if recovery is not None and recovery.verify_token(token):
                device, method = recovery, "recovery_code"
        after: dict[str, Any] = {"method": method or "unknown"}
        if method == "recovery_code":
            after["recovery_codes_left"] = RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).count()
        audit_record(
            actor=user if device else None,
            action="accounts.second_factor" if device else "accounts.second_factor_failed",
            target=user,
            after=after,
        )
    if device is None:
        raise DomainError("invalid_second_factor", _("This code is not right."), status=401)
    throttle.reset("otp", str(user.pk))
    if request is not None:
        django_otp.login(request, device)
    return device


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    codes = _recovery_codes_issue(user)
    audit_record(actor=user, action="accounts.recovery_codes_renew", target=user, after={"count": len(codes)})
    return codes
