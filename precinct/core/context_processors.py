from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {"PRECINCT_ENV": settings.PRECINCT_ENV}
