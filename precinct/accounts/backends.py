"""The authentication backend: Django's, refusing also an account whose sign-in is blocked (a suspension or a
discharge recorded by personnel through accounts.services.sign_in_block). It answers both the sign-in and every
later request's session look-up, so a block takes effect on open sessions too."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser

from precinct.accounts.models import User


class AccountBackend(ModelBackend):
    def user_can_authenticate(self, user: User | AnonymousUser | None) -> bool:  # type: ignore[override]
        if not super().user_can_authenticate(user):
            return False
        blocked = getattr(user, "sign_in_blocked_at", None)
        return not (blocked is not None and blocked())
