"""Verification by anyone: a PDF upload, size-limited and rate-limited per client address."""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from precinct.accounts.services import client_address
from precinct.core import ratelimit
from precinct.core.errors import RateLimited, ValidationFailed
from precinct.results.selectors import Verdict, result_verify

MAX_BYTES = 10 * 1024 * 1024
CHECKS_PER_WINDOW = 60
WINDOW_SECONDS = 600


def verify_upload(*, request: HttpRequest | None, data: bytes | None, code: str = "") -> Verdict:
    if not data:
        raise ValidationFailed({"file": [_("Choose the PDF file to check.")]})
    if len(data) > MAX_BYTES:
        raise ValidationFailed({"file": [_("The file must be at most 10 MB.")]})
    address = client_address(request)
    if ratelimit.is_blocked("verify", address, limit=CHECKS_PER_WINDOW):
        raise RateLimited(WINDOW_SECONDS, _("Too many checks. Try again in a few minutes."))
    ratelimit.hit("verify", address, window_seconds=WINDOW_SECONDS)
    return result_verify(data=data, code=code)
