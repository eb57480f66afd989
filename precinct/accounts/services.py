"""Writes for accounts: citizen registration, sign-in with a guessing limit, API tokens."""

import copy
import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.accounts import throttle
from precinct.accounts.models import ApiToken, SexChoices, User, UserKind
from precinct.accounts.personal_id import personal_id_errors
from precinct.audit.services import audit_record, snapshot
from precinct.core.actors import Actor
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.core.memo import Memo
from precinct.core.text import is_plausible_name

CITIZEN_FIELDS = ("username", "kind", "full_name", "personal_id", "date_of_birth", "sex", "phone", "email")
PHONE_LENGTHS = (10, 11)  # mobiles have 10 digits, some landlines 11


@dataclass(frozen=True)
class CitizenInput:
    personal_id: str
    full_name: str
    date_of_birth: datetime.date | None
    sex: str
    phone: str
    email: str
    password: str


def _normalise_phone(phone: str) -> str:
    digits = phone.replace(" ", "").replace(".", "").replace("-", "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    return digits


def _citizen_errors(data: CitizenInput) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = {}
    today = timezone.localdate()
    if not data.full_name.strip():
        errors["full_name"] = [_("This field is required.")]
    elif not is_plausible_name(data.full_name):  # printed on receipts and signed results
        errors["full_name"] = [_("A name may contain only letters, spaces, apostrophes and hyphens.")]
    if data.date_of_birth is None:
        errors["date_of_birth"] = [_("This field is required.")]
    elif data.date_of_birth > today:
        errors["date_of_birth"] = [_("The date of birth cannot be in the future.")]
    if data.sex not in SexChoices.values:
        errors["sex"] = [_("Choose male or female.")]
    pid_errors = personal_id_errors(
        data.personal_id.strip(),
        date_of_birth=data.date_of_birth if "date_of_birth" not in errors else None,
        sex=data.sex if "sex" not in errors else None,
    )
    if pid_errors:
        errors["personal_id"] = pid_errors
    elif User.objects.filter(personal_id=data.personal_id.strip()).exists():
        # Told plainly (the citizen needs to know: sign in or reset instead), but only at a human pace: the
        # views and the API count registrations per keyed client address (registration_attempt, ADR 0026).
        errors["personal_id"] = [
            _(
                "An account with this personal identification number already exists. If it is yours, sign in "
                "(with VNeID or your password) or reset your password."
            )
        ]
    phone = _normalise_phone(data.phone)
    if not (phone.isdigit() and phone.startswith("0") and len(phone) in PHONE_LENGTHS):
        errors["phone"] = [_("Enter a Vietnamese phone number, e.g. 0912345678.")]
    if data.email:
        try:
            validate_email(data.email)
        except ValidationError:
            errors["email"] = [_("Enter a valid email address.")]
    try:
        validate_password(
            data.password,
            user=User(username=data.personal_id, full_name=data.full_name, email=data.email),
        )
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    return errors


def registration_attempt(*, request: HttpRequest | None) -> None:
    """Count one registration from the client's address; RateLimited once it must wait (progressive
    delays from REGISTER_MAX_PER_WINDOW): whether a personal ID has an account is not learnt at machine speed."""
    throttle.claim(("register", client_address(request)))


@transaction.atomic
def citizen_register(*, data: CitizenInput, language: str = "vi") -> User:
    """Create a citizen's account; the personal identification number is the username."""
    errors = _citizen_errors(data)
    if errors:
        raise ValidationFailed(errors)
    user = User.objects.create_user(
        username=data.personal_id.strip(),
        password=data.password,
        kind=UserKind.CITIZEN,
        full_name=data.full_name.strip(),
        personal_id=data.personal_id.strip(),
        date_of_birth=data.date_of_birth,
        sex=data.sex,
        phone=_normalise_phone(data.phone),
        email=data.email.strip().lower(),
        language=language if language in dict(settings.LANGUAGES) else "vi",
    )
    audit_record(actor=user, action="accounts.citizen_register", target=user, after=snapshot(user, CITIZEN_FIELDS))
    return user


@transaction.atomic
def officer_account_create(
    *,
    actor: Actor,
    username: str,
    full_name: str,
    password: str,
    phone: str = "",
    email: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """An account for an officer (roles are granted separately, by organisation.role_grant)."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Only a system administrator can create officers' accounts."))
    errors: dict[str, list[Any]] = {}
    if not username.strip():
        errors["username"] = [_("This field is required.")]
    elif User.objects.filter(username=username.strip()).exists():
        errors["username"] = [_("This username is taken.")]
    if not full_name.strip():
        errors["full_name"] = [_("This field is required.")]
    elif not is_plausible_name(full_name):
        errors["full_name"] = [_("A name may contain only letters, spaces, apostrophes and hyphens.")]
    try:
        validate_password(password, user=User(username=username, full_name=full_name))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(errors)
    user = User.objects.create_user(
        username=username.strip(),
        password=password,
        kind=UserKind.OFFICER,
        full_name=full_name.strip(),
        phone=phone,
        email=email,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    audit_record(
        actor=actor,
        action="accounts.officer_account_create",
        target=user,
        after=snapshot(user, ("username", "kind", "full_name", "phone", "email", "is_staff", "is_superuser")),
    )
    return user


def client_address(request: HttpRequest | None) -> str:
    """The client's address, for rate limits only (never stored). Behind TRUSTED_PROXIES reverse
    proxies, it is the entry those proxies appended to X-Forwarded-For, not the proxy's own address."""
    if request is None:
        return "unknown"
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def sign_in_check(*, request: HttpRequest | None, username: str, password: str) -> User:
    """Check a username and password, with progressive delays per account and per keyed client address.

    The attempt is counted (accounts/throttle.py) before the password is checked, under a row lock, so
    parallel guesses cannot pass the limit; an attempt that must still wait answers RateLimited with the
    seconds to wait, and nothing is checked. Only checked attempts are audited, so a flood of refused ones
    writes nothing. A success resets the account's counter; the address's decays with the window.
    """
    name_key = username.strip().lower()
    address = client_address(request)
    throttle.claim(("account", name_key), ("address", address))
    user = authenticate(request, username=username.strip(), password=password)
    if user is None:
        _refuse_if_blocked(username.strip(), password)
        with transaction.atomic():
            audit_record(
                actor=None,
                action="accounts.sign_in_failed",
                target_label=name_key[:64],
                after={"attempts": throttle.attempts("account", name_key)},
            )
        raise DomainError("invalid_credentials", _("Wrong username or password."), status=401)
    throttle.reset("account", name_key)
    with transaction.atomic():
        audit_record(actor=user, action="accounts.sign_in", target=user)
    return user  # type: ignore[return-value]


def _refuse_if_blocked(username: str, password: str) -> None:
    """Say so when the right password meets a blocked account (only whoever knows the password learns it)."""
    candidate = User.objects.filter(username=username).first()
    if candidate is not None and candidate.sign_in_blocked_at() and candidate.check_password(password):
        raise DomainError(
            "sign_in_blocked",
            _("This account is suspended and cannot sign in until the suspension ends."),
            status=403,
        )


@transaction.atomic
def sign_in_block(
    *, actor: Actor, user: User, start: datetime.datetime, end: datetime.datetime | None, reason: str
) -> User:
    """Block the account's sign-in from `start` until `end` (None: until lifted). Called by the apps that decide
    it (personnel's suspensions and discharges), which check who may; the account stores the block, so this app
    never asks them (they sit above it)."""
    if end is not None and end <= start:
        raise ValidationFailed({"end": [_("The end must come after the start.")]})
    before = {"from": user.sign_in_blocked_from, "until": user.sign_in_blocked_until}
    user.sign_in_blocked_from, user.sign_in_blocked_until = start, end
    user.save(update_fields=["sign_in_blocked_from", "sign_in_blocked_until"])
    audit_record(
        actor=actor,
        action="accounts.sign_in_block",
        target=user,
        before=before,
        after={"from": start, "until": end, "reason": reason[:200]},
    )
    return user


@transaction.atomic
def sign_in_unblock(*, actor: Actor, user: User, reason: str) -> User:
    """Lift a block (a suspension quashed or over)."""
    before = {"from": user.sign_in_blocked_from, "until": user.sign_in_blocked_until}
    user.sign_in_blocked_from = user.sign_in_blocked_until = None
    user.save(update_fields=["sign_in_blocked_from", "sign_in_blocked_until"])
    audit_record(actor=actor, action="accounts.sign_in_unblock", target=user, before=before, after={"reason": reason})
    return user


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User) -> str:
    token = secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user,
        key_hash=_token_digest(token),
        expires_at=timezone.now() + datetime.timedelta(seconds=settings.API_TOKEN_TTL_SECONDS),
    )
    audit_record(actor=user, action="accounts.api_token_issue", target=record, after={"expires_at": record.expires_at})
    return token


# Programs send their token with every call: the look-up is memoised per process for a few seconds
# (a deactivated user's token keeps working that long in other processes; docs/SECURITY.md).
_tokens = Memo(ttl=settings.API_TOKEN_MEMO_SECONDS)


def _token_record(digest: str) -> ApiToken | None:
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=digest, expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )


def api_token_user(token: str) -> User | None:
    """The active user a bearer token belongs to, or None if unknown or expired."""
    digest = _token_digest(token)
    record = _tokens.get(digest, lambda: _token_record(digest))
    if record is None or record.expires_at <= timezone.now() or record.user.sign_in_blocked_at():
        return None
    # A fresh copy per request: per-request memos hung on the user (e.g. role scopes) must not outlive it.
    user = copy.copy(record.user)
    user.__dict__.pop("_precinct_scope_cache", None)
    return user


def forget_api_tokens() -> None:
    _tokens.forget()


@transaction.atomic
def password_reset_requested(*, user: User) -> None:
    """A reset link is about to be mailed to the user (the mail itself is Django's PasswordResetForm's)."""
    audit_record(actor=None, action="accounts.password_reset_request", target=user)


@transaction.atomic
def password_reset_done(*, user: User) -> None:
    """The user set a new password through a reset link: audited, and the account's guess count forgotten."""
    audit_record(actor=user, action="accounts.password_reset", target=user)
    throttle.reset("account", user.username.lower())
