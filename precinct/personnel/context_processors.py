"""The header's link to the personnel pages, for those who may use them."""

from typing import Any

from django.http import HttpRequest

from precinct.personnel.permissions import can_read_some_discipline, can_use_personnel


def personnel_nav(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "is_citizen", False):
        return {"can_use_personnel": False, "can_discipline": False}
    return {"can_use_personnel": can_use_personnel(user), "can_discipline": can_read_some_discipline(user)}
