"""What the page header needs from the reporting portal: whether to offer the officers' queue."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from precinct.tips.permissions import can_view_tips


def tips_nav(request: HttpRequest) -> dict[str, Any]:
    """Only recipients (officers, duty officers, leaders by role) get the queue's link; administrators, who
    read no report, and everyone else get the public "Report a crime" link. Lazy: asked only when rendered."""
    # A request refused before authentication (core.request_limits renders its error page) has no user.
    user = getattr(request, "user", None)
    return {"can_view_tips": SimpleLazyObject(lambda: user is not None and can_view_tips(user))}
