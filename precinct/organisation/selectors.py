"""Reads of the organisation, already narrowed to what the actor may see."""

from typing import Any

from django.db.models import Q, QuerySet

from precinct.core.errors import NotFound
from precinct.core.memo import Memo
from precinct.organisation.models import Officer, Unit
from precinct.organisation.permissions import STAFF_ROLES
from precinct.organisation.scoping import restrict


def unit_list(*, actor: Any, parent: Unit | None = None, kind: str | None = None, q: str = "") -> QuerySet[Unit]:
    """The organisation chart is public: every active unit, optionally filtered."""
    units = Unit.objects.filter(is_active=True).select_related("parent")
    if parent is not None:
        units = units.filter(parent=parent)
    if kind:
        units = units.filter(kind=kind)
    if q:
        units = units.filter(Q(name__icontains=q) | Q(name_en__icontains=q) | Q(code__iexact=q))
    return units


def unit_get(*, actor: Any, code: str) -> Unit:
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


def officer_list(*, actor: Any, unit: Unit | None = None) -> QuerySet[Officer]:
    officers = restrict(Officer.objects.select_related("unit"), actor, "unit__path", STAFF_ROLES)
    if unit is not None:
        officers = officers.filter(unit__path__startswith=unit.path)
    return officers


def officer_get(*, actor: Any, officer_id: int) -> Officer:
    officer = officer_list(actor=actor).filter(pk=officer_id).first()
    if officer is None:
        # Outside the actor's reach looks exactly like absent: no probing for existence.
        raise NotFound()
    return officer
