from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from precinct.portalsync.mapping import override_errors


@register()
def portal_sync_settings(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Refuse to start with a status mapping the sync would silently get wrong."""
    problems = override_errors(getattr(settings, "PORTAL_SYNC_STATUS_CODES", "") or "")
    errors = [Error(f"PORTAL_SYNC_STATUS_CODES: {p}", id="portalsync.E001") for p in problems]
    url = getattr(settings, "PORTAL_SYNC_URL", "") or ""
    if url and not url.startswith(("http://", "https://")):
        errors.append(Error("PORTAL_SYNC_URL must start with http:// or https://", id="portalsync.E002"))
    return errors
