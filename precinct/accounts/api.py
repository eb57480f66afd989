import datetime

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.responses import Status

from precinct.accounts import second_factor, services
from precinct.accounts.models import User
from precinct.core.api_support import ErrorOut, signed_in
from precinct.core.api_types import Date
from precinct.core.errors import DomainError

router = Router(tags=["accounts"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str = ""  # leaders, administrators and enrolled officers: the authenticator's code or a recovery code


class TokenOut(Schema):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (a scheme name, not a secret)
    expires_in: int


class CitizenIn(Schema):
    personal_id: str
    full_name: str
    date_of_birth: Date
    sex: str
    phone: str
    email: str = ""
    password: str


class UserOut(Schema):
    id: int
    username: str
    kind: str
    full_name: str
    personal_id: str | None
    date_of_birth: datetime.date | None
    sex: str
    phone: str
    email: str
    roles: list[dict]

    @staticmethod
    def resolve_roles(obj: User) -> list[dict]:
        return [
            {"role": r.role, "unit": r.unit.code, "unit_name": r.unit.display_name}
            for r in obj.roles.select_related("unit").order_by("unit__path", "role")
        ]


@router.post("/auth/token", response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut}, auth=None)
def auth_token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """Exchange a username (a citizen's personal identification number) and password for a bearer token.

    Accounts with a second factor (leaders, administrators, officers who enrolled) also send `otp`: the code
    their authenticator app shows, or a recovery code; without it the answer is 401 `second_factor_required`.
    A token is issued only after the full sign-in, so it carries no weaker proof than a browser session."""
    user = services.sign_in_check(request=request, username=payload.username, password=payload.password)
    if second_factor.second_factor_needed(user):
        if not payload.otp.strip():
            raise DomainError(
                "second_factor_required", _('Send the code from your authenticator app as "otp".'), status=401
            )
        second_factor.second_factor_verify(request=None, user=user, token=payload.otp)
    token = services.api_token_issue(user=user)
    return TokenOut(access_token=token, expires_in=settings.API_TOKEN_TTL_SECONDS)


@router.post("/citizens", response={201: UserOut, 422: ErrorOut, 429: ErrorOut}, auth=None)
def citizen_register(request: HttpRequest, payload: CitizenIn) -> Status[User]:
    """Register a citizen. Invalid input answers 422 with the messages for each field; registrations are
    counted per client address and answer 429 with Retry-After past REGISTER_MAX_PER_WINDOW."""
    services.registration_attempt(request=request)
    user = services.citizen_register(
        data=services.CitizenInput(**payload.dict()), language=(get_language() or "vi")[:2]
    )
    return Status(201, user)


@router.get("/me", response=UserOut, auth=signed_in)
def me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]
