from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from precinct.accounts import oidc, second_factor, services, throttle
from precinct.accounts.forms import CitizenRegistrationForm, EnrolForm, ResetRequestForm, SecondFactorForm, SignInForm
from precinct.core.errors import DomainError, RateLimited, ValidationFailed
from precinct.core.forms import add_validation_errors


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    error = ""
    status = 200
    retry_after = 0
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in_check(
                request=request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
        except DomainError as exc:
            error, status = str(exc.message), exc.status
            retry_after = getattr(exc, "retry_after", 0)
        else:
            login(request, user)
            if request.session.get(second_factor.SESSION_NEEDED):
                name = "accounts:second_factor" if second_factor.has_totp(user) else "accounts:second_factor_setup"
                return redirect(f"{reverse(name)}?next={quote(_safe_next(request))}")
            return redirect(_safe_next(request))
    if request.GET.get("expired") and not error:
        error = _("Your session has ended. Sign in again.")
    response = render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": _safe_next(request), "oidc_enabled": oidc.enabled()},
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    """POST signs out; a GET (the address typed or followed) shows a page with the button, never a blank 405:
    signing out stays a POST so that no link or image on another site can sign a person out."""
    if request.method == "POST":
        logout(request)
        return redirect("core:home")
    return render(request, "accounts/logout.html")


def register(request: HttpRequest) -> HttpResponse:
    form = CitizenRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "password_again"}
        try:
            services.registration_attempt(request=request)
            user = services.citizen_register(data=services.CitizenInput(**data), language=(get_language() or "vi")[:2])
        except RateLimited as exc:
            form.add_error(None, str(exc.message))
            response = render(request, "accounts/register.html", {"form": form}, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        except ValidationFailed as exc:
            add_validation_errors(form, exc)
        else:
            login(request, user, backend="precinct.accounts.backends.AccountBackend")
            messages.success(request, _("Welcome! Your account has been created."))
            return redirect("core:home")
    return render(request, "accounts/register.html", {"form": form}, status=422 if form.errors else 200)


def _retry_after(response: HttpResponse, exc: DomainError) -> HttpResponse:
    if getattr(exc, "retry_after", 0):
        response["Retry-After"] = str(exc.retry_after)  # type: ignore[attr-defined]
    return response


@login_required
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the authenticator app, or a recovery code."""
    user = request.user
    if not second_factor.has_totp(user):  # type: ignore[arg-type]
        return redirect(f"{reverse('accounts:second_factor_setup')}?next={quote(_safe_next(request))}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.second_factor_verify(request=request, user=user, token=form.cleaned_data["token"])  # type: ignore[arg-type]
        except DomainError as exc:
            form.add_error("token", str(exc.message))
            response = render(
                request, "accounts/second_factor.html", {"form": form, "next": _safe_next(request)}, status=exc.status
            )
            return _retry_after(response, exc)
        return redirect(_safe_next(request))
    return render(
        request,
        "accounts/second_factor.html",
        {"form": form, "next": _safe_next(request)},
        status=422 if form.errors else 200,
    )


@login_required
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code, confirm with a code, keep the recovery codes."""
    user = request.user
    if not getattr(user, "is_officer", False):
        raise DomainError("forbidden", _("Only officers' accounts use an authenticator app."), status=403)
    if second_factor.has_totp(user) and not getattr(user, "is_verified", lambda: False)():  # type: ignore[arg-type]
        # Replacing an authenticator needs the current one first.
        return redirect(f"{reverse('accounts:second_factor')}?next={quote(request.get_full_path())}")
    device = second_factor.totp_enrol_start(user=user)  # type: ignore[arg-type]
    form = EnrolForm(request.POST or None)
    status = 200
    retry_after = 0
    if request.method == "POST" and form.is_valid():
        try:
            codes = second_factor.totp_enrol_confirm(request=request, user=user, token=form.cleaned_data["token"])  # type: ignore[arg-type]
        except ValidationFailed as exc:
            add_validation_errors(form, exc)
            status = 422
        except DomainError as exc:
            form.add_error("token", str(exc.message))
            status, retry_after = exc.status, getattr(exc, "retry_after", 0)
        else:
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _safe_next(request)})
    elif request.method == "POST":
        status = 422
    response = render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "qr_svg": second_factor.totp_qr_svg(device),
            "secret": second_factor.totp_secret_for_typing(device),
            "required": second_factor.second_factor_required(user),  # type: ignore[arg-type]
            "next": _safe_next(request),
        },
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


class PasswordResetRequest(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail. Rate-limited per keyed client address and per address asked for;
    the answer is the same page, after the same work (the mail is queued either way: ResetRequestForm.save),
    whether an account has that address or not."""

    form_class = ResetRequestForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: ResetRequestForm) -> HttpResponse:  # type: ignore[override]
        email = form.cleaned_data["email"].strip().lower()
        try:
            throttle.claim(("reset", f"address:{services.client_address(self.request)}"), ("reset", f"email:{email}"))
        except RateLimited as exc:
            form.add_error(None, str(exc.message))
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        return super().form_valid(form)


class PasswordResetSent(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_reset_done(user=form.user)
        return response


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def oidc_start(request: HttpRequest) -> HttpResponse:
    """ "Sign in with VNeID": off to the identity provider (authorization code with PKCE)."""
    if not oidc.enabled():
        raise DomainError("not_found", _("Signing in with the identity service is not set up here."), status=404)
    request.session["oidc_next"] = _safe_next(request)
    return oidc.authorize_redirect(request, request.build_absolute_uri(reverse("accounts:oidc_callback")))


def oidc_callback(request: HttpRequest) -> HttpResponse:
    if not oidc.enabled():
        raise DomainError("not_found", _("Signing in with the identity service is not set up here."), status=404)
    claims = oidc.claims_from_callback(request)
    user = oidc.citizen_oidc_sign_in(claims=claims)
    target = request.session.pop("oidc_next", "/")
    login(request, user, backend="precinct.accounts.backends.AccountBackend")
    return redirect(target)
