"""What every API router shares: bearer/session authentication and one JSON shape for errors.

Every error answer is `{"error": {"code", "message", "fields"}}`; `fields` maps an input field
to its messages (empty when the error is not about a field). Messages follow the request's
language (Accept-Language), Vietnamese by default.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.utils.log import log_response
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from precinct.core.errors import DomainError, RateLimited

logger = logging.getLogger(__name__)


# Who a token belongs to is the accounts app's answer; it registers it when Django starts
# (AccountsConfig.ready), so the kernel and the apps below accounts never import it.
_token_resolver: Callable[[str], Any] | None = None


def set_token_resolver(resolver: Callable[[str], Any]) -> None:
    """Name the function that turns a bearer token into its active user (or None)."""
    global _token_resolver
    _token_resolver = resolver


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if _token_resolver is None:
            return None  # nothing answers for tokens (accounts not installed): no token is valid
        user = _token_resolver(token)
        if user is not None:
            request.user = user  # selectors and services read the actor from request.user
        return user


class Session(SessionAuth):
    """The browser's session, for HTMX and the interactive docs (unsafe methods need CSRF)."""


# Endpoints that need a signed-in user accept either a bearer token or the browser session.
signed_in = [BearerToken(), Session(csrf=True)]


class Unauthenticated(AuthenticationError):
    """A 401 in its own words, raised by an auth class whose credential is not the bearer token (an
    establishment's key): the caller is told which header to send, not to sign in."""

    def __init__(self, said: Any) -> None:
        super().__init__()
        self.said = said


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    """The one error shape, as `error_body` builds it; handlers name it for their own refusals
    (`response={…, 409: ErrorOut}`), and the OpenAPI document calls it `Error` (core.openapi)."""

    error: ErrorDetail


def error_body(code: str, message: Any, fields: dict[str, list[Any]] | None = None) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": str(message),
            "fields": {name: [str(m) for m in msgs] for name, msgs in (fields or {}).items()},
        }
    }


_PYDANTIC_MESSAGES = {
    "missing": "This field is required.",
    "string_too_short": "This field is required.",
    "date_from_datetime_parsing": "Enter a valid date (YYYY-MM-DD).",
    "date_parsing": "Enter a valid date (YYYY-MM-DD).",
    "date_from_datetime_inexact": "Enter a valid date (YYYY-MM-DD).",
    "datetime_parsing": "Enter a valid date and time (ISO 8601).",
    "datetime_from_date_parsing": "Enter a valid date and time (ISO 8601).",
    "int_parsing": "Enter a whole number.",
    "int_type": "Enter a whole number.",
    "string_type": "Enter text.",
    "json_invalid": "The request body is not valid JSON.",
    "greater_than_equal": "This value is out of range.",
    "less_than_equal": "This value is out of range.",
    "greater_than": "This value is out of range.",
    "less_than": "This value is out of range.",
    "date_out_of_range": "Enter a date between 1900-01-01 and 2199-12-31.",
    "model_attributes_type": "The request body must be a JSON object.",
    "dict_type": "The request body must be a JSON object.",
    "model_type": "The request body must be a JSON object.",
}


_LOCATIONS = ("body", "query", "path", "header", "cookie", "form", "file", "payload")

NINJA_UNPARSABLE_BODY = "Cannot parse request body"  # ninja.params.models.BodyModel


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    # ninja reports ("body", "payload", "field"), ("query", "field") or ("file", "file"); keep the input's own
    # name, once.
    parts = [str(p) for p in loc if p not in _LOCATIONS]
    if not parts and loc and str(loc[0]) == "file" and len(loc) > 1:
        parts = [str(loc[-1])]
    return ".".join(parts) or "__all__"


def _translated_pydantic_message(error: dict[str, Any]) -> str:
    message = _PYDANTIC_MESSAGES.get(error.get("type", ""))
    # gettext() on a variable: the catalogue holds each message above, marked in messages.py.
    return _(message) if message else _("This value is not valid.")


def _body_is_not_an_object(request: HttpRequest, exc: NinjaValidationError) -> bool:
    """Whether the errors come from a JSON body that is not an object (ninja then reports each field missing)."""
    if not any(tuple(e.get("loc", ()))[:1] == ("body",) for e in exc.errors):
        return False
    if "json" not in (request.content_type or ""):
        return False
    try:
        first = request.body.lstrip()[:1]
    except RawPostDataException:  # the body was streamed (multipart): not JSON
        return False
    return first not in (b"{", b"")


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        response = api.create_response(request, error_body(exc.code, exc.message, exc.fields), status=exc.status)
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[Any]] = {}
        if _body_is_not_an_object(request, exc):
            # `[]`, `"x"` or `null` for a body schema: one error, not "required" once for each of its fields.
            fields["__all__"] = [_("The request body must be a JSON object.")]
        for error in () if fields else exc.errors:
            messages = fields.setdefault(_field_name(error.get("loc", ())), [])
            message = _translated_pydantic_message(error)
            if message not in messages:  # a missing body is one error, not one per field it lacks
                messages.append(message)
        return api.create_response(
            request, error_body("validation_error", _("Some fields are not valid."), fields), status=422
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        said = exc.said if isinstance(exc, Unauthenticated) else _("Sign in first: send a valid bearer token.")
        return api.create_response(request, error_body("unauthenticated", said), status=401)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc.message).startswith(NINJA_UNPARSABLE_BODY):
            # django-ninja's own words for a body it cannot parse (malformed JSON), English only: say it in
            # the caller's language, like every other error.
            message = _("The request body is not valid JSON.")
            return api.create_response(request, error_body("invalid_json", message, {"body": [message]}), status=400)
        return api.create_response(request, error_body("http_error", exc.message), status=exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("not_found", _("Not found.")), status=404)

    @api.exception_handler(SuspiciousOperation)
    @api.exception_handler(MultiPartParserError)
    def bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A body Django refuses to parse (too many fields or files, a broken multipart): the caller's fault.
        response = api.create_response(
            request, error_body("bad_request", _("The request could not be read.")), status=400
        )
        log_response("Bad request: %s", request.path, response=response, request=request, level="warning")
        return response

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        message = f"{type(exc).__name__}: {exc}" if settings.DEBUG else _("Something went wrong on our side.")
        response = api.create_response(request, error_body("server_error", message), status=500)
        # Logged like Django logs a page's 500 (django.request, with the traceback, mailed to ADMINS through
        # precinct.core.error_reports), and once: Django's handler skips a response already logged.
        log_response("Internal Server Error: %s", request.path, response=response, request=request, exception=exc)
        return response
