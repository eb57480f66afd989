from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from precinct.accounts.models import User


def _forget_tokens(**_kwargs: Any) -> None:
    from precinct.accounts.services import forget_api_tokens

    transaction.on_commit(forget_api_tokens)


def _on_sign_in(sender: Any, request: Any, user: "User", **_kwargs: Any) -> None:
    """Every sign-in (password, registration, OpenID Connect, tests' force_login) decides once whether the
    session must pass the second factor, and starts an officer's session clocks."""
    if request is None or not hasattr(request, "session"):
        return
    import time

    from django.conf import settings

    from precinct.accounts.middleware import SEEN_AT, SIGNED_IN_AT
    from precinct.accounts.second_factor import SESSION_NEEDED, second_factor_needed

    request.session[SESSION_NEEDED] = second_factor_needed(user)
    if getattr(user, "is_officer", False):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[SEEN_AT] = now
        request.session.set_expiry(settings.OFFICER_SESSION_MAX_SECONDS)


class AccountsConfig(AppConfig):
    name = "precinct.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from precinct.accounts.models import ApiToken, User
        from precinct.accounts.services import api_token_user
        from precinct.core.api_support import set_token_resolver

        user_logged_in.connect(_on_sign_in, dispatch_uid="precinct-accounts-sign-in")

        # The API's bearer authentication (in the kernel) asks this app who a token belongs to.
        set_token_resolver(api_token_user)

        # This process stops serving a memoised token look-up as soon as a user or token changes.
        for model in (User, ApiToken):
            post_save.connect(_forget_tokens, sender=model, dispatch_uid=f"forget-tokens-save-{model.__name__}")
            post_delete.connect(_forget_tokens, sender=model, dispatch_uid=f"forget-tokens-delete-{model.__name__}")
