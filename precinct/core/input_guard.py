"""Text and numbers nothing behind the door can take are refused at the door, for the API and the pages alike.

PostgreSQL refuses a NUL character in any text; a lone surrogate ("\\ud800") cannot be encoded to UTF-8, so
the driver, a template or a log fails on it; a JSON integer of more than 4,300 digits makes Python's int()
raise; one beyond 64 bits overflows a database column; NaN and Infinity are not JSON. Each of these answered
500 somewhere. Here, after `RequestLimitsMiddleware` has bounded the body's size and nesting:

- no request header may carry a NUL;
- the path, every query parameter (name and value) and every form field and uploaded file name may carry
  neither NUL nor a lone surrogate;
- a JSON body may carry neither in any string or key, no integer outside 64 bits, no NaN or Infinity and no
  float that overflows to infinity.

Anything else answers 400 with the one error shape `{"error": {"code": "bad_input", "message", "fields"}}`
(API paths, in the request's language) or the error page (pages), before a view runs, so nothing changes.

Multipart bodies of API calls are checked when the handler first reads the form, not here: the reporting
portal checks its proof-of-work challenge (in headers) before the body is parsed, and that order stays.
Ranges that depend on meaning (an offset, a number of days, a date) are the schemas' (`core.api_types`).
"""

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from precinct.core.errors import DomainError

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

# A character no text column, encoder or log takes: NUL, or half of a UTF-16 surrogate pair.
_UNTAKEABLE = re.compile("[\x00\ud800-\udfff]")
# Only a body with an escape, a long digit run, NaN/Infinity or a big exponent can hold what json_refusal
# looks for; every other body is passed after one C-speed search (the submission path stays cheap).
_JSON_SUSPECT = re.compile(rb"\\u|\x00|\d{19}|NaN|Infinity|\d[eE][+-]?\d{3}")


class BadInput(DomainError):
    """Input that no layer behind the door can take: refused with 400, nothing changed."""

    status = 400

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__("bad_input", message, fields={field: [message]} if field else None)


def _text_message(value: str) -> str:
    if "\x00" in value:
        return _("The text contains a NUL character (\\0), which is not accepted.")
    return _("The text contains a lone surrogate (an invalid Unicode character), which is not accepted.")


def text_refusal(value: str, *, field: str = "") -> BadInput | None:
    """A BadInput if `value` holds a NUL or a lone surrogate, else None."""
    if _UNTAKEABLE.search(value) is None:
        return None
    return BadInput(_text_message(value), field=field)


def _pairs_refusal(pairs: Iterable[tuple[str, Any]]) -> BadInput | None:
    for name, values in pairs:
        if _UNTAKEABLE.search(name):
            return BadInput(_text_message(name))
        for value in values:
            text = value if isinstance(value, str) else getattr(value, "name", "") or ""
            refusal = text_refusal(text, field=name)
            if refusal is not None:
                return refusal
    return None


class _Refused(Exception):
    def __init__(self, refusal: BadInput) -> None:
        self.refusal = refusal


def _bounded_int(text: str) -> int:
    # Checked on the digits before int() runs: int() of more than 4,300 digits raises ValueError itself.
    digits = text.lstrip("-")
    if len(digits) > 19 or not INT64_MIN <= int(text) <= INT64_MAX:
        raise _Refused(BadInput(_("A number in the request is out of range (at most a 64-bit integer).")))
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _Refused(BadInput(_("A number in the request is out of range (at most a 64-bit integer).")))
    return value


def _no_constant(text: str) -> float:
    raise _Refused(BadInput(_("The JSON body contains NaN or Infinity, which are not JSON numbers.")))


def json_refusal(body: bytes) -> BadInput | None:
    """A BadInput if the JSON `body` holds untakeable text or numbers, else None (invalid JSON is left to the
    handler, which answers it in its own words)."""
    if not body or _JSON_SUSPECT.search(body) is None:
        return None
    try:
        data = json.loads(body, parse_int=_bounded_int, parse_float=_finite_float, parse_constant=_no_constant)
    except _Refused as exc:
        return exc.refusal
    except (ValueError, RecursionError):
        return None  # not JSON at all: the handler's parser says so
    # Walk without recursion (RequestLimitsMiddleware already bounded the depth, but a loop needs no stack).
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            refusal = text_refusal(value, field=path or "__all__")
            if refusal is not None:
                return refusal
        elif isinstance(value, dict):
            for key, item in value.items():
                if _UNTAKEABLE.search(key):
                    return BadInput(_text_message(key), field=path or "__all__")
                stack.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{index}" if path else str(index), item) for index, item in enumerate(value))
    return None


def json_field_loads(text: str, *, field: str) -> Any:
    """Parse JSON carried in a form field (a multipart submission's `data`) under the same rules as a JSON
    body: nesting within PRECINCT_MAX_JSON_DEPTH, no untakeable text or numbers (BadInput naming the field).
    Raises ValueError when it is not JSON at all."""
    from django.conf import settings

    from precinct.core.request_limits import json_depth_exceeds

    raw = text.encode("utf-8", "surrogatepass")
    if json_depth_exceeds(raw, settings.PRECINCT_MAX_JSON_DEPTH):
        raise BadInput(
            _("The JSON body is nested too deeply (at most %(depth)d levels).")
            % {"depth": settings.PRECINCT_MAX_JSON_DEPTH},
            field=field,
        )
    refusal = json_refusal(raw)
    if refusal is not None:
        raise BadInput(str(refusal.message), field=field)
    return json.loads(text)


def request_refusal(request: HttpRequest) -> BadInput | None:
    """What is wrong with the request's path, query string or (non-multipart) body, if anything."""
    if _UNTAKEABLE.search(request.path):
        return BadInput(_text_message(request.path))
    for name, value in request.META.items():
        # Headers reach tokens, keys and logs; WSGI hands them over as Latin-1 text, so only NUL can hide
        # there (a cookie's escapes decode later: core.sessions refuses an impossible session key).
        if name.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
            return BadInput(_("A request header contains a NUL character (\\0), which is not accepted."))
    refusal = _pairs_refusal(request.GET.lists())
    if refusal is not None:
        return refusal
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE") and not request.META.get("CONTENT_LENGTH"):
        return None
    content_type = request.content_type or ""
    if content_type == "application/json" or (content_type.startswith("application/") and "json" in content_type):
        return json_refusal(request.body)
    if content_type == "application/x-www-form-urlencoded":
        return _pairs_refusal(request.POST.lists())
    return None


def form_refusal(request: HttpRequest) -> BadInput | None:
    """What is wrong with a parsed form's fields and uploaded file names, if anything."""
    return _pairs_refusal(request.POST.lists()) or _pairs_refusal(request.FILES.lists())


def _checked_on_first_read(request: HttpRequest) -> None:
    """Check a multipart body's fields when the handler first reads them (request.POST / request.FILES)."""
    load: Callable[[], None] = request._load_post_and_files

    def load_and_check() -> None:
        load()
        refusal = form_refusal(request)
        if refusal is not None:
            raise refusal

    request._load_post_and_files = load_and_check  # type: ignore[method-assign]


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = request_refusal(request)
        if refusal is None and request.content_type == "multipart/form-data":
            if request.path.startswith("/api/"):
                _checked_on_first_read(request)
            else:
                refusal = form_refusal(request)  # pages: CSRF parses the form before any view anyway
        if refusal is not None:
            from precinct.core.request_limits import RequestLimitsMiddleware

            return RequestLimitsMiddleware.refuse(request, 400, refusal.code, str(refusal.message), refusal.fields)
        return self.get_response(request)
