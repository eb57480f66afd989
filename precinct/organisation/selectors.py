"""Reads of the organisation, already narrowed to what the actor may see, and the one answer to each
question about the unit tree (the province root, who holds a role nearest above a unit)."""

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from precinct.audit.models import AuditEvent
from precinct.core.actors import Actor
from precinct.core.errors import DomainError, NotFound
from precinct.core.memo import Memo
from precinct.core.text import collation_key
from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Officer, Role, RoleAssignment, Unit
from precinct.organisation.permissions import STAFF_ROLES
from precinct.organisation.scoping import restrict


def unit_list(*, actor: Actor, parent: Unit | None = None, kind: str | None = None, q: str = "") -> QuerySet[Unit]:
    """The organisation chart is public: every active unit, optionally filtered."""
    units = Unit.objects.filter(is_active=True).select_related("parent")
    if parent is not None:
        units = units.filter(parent=parent)
    if kind:
        units = units.filter(kind=kind)
    if q:
        units = units.filter(Q(name__icontains=q) | Q(name_en__icontains=q) | Q(code__iexact=q))
    return units


def unit_get(*, actor: Actor, code: str) -> Unit:
    unit = Unit.objects.filter(code=code, is_active=True).select_related("parent").first()
    if unit is None:
        raise NotFound()
    return unit


_active_units = Memo(ttl=60.0)


def active_unit(code: str) -> Unit | None:
    """An active unit by code, memoised per process for a minute (units change rarely; unit_save makes
    its own process forget at once)."""
    unit: Unit | None = _active_units.get(code, lambda: Unit.objects.filter(code=code, is_active=True).first())
    return unit


def forget_units() -> None:
    _active_units.forget()


# --- the unit tree's questions: each has this one answer, used by every app ----------------------


def province_code() -> str:
    """The code of the province this installation serves ("22" for Quảng Ninh)."""
    return f"{settings.PRECINCT_PROVINCE_CODE:02d}"


def root_units() -> QuerySet[Unit]:
    """The active units at the top of the tree (one per installation in practice)."""
    return Unit.objects.filter(parent__isnull=True, is_active=True).order_by("path")


def province_root_or_none() -> Unit | None:
    """The provincial police this installation serves: the root unit with the province's code, else
    the first root (a test or a fresh install with another code)."""
    return Unit.objects.filter(code=province_code(), parent__isnull=True, is_active=True).first() or (
        root_units().first()
    )


def province_root() -> Unit:
    """As province_root_or_none(), for callers that cannot go on without it (503: not set up)."""
    root = province_root_or_none()
    if root is None:
        raise DomainError("not_configured", _("The police units are not set up yet."), status=503)
    return root


def commune_level_units() -> QuerySet[Unit]:
    """The active ward, commune and special-zone police, by name (the choices citizens pick from)."""
    return Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS, is_active=True).order_by("name")


# What stands before a place's own name in a unit's Vietnamese name ("Công an phường Hà An" → "Hà An").
_KIND_WORDS = re.compile(r"^(công an\s+)?(thành phố|tỉnh|phường|xã|đặc khu|thị trấn)\s+", re.IGNORECASE)


def place_name(unit: Unit) -> str:
    """The place a unit is named after, without "Công an phường/xã/…" (the English names start with it)."""
    return _KIND_WORDS.sub("", unit.display_name, count=1)


def units_by_name(units: Iterable[Unit]) -> list[Unit]:
    """Units as people look for them in a list: in Vietnamese alphabetical order of their places' names, wards
    and communes together (core.text.collation_key: "Hà An", "Hạ Long", "Hiệp Hòa", every "Đ…" after the "D…");
    the full name decides between a ward and a commune of the same place."""
    return sorted(units, key=lambda unit: (collation_key(place_name(unit)), collation_key(unit.display_name)))


def unit_by_code(code: str, *, kinds: tuple[str, ...] = ()) -> Unit | None:
    """The active unit with this code (optionally of these kinds), or None: how a service resolves a
    unit a caller names (a transfer's target, a report's ward)."""
    units = Unit.objects.filter(code=code or "", is_active=True)
    if kinds:
        units = units.filter(kind__in=kinds)
    return units.first()


def ancestor_paths(path: str) -> list[str]:
    """The paths from the root down to `path` itself ("22/", "22/07168/")."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def role_holders(*, unit: Unit, role: str) -> list[Any]:
    """The active users who hold `role` on `unit` itself (a ward's duty officers)."""
    holders = RoleAssignment.objects.filter(role=role, unit=unit, user__is_active=True).values("user_id")
    return list(get_user_model().objects.filter(pk__in=holders).order_by("pk"))


def role_holders_anywhere(*, role: str) -> list[Any]:
    """The active users who hold `role` on any unit (every administrator, for the system's alerts)."""
    holders = RoleAssignment.objects.filter(role=role, user__is_active=True).values("user_id")
    return list(get_user_model().objects.filter(pk__in=holders).order_by("pk"))


def role_holders_nearest(*, unit_path: str, role: str) -> list[Any]:
    """The active users who hold `role` on the unit at `unit_path`, else on the nearest unit above it
    that has anyone in that role (a ward without a leader escalates to the province's leaders)."""
    held = RoleAssignment.objects.filter(
        role=role, unit__path__in=ancestor_paths(unit_path), unit__is_active=True, user__is_active=True
    ).values_list("unit__path", "user_id")
    by_path: dict[str, list[int]] = {}
    for path, user_id in held:
        by_path.setdefault(path, []).append(user_id)
    if not by_path:
        return []
    nearest = by_path[max(by_path, key=len)]
    return list(get_user_model().objects.filter(pk__in=nearest, is_active=True).order_by("pk"))


def role_assignments_of(*, user_id: int, under_path: str = "") -> list[RoleAssignment]:
    """The roles a user holds (on units at or under `under_path`, if given): what a transfer or a suspension
    ends (personnel), oldest first."""
    held = RoleAssignment.objects.filter(user_id=user_id).select_related("unit", "user")
    if under_path:
        held = held.filter(unit__path__startswith=under_path)
    return list(held.order_by("granted_at", "pk"))


def officer_list(*, actor: Actor, unit: Unit | None = None) -> QuerySet[Officer]:
    officers = restrict(Officer.objects.select_related("unit"), actor, "unit__path", STAFF_ROLES)
    if unit is not None:
        officers = officers.filter(unit__path__startswith=unit.path)
    return officers


def officer_get(*, actor: Actor, officer_id: int) -> Officer:
    officer = officer_list(actor=actor).filter(pk=officer_id).first()
    if officer is None:
        # Outside the actor's reach looks exactly like absent: no probing for existence.
        raise NotFound()
    return officer


def audit_event_list(
    *, actor: Actor, action: str = "", target_type: str = "", target_id: str = ""
) -> QuerySet[AuditEvent]:
    """Audit events of units in the administrator's reach (events without a unit: superusers only).
    Here rather than in `audit`, which sits below the unit tree and knows units only by their path."""
    events = restrict(AuditEvent.objects.all(), actor, "unit_path", (Role.ADMINISTRATOR,))
    if action:
        events = events.filter(action=action)
    if target_type:
        events = events.filter(target_type=target_type)
    if target_id:
        events = events.filter(target_id=target_id)
    return events
