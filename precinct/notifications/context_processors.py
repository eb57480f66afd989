"""The header's unread count (next to the menu button and in the phone menu), for signed-in people."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from precinct.notifications.selectors import inbox_unread_count


def inbox_nav(request: HttpRequest) -> dict[str, Any]:
    """Lazy: counted only when a page renders the header for a signed-in person (one COUNT)."""
    user = getattr(request, "user", None)  # a request refused before authentication has none
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    return {"inbox_unread": SimpleLazyObject(lambda: inbox_unread_count(actor=user))}
