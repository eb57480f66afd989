from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from precinct.accounts import services
from precinct.accounts.forms import CitizenRegistrationForm, SignInForm
from precinct.core.errors import DomainError, ValidationFailed
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
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in_check(
                request=request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
        except DomainError as exc:
            error, status = str(exc.message), exc.status
        else:
            login(request, user)
            return redirect(_safe_next(request))
    return render(
        request, "accounts/login.html", {"form": form, "error": error, "next": _safe_next(request)}, status=status
    )


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
            user = services.citizen_register(data=services.CitizenInput(**data), language=(get_language() or "vi")[:2])
        except ValidationFailed as exc:
            add_validation_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account has been created."))
            return redirect("core:home")
    return render(request, "accounts/register.html", {"form": form}, status=422 if form.errors else 200)
