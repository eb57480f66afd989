"""Citizens' sign-in through an OpenID Connect provider (VNeID or a similar national identity service),
with Authlib's Django client (ADR 0026): discovery from OIDC_DISCOVERY_URL, the authorization code flow with
PKCE (S256) and a nonce, the ID token's signature checked against the provider's published keys.

The personal identification number comes from the claim named by OIDC_PERSONAL_ID_CLAIM; the account with
that number is signed in, or a citizen's account is created for it (with no password: the provider vouches
for the person). An officer's account is never signed in this way.
"""

import datetime
from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from joserfc.errors import JoseError
from requests import RequestException

from precinct.accounts.models import SexChoices, User, UserKind
from precinct.accounts.personal_id import personal_id_errors
from precinct.audit.services import audit_record, snapshot
from precinct.core.errors import DomainError

PROVIDER = "vneid"
_registries: dict[tuple[str, str], OAuth] = {}  # one per configuration: it caches the discovery document


def enabled() -> bool:
    return bool(settings.OIDC_DISCOVERY_URL and settings.OIDC_CLIENT_ID)


def _client() -> Any:
    key = (settings.OIDC_DISCOVERY_URL, settings.OIDC_CLIENT_ID)
    registry = _registries.get(key)
    if registry is None:
        registry = OAuth()
        registry.register(
            PROVIDER,
            server_metadata_url=settings.OIDC_DISCOVERY_URL,
            client_id=settings.OIDC_CLIENT_ID,
            client_secret=settings.OIDC_CLIENT_SECRET or None,
            client_kwargs={
                "scope": settings.OIDC_SCOPE,
                "code_challenge_method": "S256",  # PKCE
                "timeout": settings.OIDC_TIMEOUT_SECONDS,
            },
        )
        _registries[key] = registry
    return registry.create_client(PROVIDER)


def authorize_redirect(request: HttpRequest, redirect_uri: str) -> HttpResponse:
    """Send the browser to the provider; state, nonce and the PKCE verifier wait in the session."""
    try:
        return _client().authorize_redirect(request, redirect_uri)
    except (OAuthError, RequestException, ValueError, KeyError) as exc:
        raise DomainError(
            "oidc_unavailable", _("The identity service cannot be reached. Try again later."), status=502
        ) from exc


def claims_from_callback(request: HttpRequest) -> dict[str, Any]:
    """Exchange the code (with the PKCE verifier) and return the ID token's verified claims."""
    try:
        token = _client().authorize_access_token(request)
    except RequestException as exc:
        raise DomainError(
            "oidc_unavailable", _("The identity service cannot be reached. Try again later."), status=502
        ) from exc
    except (OAuthError, JoseError, ValueError, KeyError) as exc:
        raise DomainError(
            "oidc_failed", _("Signing in with the identity service did not succeed. Please start again."), status=400
        ) from exc
    claims = token.get("userinfo")
    if not claims:
        raise DomainError(
            "oidc_failed", _("Signing in with the identity service did not succeed. Please start again."), status=400
        )
    return dict(claims)


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


@transaction.atomic
def citizen_oidc_sign_in(*, claims: dict[str, Any]) -> User:
    """The citizen the provider vouches for: found by personal identification number, or created."""
    personal_id = str(claims.get(settings.OIDC_PERSONAL_ID_CLAIM, "")).strip()
    if not personal_id or personal_id_errors(personal_id):
        audit_record(actor=None, action="accounts.oidc_refused", target_label="no valid personal ID claim")
        raise DomainError(
            "oidc_no_personal_id",
            _("The identity service did not give a valid personal identification number."),
            status=400,
        )
    user = User.objects.select_for_update().filter(personal_id=personal_id).first()
    if user is not None and (not user.is_citizen or not user.is_active):
        audit_record(actor=None, action="accounts.oidc_refused", target=user, after={"reason": "not an active citizen"})
        raise DomainError("oidc_refused", _("This account cannot sign in with the identity service."), status=403)
    if user is None:
        sex = str(claims.get("gender", ""))
        user = User.objects.create(
            username=personal_id,
            password=make_password(None),  # no password: the provider vouches; a reset can set one later
            kind=UserKind.CITIZEN,
            full_name=str(claims.get(settings.OIDC_NAME_CLAIM, "")).strip()[:150] or personal_id,
            personal_id=personal_id,
            date_of_birth=_date(claims.get("birthdate")),
            sex=sex if sex in SexChoices.values else "",
            phone=str(claims.get("phone_number", ""))[:20],
            email=str(claims.get("email", ""))[:254].lower() if claims.get("email_verified") else "",
        )
        audit_record(
            actor=user,
            action="accounts.citizen_register",
            target=user,
            after={
                **snapshot(user, ("username", "kind", "full_name", "personal_id", "date_of_birth", "sex")),
                "via": "oidc",
            },
        )
    audit_record(actor=user, action="accounts.sign_in", target=user, after={"method": "oidc"})
    return user
