"""Manual corrections of a person's record (issue 18: four eyes). An officer who manages the ward asks for a
change with a reason; a second officer of the ward approves (the change is applied then, in the same
transaction) or rejects with a note. The officer who asked can decide neither (the service refuses, and a check
constraint refuses it in the database too). Each step is audited; an approval whose "before" no longer matches
the record (someone changed it meanwhile) is refused rather than overwriting."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.accounts.actors import as_user
from precinct.accounts.personal_id import personal_id_errors
from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.core.text import fold
from precinct.residence import permissions
from precinct.residence.models import CorrectionRequest, CorrectionStatus, Person, PersonStatus, SexChoices

CORRECTABLE = ("full_name", "personal_id", "date_of_birth", "sex", "place_of_origin", "ethnicity", "status")


def _value(person: Person, name: str) -> str:
    value = getattr(person, name)
    return value.isoformat() if isinstance(value, datetime.date) else (value or "")


def _parse_date(text: str) -> datetime.date | None:
    """ISO (yyyy-mm-dd, the date input's) or dd/mm/yyyy (what people type and see)."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _normalised(values: dict[str, Any]) -> tuple[dict[str, str], dict[str, list[Any]]]:
    clean: dict[str, str] = {}
    errors: dict[str, list[Any]] = {}
    for name, raw in values.items():
        if name not in CORRECTABLE:
            errors[name] = [_("This field cannot be corrected here.")]
            continue
        text = " ".join(str(raw if raw is not None else "").split())
        if name == "date_of_birth" and text:
            parsed = _parse_date(text)
            if parsed is None or parsed > timezone.localdate() or parsed.year < 1900:
                errors[name] = [_("Give a possible date of birth as dd/mm/yyyy.")]
                continue
            text = parsed.isoformat()
        if name == "sex" and text not in ("", *SexChoices.values):
            errors[name] = [_("Choose male or female.")]
        if name == "status" and text not in PersonStatus.values:
            errors[name] = [_("Choose living, deceased or missing.")]
        if name == "full_name" and not text:
            errors[name] = [_("Give the full name.")]
        clean[name] = text
    return clean, errors


def _check_result(person: Person, after: dict[str, str]) -> dict[str, list[Any]]:
    """The record as it would be after the change must pass the personal ID rules and stay unique."""
    personal_id = after.get("personal_id", person.personal_id)
    dob_text = after.get("date_of_birth", _value(person, "date_of_birth"))
    dob = datetime.date.fromisoformat(dob_text) if dob_text else None
    sex = after.get("sex", person.sex)
    if not personal_id:
        return {}
    if problems := personal_id_errors(personal_id, date_of_birth=dob, sex=sex):
        return {"personal_id": list(problems)}
    if Person.objects.filter(personal_id=personal_id).exclude(pk=person.pk).exists():
        return {"personal_id": [_("This personal identification number is already in the register.")]}
    return {}


@transaction.atomic
def correction_request(*, actor: Actor, person: Person, values: dict[str, Any], reason: str) -> CorrectionRequest:
    """Ask for a correction of the person's record; nothing changes until a second officer approves."""
    if not permissions.can_manage_register(actor, person.unit):
        raise PermissionDenied(_("You may not change the register of this ward."))
    user = as_user(actor)
    if user is None:
        raise PermissionDenied(_("You may not change the register of this ward."))
    clean, errors = _normalised(values)
    changes = {
        name: {"before": _value(person, name), "after": value}
        for name, value in clean.items()
        if value != _value(person, name)
    }
    if not reason.strip():
        errors["reason"] = [_("Say why the record must change.")]
    if not changes and not errors:
        errors["__all__"] = [_("Nothing would change: give at least one new value.")]
    if not errors:
        errors.update(_check_result(person, {k: v["after"] for k, v in changes.items()}))
    if errors:
        raise ValidationFailed(errors)
    correction = CorrectionRequest.objects.create(
        person=person,
        unit=person.unit,
        unit_path=person.unit_path,
        changes=changes,
        reason=reason.strip(),
        requested_by=user,
        requested_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="residence.correction_request",
        target=correction,
        unit=person.unit,
        after={"person": person.pk, "changes": changes, "reason": correction.reason},
    )
    return correction


def _decidable(actor: Actor, correction: CorrectionRequest) -> CorrectionRequest:
    locked = CorrectionRequest.objects.select_for_update().select_related("unit", "person").get(pk=correction.pk)
    if not permissions.can_manage_register(actor, locked.unit):
        raise PermissionDenied(_("You may not change the register of this ward."))
    if actor is not None and actor.pk == locked.requested_by_id:
        raise DomainError(
            "four_eyes",
            _("A second officer must decide: you asked for this correction yourself."),
            status=403,
        )
    if locked.status != CorrectionStatus.PENDING:
        raise DomainError("already_decided", _("This correction has already been decided."), status=409)
    return locked


@transaction.atomic
def correction_approve(*, actor: Actor, correction: CorrectionRequest, note: str = "") -> CorrectionRequest:
    """A second officer approves: the person's record changes as asked, in this transaction."""
    locked = _decidable(actor, correction)
    person = Person.objects.select_for_update().get(pk=locked.person_id)
    moved = [name for name, change in locked.changes.items() if _value(person, name) != change["before"]]
    if moved:
        raise DomainError(
            "record_changed",
            _("The record has changed since the correction was asked; ask again from the record as it is now."),
            status=409,
        )
    after = {name: change["after"] for name, change in locked.changes.items()}
    if errors := _check_result(person, after):
        raise ValidationFailed(errors)
    for name, value in after.items():
        setattr(person, name, datetime.date.fromisoformat(value) if name == "date_of_birth" and value else value)
        if name == "date_of_birth" and not value:
            person.date_of_birth = None
    person.name_folded = fold(person.full_name)
    person.verified_on = timezone.localdate()
    person.save(update_fields=[*after, "name_folded", "verified_on"])
    locked.status = CorrectionStatus.APPROVED
    locked.decided_by = as_user(actor)
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action="residence.correction_approve",
        target=person,
        unit=locked.unit,
        before={name: change["before"] for name, change in locked.changes.items()},
        after={**after, "correction": locked.pk, "requested_by": locked.requested_by_id},
    )
    return locked


@transaction.atomic
def correction_reject(*, actor: Actor, correction: CorrectionRequest, note: str) -> CorrectionRequest:
    """A second officer rejects, saying why; the record is left as it is."""
    if not note.strip():
        raise ValidationFailed({"note": [_("Say why the correction is rejected.")]})
    locked = _decidable(actor, correction)
    locked.status = CorrectionStatus.REJECTED
    locked.decided_by = as_user(actor)
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action="residence.correction_reject",
        target=locked,
        unit=locked.unit,
        after={"note": locked.decision_note},
    )
    return locked
