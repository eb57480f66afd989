"""The public look-up: code + applicant's personal identification number, rate-limited, no enumeration."""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from precinct.accounts.services import client_address
from precinct.core import ratelimit
from precinct.core.errors import NotFound, RateLimited
from precinct.eservices.models import Dossier

LOOKUPS_PER_WINDOW = 30
FAILURES_PER_WINDOW = 10
WINDOW_SECONDS = 600


def dossier_public_lookup(*, request: HttpRequest | None, code: str, personal_id: str) -> Dossier:
    address = client_address(request)
    if ratelimit.is_blocked("lookup-fail", address, limit=FAILURES_PER_WINDOW) or ratelimit.is_blocked(
        "lookup", address, limit=LOOKUPS_PER_WINDOW
    ):
        raise RateLimited(WINDOW_SECONDS, _("Too many look-ups. Try again in a few minutes."))
    ratelimit.hit("lookup", address, window_seconds=WINDOW_SECONDS)
    dossier = (
        Dossier.objects.select_related("applicant")
        .filter(code=code.strip().upper(), applicant__personal_id=personal_id.strip())
        .first()
    )
    if dossier is None:
        ratelimit.hit("lookup-fail", address, window_seconds=WINDOW_SECONDS)
        # The same answer whether the code exists or not: nothing to enumerate.
        raise NotFound(_("No dossier matches this code and personal identification number."))
    return dossier
