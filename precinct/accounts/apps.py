from typing import Any

from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _forget_tokens(**_kwargs: Any) -> None:
    from precinct.accounts.services import forget_api_tokens

    transaction.on_commit(forget_api_tokens)


class AccountsConfig(AppConfig):
    name = "precinct.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from precinct.accounts.models import ApiToken, User
        from precinct.accounts.services import api_token_user
        from precinct.core.api_support import set_token_resolver

        # The API's bearer authentication (in the kernel) asks this app who a token belongs to.
        set_token_resolver(api_token_user)

        # This process stops serving a memoised token look-up as soon as a user or token changes.
        for model in (User, ApiToken):
            post_save.connect(_forget_tokens, sender=model, dispatch_uid=f"forget-tokens-save-{model.__name__}")
            post_delete.connect(_forget_tokens, sender=model, dispatch_uid=f"forget-tokens-delete-{model.__name__}")
