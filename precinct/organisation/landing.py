"""What each kind of user sees first on the home page."""

from typing import Any

from django.db.models import Count

from precinct.core.actors import Actor
from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Officer, Role, RoleAssignment, Unit
from precinct.organisation.scoping import reaches_everything, restrict
from precinct.organisation.selectors import officer_list

# The order in which a user's main role is chosen for the landing page.
ROLE_PRECEDENCE = [Role.ADMINISTRATOR, Role.LEADER, Role.DUTY_OFFICER, Role.OFFICER]


def primary_role(user: Actor) -> str:
    if user is None or not user.is_authenticated:
        return "visitor"
    if reaches_everything(user):
        return Role.ADMINISTRATOR
    held = set(RoleAssignment.objects.filter(user_id=user.pk).values_list("role", flat=True))
    for role in ROLE_PRECEDENCE:
        if role in held:
            return role
    return "citizen" if getattr(user, "is_citizen", False) else "officer_without_role"


def landing_context(user: Actor) -> dict[str, Any]:
    role = primary_role(user)
    context: dict[str, Any] = {"landing_role": role}
    if user is None or role == "visitor":
        context["commune_units"] = Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS, is_active=True).count()
        context["departments"] = Unit.objects.filter(kind="department", is_active=True).count()
        return context
    if role in ("citizen", "officer_without_role"):
        return context
    context["assignments"] = list(
        RoleAssignment.objects.filter(user_id=user.pk).select_related("unit").order_by("unit__path", "role")
    )
    units_in_reach = restrict(Unit.objects.filter(is_active=True), user, "path")
    context["units_in_reach"] = units_in_reach.count()
    context["units_by_kind"] = list(units_in_reach.values("kind").annotate(n=Count("id")).order_by("kind"))
    context["officers_in_reach"] = officer_list(actor=user).count()
    if role in (Role.ADMINISTRATOR, Role.LEADER):
        context["largest_units"] = list(
            units_in_reach.annotate(n=Count("officers")).filter(n__gt=0).order_by("-n", "path")[:8]
        )
    context["own_officer"] = Officer.objects.filter(user_id=user.pk).select_related("unit").first()
    return context
