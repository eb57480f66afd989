"""Two gates on a signed-in browser session (ADR 0026), after Django's and django-otp's middleware:

- SecondFactorMiddleware: a session whose user must pass the second factor reaches only the
  verification and enrolment pages (and signing out) until it has; API calls with such a session get 401.
- SessionTimeoutMiddleware: an officer's session ends after OFFICER_SESSION_IDLE_SECONDS without a
  request, and OFFICER_SESSION_MAX_SECONDS after sign-in whatever happens; citizens keep the usual length.
"""

import time
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from precinct.accounts.second_factor import SESSION_NEEDED, has_totp, second_factor_needed
from precinct.core.api_support import error_body

SIGNED_IN_AT = "precinct_signed_in_at"
SEEN_AT = "precinct_seen_at"
SEEN_GRANULARITY = 60  # seconds: the session is written at most once a minute just to note activity


def _exempt(request: HttpRequest) -> bool:
    path = request.path
    allowed = (
        reverse("accounts:second_factor"),
        reverse("accounts:second_factor_setup"),
        reverse("accounts:logout"),
    )
    return path in allowed or path.startswith((settings.STATIC_URL, "/i18n/"))


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            needed = request.session.get(SESSION_NEEDED)
            if needed is None:  # a session from before this gate: decide once
                needed = request.session[SESSION_NEEDED] = second_factor_needed(user)  # type: ignore[arg-type]
            verified = getattr(user, "is_verified", lambda: False)()
            if needed and not verified and not _exempt(request):
                if request.path.startswith("/api/"):
                    body = error_body("second_factor_required", _("Enter the code from your authenticator first."))
                    return JsonResponse(body, status=401)
                name = "accounts:second_factor" if has_totp(user) else "accounts:second_factor_setup"  # type: ignore[arg-type]
                return redirect(f"{reverse(name)}?next={quote(request.get_full_path())}")
        return self.get_response(request)


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and getattr(user, "is_officer", False):
            now = time.time()
            session = request.session
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)
            seen_at = session.get(SEEN_AT, now)
            if now - seen_at > settings.OFFICER_SESSION_IDLE_SECONDS or (
                now - signed_in_at > settings.OFFICER_SESSION_MAX_SECONDS
            ):
                logout(request)
                if request.path.startswith("/api/"):
                    body = error_body("session_expired", _("Your session has ended. Sign in again."))
                    return JsonResponse(body, status=401)
                login_url = reverse("accounts:login")
                return redirect(f"{login_url}?expired=1&next={quote(request.get_full_path())}")
            if now - seen_at >= SEEN_GRANULARITY or SEEN_AT not in session:
                session[SEEN_AT] = now
        return self.get_response(request)
