"""One user model for officers and citizens. Citizens sign in with their personal identification number."""

import datetime
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from precinct.accounts.personal_id import Sex


class UserKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    OFFICER = "officer", _("Officer")


class SexChoices(models.TextChoices):
    MALE = Sex.MALE, _("Male")
    FEMALE = Sex.FEMALE, _("Female")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra: Any) -> "User":
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("kind", UserKind.OFFICER)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]  # django-otp devices: user FK of an abstract base
    username = models.CharField(_("username"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=UserKind.choices, default=UserKind.CITIZEN)
    full_name = models.CharField(_("full name"), max_length=150)
    personal_id = models.CharField(
        _("personal identification number"), max_length=12, unique=True, null=True, blank=True
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=SexChoices.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="vi")
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the admin site"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Set by accounts.services.sign_in_block() (personnel's suspensions and discharges): from this moment until
    # `sign_in_blocked_until` (no end: until lifted) the account cannot sign in, keep a session or use a token.
    sign_in_blocked_from = models.DateTimeField(_("sign-in blocked from"), null=True, blank=True)
    sign_in_blocked_until = models.DateTimeField(_("sign-in blocked until"), null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})" if self.full_name else self.username

    @property
    def is_citizen(self) -> bool:
        return self.kind == UserKind.CITIZEN

    @property
    def is_officer(self) -> bool:
        return self.kind == UserKind.OFFICER

    def sign_in_blocked_at(self, moment: datetime.datetime | None = None) -> bool:
        """Whether a block (a suspension, a discharge) covers `moment` (now by default)."""
        if self.sign_in_blocked_from is None:
            return False
        moment = moment or timezone.now()
        return self.sign_in_blocked_from <= moment and (
            self.sign_in_blocked_until is None or moment < self.sign_in_blocked_until
        )


class ApiToken(models.Model):
    """A bearer token for programs. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"token of {self.user_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class ThrottleScope(models.TextChoices):
    ACCOUNT = "account", _("Account")
    ADDRESS = "address", _("Client address")
    SECOND_FACTOR = "otp", _("Second factor")
    RESET = "reset", _("Password reset")
    REGISTER = "register", _("Registration")


class SignInThrottle(models.Model):
    """Guesses counted per account, per keyed client address (HMAC, never the address itself), per
    second-factor step; `not_before` is when the next attempt may be checked (accounts/throttle.py)."""

    scope = models.CharField(max_length=16, choices=ThrottleScope.choices)
    key = models.CharField(max_length=64)
    attempts = models.PositiveIntegerField(default=0)
    not_before = models.DateTimeField()
    last_attempt_at = models.DateTimeField()

    class Meta:
        verbose_name = _("sign-in throttle")
        verbose_name_plural = _("sign-in throttles")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="accounts_throttle_scope_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]}: {self.attempts}"


class RecoveryCodeDevice(Device):
    """A user's set of one-time recovery codes, as a django-otp device: signing in with one verifies the
    session like a TOTP code does. Only an HMAC of each code is stored (accounts/second_factor.py)."""

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def verify_token(self, token: Any) -> bool:
        from precinct.accounts.second_factor import recovery_code_digest

        code = "".join(ch for ch in str(token).upper() if ch.isalnum())
        used = self.codes.filter(digest=recovery_code_digest(code), used_at__isnull=True).update(used_at=timezone.now())
        return used == 1


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"recovery code of device {self.device_id}"
