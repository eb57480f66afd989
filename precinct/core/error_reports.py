"""What an error report may carry: code, never what a person sent or who they are.

Error reports leave the server (mail to ADMINS, log files, any error tracker added later), so they carry
the request's method, path, id and user id, the exception's type and the traceback's file, line, function
and source line; never the body (POST, FILES, JSON), the query string, cookies, headers beyond a short
allow-list, the client's address, frame locals (a decrypted crime report may be one) or the exception's
message (a database or validation error quotes the values it refused), except for a few exception types
whose message is written by code. Settings are left out too.

- `SafeReportFilter`: DEFAULT_EXCEPTION_REPORTER_FILTER, for anything that uses Django's filter.
- `SafeReporter`: DEFAULT_EXCEPTION_REPORTER and the mail handler's reporter_class (AdminEmailHandler).
- `SafeFormatter`: the log handlers' formatter; tracebacks without messages or locals.
"""

import logging
import traceback
from types import TracebackType
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

CLEANSED = "********************"

# The only request metadata a report names; everything else (User-Agent, X-Forwarded-For, X-Real-IP,
# Forwarded, Referer, Authorization, Cookie, REMOTE_ADDR, QUERY_STRING, ...) is left out.
META_ALLOWED = ("REQUEST_METHOD", "PATH_INFO", "SCRIPT_NAME", "CONTENT_TYPE", "CONTENT_LENGTH", "SERVER_PROTOCOL")

# Exceptions whose message comes from the code (names, types), not from data.
_MESSAGE_SAFE = (AttributeError, NameError, ImportError, TypeError, NotImplementedError, RecursionError)


def exception_line(exc_type: type[BaseException] | None, exc_value: BaseException | None) -> str:
    if exc_type is None:
        return "(no exception)"
    name = exc_type.__qualname__
    module = exc_type.__module__
    label = name if module in ("builtins", "__main__") else f"{module}.{name}"
    if exc_value is not None and isinstance(exc_value, _MESSAGE_SAFE):
        return f"{label}: {exc_value}"
    return f"{label} (message withheld)"


def safe_traceback(
    exc_type: type[BaseException] | None, exc_value: BaseException | None, tb: TracebackType | None
) -> str:
    """Like traceback.format_exception, chained exceptions included, without messages or locals."""
    blocks: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc_value
    current_type, current_tb = exc_type, tb
    while True:
        frames = "".join(traceback.format_list(traceback.extract_tb(current_tb, limit=50)))
        blocks.append(f"Traceback (most recent call last):\n{frames}{exception_line(current_type, current)}\n")
        if current is None:
            break
        seen.add(id(current))
        cause = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
        if cause is None or id(cause) in seen:
            break
        current, current_type, current_tb = cause, type(cause), cause.__traceback__
    # The original exception first, as Python prints them.
    return "\nThe above exception was involved in the next one:\n\n".join(reversed(blocks))


def request_summary(request: HttpRequest | None) -> list[str]:
    """The lines a report may say about a request."""
    if request is None:
        return ["Request: none"]
    meta = getattr(request, "META", {})
    try:  # the user is loaded lazily: with the database down, that fails too, and the report must go out
        user = getattr(request, "user", None)
        who = "unknown" if user is None else f"user id {user.pk}" if user.is_authenticated else "anonymous"
    except Exception:
        who = "unknown"
    lines = [
        f"Request id: {getattr(request, 'request_id', '-')}",
        f"Request: {meta.get('REQUEST_METHOD', '?')} {getattr(request, 'path', '?')}"
        + (" (query string withheld)" if meta.get("QUERY_STRING") else ""),
        f"User: {who}",
    ]
    for key in META_ALLOWED[3:]:
        if meta.get(key):
            lines.append(f"{key}: {str(meta[key])[:200]}")
    lines.append("Body, query string, cookies, other headers and the client's address: withheld")
    return lines


class SafeReportFilter(SafeExceptionReporterFilter):
    """Django's filter, stricter: no POST or FILES values, no cookie values, metadata from an allow-list
    and no frame locals. With DEBUG on (a developer's own machine), Django's page shows everything."""

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        return {}  # never touch request.POST here: it could parse an unread body in the error path

    def get_safe_cookies(self, request: HttpRequest) -> dict[str, str]:
        if not self.is_active(request):
            return super().get_safe_cookies(request)
        return {name: CLEANSED for name in getattr(request, "COOKIES", {})}

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        if not self.is_active(request):
            return super().get_safe_request_meta(request)
        meta = getattr(request, "META", {})
        return {key: meta[key] for key in META_ALLOWED if key in meta}

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return []

    def get_safe_settings(self) -> dict[str, Any]:
        if settings.DEBUG:
            return super().get_safe_settings()
        return {}


class SafeReporter(ExceptionReporter):
    """The text of a mailed error report: the request summary and a traceback without data."""

    def get_traceback_text(self) -> str:  # type: ignore[override]  # plain text for a mail, never HTML
        lines = request_summary(self.request)
        if self.exc_type is None and self.tb is None:
            # log_response() without an exception: the record's own message is the whole story.
            lines.append("No traceback (a response with an error status).")
        else:
            lines.append("")
            lines.append(safe_traceback(self.exc_type, self.exc_value, self.tb))
        return "\n".join(lines) + "\n"

    def get_traceback_html(self) -> SafeString:
        return format_html("<pre>{}</pre>", self.get_traceback_text())


class SafeFormatter(logging.Formatter):
    """Log lines as usual; exceptions as `safe_traceback` prints them."""

    def formatException(self, ei: Any) -> str:
        exc_type, exc_value, tb = ei
        return safe_traceback(exc_type, exc_value, tb).rstrip("\n")
