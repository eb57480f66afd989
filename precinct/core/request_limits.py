"""Request bodies are checked before anything parses them: size, multipart boundary, JSON nesting.

Without this, a malformed body fails deep inside the parser (multipart without a boundary, JSON nested
100,000 deep blowing json.loads' recursion), answers 500 and mails the administrators, and anyone can do
that at will without solving the reporting portal's proof of work. Here:

- a body larger than its limit answers 413: multipart/form-data up to PRECINCT_MAX_UPLOAD_BYTES, anything
  else up to DATA_UPLOAD_MAX_MEMORY_SIZE. The declared Content-Length is checked, and the length of a body
  sent without one (or, under ASGI, already received) is measured, never trusting the header alone;
- multipart/form-data without a valid boundary answers 400;
- a JSON body nested deeper than PRECINCT_MAX_JSON_DEPTH answers 400 (a linear scan, no recursion).

API paths answer with the one error shape, `{"error": {"code", "message", "fields"}}`, in the request's
language; pages with the error page.
"""

import io
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParser
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _

from precinct.core.api_support import error_body
from precinct.core.errors import DomainError

_BODYLESS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def json_depth_exceeds(data: bytes, limit: int) -> bool:
    """Whether arrays/objects in `data` nest deeper than `limit` (brackets inside strings don't count)."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return False  # too few brackets to nest that deep: the usual body costs two C-speed counts
    depth = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


class RequestLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self.check(request)
        return refusal if refusal is not None else self.get_response(request)

    def check(self, request: HttpRequest) -> HttpResponse | None:
        if request.method in _BODYLESS and not request.META.get("CONTENT_LENGTH"):
            return None
        content_type = request.content_type or ""
        multipart = content_type == "multipart/form-data"
        limit = settings.PRECINCT_MAX_UPLOAD_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE

        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared:
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length < 0:
                return self.refuse(request, 400, "bad_request", _("The request's Content-Length is not valid."))
            if length > limit:
                return self.too_large(request, limit)
        measured = self.measured_length(request, limit)
        if measured is not None and measured > limit:
            return self.too_large(request, limit)

        if multipart:
            boundary = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))[1].get("boundary")
            if not boundary or not MultiPartParser.boundary_re.fullmatch(boundary):
                return self.refuse(
                    request, 400, "bad_request", _("The multipart body has no valid boundary in its Content-Type.")
                )
        elif _is_json(content_type) and json_depth_exceeds(request.body, settings.PRECINCT_MAX_JSON_DEPTH):
            return self.refuse(
                request,
                400,
                "bad_request",
                _("The JSON body is nested too deeply (at most %(depth)d levels).")
                % {"depth": settings.PRECINCT_MAX_JSON_DEPTH},
            )
        return None

    @staticmethod
    def measured_length(request: HttpRequest, limit: int) -> int | None:
        """The body's real length when the header cannot be trusted to bound what is read.

        Under WSGI, Django reads at most Content-Length bytes (LimitedStream), and nothing without one, so
        the header bounds the body. Otherwise (ASGI has the whole body in a spooled file; a test or
        server may hand over any stream) the body is read, at most limit + 1 bytes, and put back."""
        stream = getattr(request, "_stream", None)
        if stream is None or isinstance(stream, LimitedStream):
            return None
        data = request.read(limit + 1)
        request._stream = io.BytesIO(data)  # type: ignore[attr-defined]  # put the bytes back, unread
        request._read_started = False  # type: ignore[attr-defined]
        return len(data)

    def too_large(self, request: HttpRequest, limit: int) -> HttpResponse:
        megabytes = f"{limit / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
        return self.refuse(
            request,
            413,
            "request_too_large",
            _("The request is too large (at most %(size)s MB).") % {"size": megabytes},
        )

    @staticmethod
    def refuse(
        request: HttpRequest, status: int, code: str, message: str, fields: dict[str, list[Any]] | None = None
    ) -> HttpResponse:
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(error_body(code, message, fields), status=status)
        else:
            from django.shortcuts import render

            error = DomainError(code, message, fields=fields, status=status)
            response = render(request, "core/error.html", {"error": error}, status=status)
        return response
