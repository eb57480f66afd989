"""Which units a user's roles reach. Every scoped read in Precinct goes through here.

A role over a unit reaches that unit and everything under it (a prefix of the unit's path).
Superusers reach everything; citizens and anonymous users reach no unit. The `*_by_role` variants
ignore superuser status: for what only a role's holders may do (opening crime reports).
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from precinct.core.actors import Actor, Principal
from precinct.organisation.models import Role, RoleAssignment, Unit

ALL_ROLES: tuple[str, ...] = tuple(Role.values)


_MEMO = "_precinct_scope_cache"


def _cache(user: Principal) -> dict[tuple[str, ...], list[str]]:
    # Memoised on the user object: one query per request per set of roles. Set by name, as an actor is
    # known only by the Principal protocol, which has no such attribute.
    cache: dict[tuple[str, ...], list[str]] | None = getattr(user, _MEMO, None)
    if cache is None:
        cache = {}
        setattr(user, _MEMO, cache)
    return cache


def scope_paths(user: Actor, roles: Iterable[str] = ALL_ROLES) -> list[str]:
    """The unit paths whose subtrees the user's roles reach (nested ones removed)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if getattr(user, "is_citizen", False):
        return []  # roles are only ever granted to officers' accounts (role_grant refuses citizens)
    key = tuple(sorted(roles))
    memo = _cache(user)
    if key not in memo:
        paths = sorted(
            set(
                RoleAssignment.objects.filter(user_id=user.pk, role__in=key, unit__is_active=True).values_list(
                    "unit__path", flat=True
                )
            )
        )
        outermost: list[str] = []
        for path in paths:
            if not any(path.startswith(kept) for kept in outermost):
                outermost.append(path)
        memo[key] = outermost
    return memo[key]


def reaches_everything(user: Actor) -> bool:
    return user is not None and user.is_authenticated and user.is_active and user.is_superuser


def scope_q(user: Actor, path_field: str, roles: Iterable[str] = ALL_ROLES) -> Q:
    """A filter keeping rows whose unit path (`path_field`) lies in the user's reach."""
    if reaches_everything(user):
        return Q()
    return scope_q_by_role(user, path_field, roles)


def scope_q_by_role(user: Actor, path_field: str, roles: Iterable[str] = ALL_ROLES) -> Q:
    """As scope_q(), from the user's roles alone: a superuser without the roles matches nothing."""
    condition = Q(pk__in=[])
    for path in scope_paths(user, roles):
        condition |= Q(**{f"{path_field}__startswith": path})
    return condition


def restrict[M: Any](
    queryset: QuerySet[M], user: Actor, path_field: str, roles: Iterable[str] = ALL_ROLES
) -> QuerySet[M]:
    return queryset.filter(scope_q(user, path_field, roles))


def restrict_by_role[M: Any](
    queryset: QuerySet[M], user: Actor, path_field: str, roles: Iterable[str] = ALL_ROLES
) -> QuerySet[M]:
    return queryset.filter(scope_q_by_role(user, path_field, roles))


def reaches(user: Actor, unit: Unit | None, roles: Iterable[str] = ALL_ROLES) -> bool:
    if unit is None:
        return reaches_everything(user)
    if reaches_everything(user):
        return True
    return reaches_by_role(user, unit, roles)


def reaches_by_role(user: Actor, unit: Unit | None, roles: Iterable[str] = ALL_ROLES) -> bool:
    """As reaches(), from the user's roles alone: being a superuser adds nothing."""
    return unit is not None and any(unit.path.startswith(path) for path in scope_paths(user, roles))


def has_any_role(user: Actor, roles: Iterable[str] = ALL_ROLES) -> bool:
    return reaches_everything(user) or has_role(user, roles)


def has_role(user: Actor, roles: Iterable[str] = ALL_ROLES) -> bool:
    """Whether the user holds one of these roles over some active unit (superuser status aside)."""
    return bool(scope_paths(user, roles))


def forget_scope(user: Actor) -> None:
    """Drop the memo after roles change within the same request."""
    if hasattr(user, _MEMO):
        delattr(user, _MEMO)
