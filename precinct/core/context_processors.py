from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {"PRECINCT_ENV": settings.PRECINCT_ENV}


def replica_notice(request: HttpRequest) -> dict[str, Any]:
    """A view that read from the primary because the replica was down or behind (core.replica) says so."""
    reads = getattr(request, "replica_reads", None)
    return {"replica_notice": reads if reads is not None and reads.fell_back else None}
