"""Writes to the organisation. Each is one transaction with its own audit row.

`actor=None` means the system itself (a management command); any other actor is checked.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from precinct.audit.services import audit_record, snapshot
from precinct.core.actors import Actor, Principal
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.organisation import divisions
from precinct.organisation.models import Officer, Rank, Role, RoleAssignment, Unit, UnitKind
from precinct.organisation.permissions import can_grant_role, can_manage_officer, can_manage_unit
from precinct.organisation.scoping import forget_scope
from precinct.organisation.selectors import forget_units

DEPARTMENTS_FILE = Path(__file__).parent / "data" / "departments.json"
UNIT_FIELDS = ("code", "name", "name_en", "kind", "parent", "division_code", "address", "phone", "is_active")
OFFICER_FIELDS = ("full_name", "rank", "position", "unit", "phone", "user", "is_active")


@dataclass(frozen=True)
class LoadResult:
    root: Unit
    created: int
    updated: int


def _upsert_unit(*, code: str, defaults: dict[str, Any]) -> tuple[Unit, bool, bool]:
    """Create or refresh one unit; returns (unit, created, changed)."""
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        return Unit.objects.create(code=code, **defaults), True, True
    changed = False
    for field, value in defaults.items():
        if getattr(unit, field) != value:
            setattr(unit, field, value)
            changed = True
    if changed:
        unit.save()
    return unit, False, changed


@transaction.atomic
def province_units_load(*, actor: Actor, province_code: int) -> LoadResult:
    """Load (or refresh) a province's police: the provincial unit, its departments, and one police
    unit for each ward, commune and special zone. Idempotent: running it twice changes nothing."""
    if actor is not None and not can_manage_unit(actor, None):
        raise PermissionDenied()
    try:
        province = divisions.province(province_code)
    except LookupError as exc:
        raise DomainError("unknown_province", _("There is no province with this code.")) from exc

    created = updated = 0
    vi, en = divisions.police_name(province)
    root, was_created, changed = _upsert_unit(
        code=province.code,
        defaults={"name": vi, "name_en": en, "kind": UnitKind.PROVINCE, "parent": None, "division_code": province.code},
    )
    created += was_created
    updated += changed and not was_created

    for dept in json.loads(DEPARTMENTS_FILE.read_text(encoding="utf-8")):
        _unit, was_created, changed = _upsert_unit(
            code=f"{province.code}-{dept['code']}",
            defaults={
                "name": dept["name"],
                "name_en": dept["name_en"],
                "kind": UnitKind.DEPARTMENT,
                "parent": root,
                "division_code": "",
            },
        )
        created += was_created
        updated += changed and not was_created

    for division in divisions.communes_of(province_code):
        vi, en = divisions.police_name(division)
        _unit, was_created, changed = _upsert_unit(
            code=division.code,
            defaults={"name": vi, "name_en": en, "kind": division.kind, "parent": root, "division_code": division.code},
        )
        created += was_created
        updated += changed and not was_created

    if created or updated:
        transaction.on_commit(forget_units)
        audit_record(
            actor=actor,
            action="organisation.province_units_load",
            target=root,
            unit=root,
            after={"province_code": province.code, "created": created, "updated": updated},
        )
    return LoadResult(root=root, created=created, updated=updated)


def unit_input_check(*, code: str, name: str, kind: str, parent: Unit | None, instance: Unit | None) -> None:
    errors: dict[str, list[Any]] = {}
    if not code.strip():
        errors["code"] = [_("This field is required.")]
    elif Unit.objects.filter(code=code).exclude(pk__in=[instance.pk] if instance else []).exists():
        errors["code"] = [_("Another unit already has this code.")]
    if not name.strip():
        errors["name"] = [_("This field is required.")]
    if kind not in UnitKind.values:
        errors["kind"] = [_("Choose one of the listed kinds.")]
    elif kind == UnitKind.PROVINCE and parent is not None:
        errors["parent"] = [_("A provincial police has no parent unit.")]
    elif kind != UnitKind.PROVINCE and parent is None:
        errors["parent"] = [_("This kind of unit must belong to a parent unit.")]
    if instance is not None and parent is not None and parent.path.startswith(instance.path):
        errors["parent"] = [_("A unit cannot be placed under itself or one of its own units.")]
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def unit_save(*, actor: Actor, unit: Unit | None = None, **values: Any) -> Unit:
    """Create a unit, or change one (moving it rewrites the paths of everything under it)."""
    parent = values.get("parent", unit.parent if unit else None)
    if actor is None:  # the system itself (a management command)
        allowed = True
    elif unit is None:
        allowed = can_manage_unit(actor, parent)
    else:
        moving = parent != unit.parent
        allowed = can_manage_unit(actor, unit) and (not moving or can_manage_unit(actor, parent))
    if not allowed:
        raise PermissionDenied()
    current = {f: getattr(unit, f) for f in ("code", "name", "kind")} if unit else {}
    merged = {**current, **{k: v for k, v in values.items() if k in ("code", "name", "kind")}}
    unit_input_check(
        code=merged.get("code", ""),
        name=merged.get("name", ""),
        kind=merged.get("kind", ""),
        parent=parent,
        instance=unit,
    )

    before = snapshot(unit, UNIT_FIELDS) if unit else None
    old_path = unit.path if unit else None
    if unit is None:
        unit = Unit(**values)
    else:
        for field, value in values.items():
            setattr(unit, field, value)
    unit.save()
    transaction.on_commit(forget_units)
    if old_path and old_path != unit.path:
        for descendant in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("path"):
            descendant.save()  # parents come first in path order, so each recomputes from a fresh parent
    audit_record(
        actor=actor,
        action="organisation.unit_create" if before is None else "organisation.unit_update",
        target=unit,
        unit=unit,
        before=before,
        after=snapshot(unit, UNIT_FIELDS),
    )
    return unit


def officer_input_check(values: dict[str, Any]) -> None:
    errors: dict[str, list[Any]] = {}
    if "full_name" in values and not str(values["full_name"]).strip():
        errors["full_name"] = [_("This field is required.")]
    if "rank" in values and values["rank"] not in Rank.values:
        errors["rank"] = [_("Choose one of the listed ranks.")]
    if "unit" in values and not isinstance(values["unit"], Unit):
        errors["unit"] = [_("Choose a unit.")]
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def officer_save(*, actor: Actor, officer: Officer | None = None, **values: Any) -> Officer:
    """Create an officer, or change one (a transfer is a change of unit; both units must be in reach)."""
    officer_input_check(values)
    target_unit = values.get("unit", officer.unit if officer else None)
    if target_unit is None:
        raise ValidationFailed({"unit": [_("Choose a unit.")]})
    if actor is not None and (
        not can_manage_unit(actor, target_unit) or (officer is not None and not can_manage_officer(actor, officer))
    ):
        raise PermissionDenied()
    before = snapshot(officer, OFFICER_FIELDS) if officer else None
    if officer is None:
        officer = Officer(**values)
    else:
        for field, value in values.items():
            setattr(officer, field, value)
    officer.save()
    audit_record(
        actor=actor,
        action="organisation.officer_create" if before is None else "organisation.officer_update",
        target=officer,
        unit=officer.unit,
        before=before,
        after=snapshot(officer, OFFICER_FIELDS),
    )
    return officer


@transaction.atomic
def role_grant(*, actor: Actor, user: Principal, unit: Unit, role: str) -> RoleAssignment:
    """Give `user` (an officer's account) `role` over `unit`."""
    if role not in Role.values:
        raise ValidationFailed({"role": [_("Choose one of the listed roles.")]})
    if actor is not None and not can_grant_role(actor, unit):
        raise PermissionDenied()
    if not isinstance(user, get_user_model()) or not user.is_officer:
        raise ValidationFailed({"user": [_("Roles can only be given to officers' accounts.")]})
    assignment, created = RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        audit_record(
            actor=actor,
            action="organisation.role_grant",
            target=assignment,
            unit=unit,
            after={"user": user.pk, "unit": unit.code, "role": role},
        )
    forget_scope(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: Actor, assignment: RoleAssignment) -> None:
    if actor is not None and not can_grant_role(actor, assignment.unit):
        raise PermissionDenied()
    before = {"user": assignment.user_id, "unit": assignment.unit.code, "role": assignment.role}
    audit_record(actor=actor, action="organisation.role_revoke", target=assignment, unit=assignment.unit, before=before)
    assignment.delete()
    forget_scope(assignment.user)
