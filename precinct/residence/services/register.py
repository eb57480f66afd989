"""Writes to the register: persons, households, residence records (by dossier or import), duplicate decisions.
Each runs in one transaction with its audit row."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.accounts.personal_id import personal_id_errors
from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.core.text import fold
from precinct.eservices.models import Dossier
from precinct.organisation.models import Unit
from precinct.residence import changes, events, permissions
from precinct.residence.models import (
    Basis,
    Household,
    HouseholdMember,
    NotDuplicate,
    Person,
    Relation,
    ResidenceKind,
    ResidenceRecord,
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not change the register of this ward."))


@transaction.atomic
def person_create(
    *,
    actor: Actor,
    unit: Unit,
    full_name: str,
    personal_id: str = "",
    date_of_birth: datetime.date | None = None,
    sex: str = "",
    place_of_origin: str = "",
    ethnicity: str = "",
    nationality: str = "VN",
    check: bool = True,
) -> Person:
    """A person in the ward's register. `check=False` is for imports that keep flawed rows for the quality
    work queue (the ID is still refused if another person holds it)."""
    if actor is not None:
        _require(permissions.can_manage_register(actor, unit))
    full_name = " ".join(full_name.split())
    errors: dict[str, list[Any]] = {}
    if not full_name:
        errors["full_name"] = [_("Give the full name.")]
    if personal_id and check and (problems := personal_id_errors(personal_id, date_of_birth=date_of_birth, sex=sex)):
        errors["personal_id"] = problems
    if personal_id and Person.objects.filter(personal_id=personal_id).exists():
        errors["personal_id"] = [_("This personal identification number is already in the register.")]
    if errors:
        raise ValidationFailed(errors)
    person = Person.objects.create(
        personal_id=personal_id,
        full_name=full_name,
        name_folded=fold(full_name),
        date_of_birth=date_of_birth,
        sex=sex,
        place_of_origin=place_of_origin,
        ethnicity=ethnicity,
        nationality=nationality,
        unit=unit,
        unit_path=unit.path,
        verified_on=timezone.localdate(),
    )
    audit_record(actor=actor, action="residence.person_create", target=person, unit=unit, after={"name": full_name})
    return person


@transaction.atomic
def household_create(
    *, actor: Actor, unit: Unit, street: str, number: str, head: Person, members: Sequence[tuple[Person, str]] = ()
) -> Household:
    """A household at an address with its head and members (person, relation to the head)."""
    if actor is not None:
        _require(permissions.can_manage_register(actor, unit))
    if not street.strip():
        raise ValidationFailed({"street": [_("Give the street or hamlet.")]})
    household = Household.objects.create(
        unit=unit, unit_path=unit.path, street=street.strip(), number=number, head=head
    )
    HouseholdMember.objects.create(household=household, person=head, relation=Relation.HEAD)
    for person, relation in members:
        if relation == Relation.HEAD:
            raise ValidationFailed({"members": [_("A household has one head.")]})
        HouseholdMember.objects.create(household=household, person=person, relation=relation)
    audit_record(
        actor=actor,
        action="residence.household_create",
        target=household,
        unit=unit,
        after={"address": str(household), "head": head.pk, "members": [p.pk for p, _r in members]},
    )
    return household


def _current_permanent(person: Person) -> ResidenceRecord | None:
    return (
        ResidenceRecord.objects.select_for_update()
        .select_related("unit")
        .filter(person=person, kind=ResidenceKind.PERMANENT, is_current=True)
        .first()
    )


def _end(
    record: ResidenceRecord, *, actor: Actor, on: datetime.date, reason: str, dossier: Dossier | None = None
) -> None:
    record.is_current = False
    record.ended_on = on
    record.save(update_fields=["is_current", "ended_on"])
    events.ended_event(record, actor=actor, reason=reason, dossier=dossier)


@transaction.atomic
def residence_register(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    unit: Unit,
    address: str,
    start: datetime.date,
    end: datetime.date | None = None,
    household: Household | None = None,
    dossier: Dossier | None = None,
) -> ResidenceRecord:
    """A residence record on a legal basis: the dossier whose result it is, or else an import. A new permanent
    residence ends the current one (the database refuses two)."""
    if actor is not None and dossier is None:
        _require(permissions.can_manage_register(actor, unit))
    errors: dict[str, list[Any]] = {}
    if not address.strip():
        errors["address"] = [_("Give the address.")]
    if kind == ResidenceKind.TEMPORARY and end is None:
        errors["end"] = [_("A temporary residence needs an end date.")]
    if end is not None and end < start:
        errors["end"] = [_("The end date is before the start date.")]
    if errors:
        raise ValidationFailed(errors)
    before = None
    if kind == ResidenceKind.PERMANENT and (current := _current_permanent(person)) is not None:
        before = events.record_state(current)
        _end(current, actor=actor, on=start, reason="moved", dossier=dossier)
    record = ResidenceRecord.objects.create(
        person=person,
        kind=kind,
        unit=unit,
        unit_path=unit.path,
        household=household,
        address=address.strip(),
        start=start,
        end=end,
        basis=Basis.DOSSIER if dossier is not None else Basis.IMPORT,
        dossier=dossier,
    )
    if kind == ResidenceKind.PERMANENT and person.unit_id != unit.pk:
        person.unit, person.unit_path = unit, unit.path  # the ward of permanent residence keeps the record
        person.save(update_fields=["unit", "unit_path"])
    events.registered_event(record, actor=actor, before=before, dossier=dossier)
    audit_record(
        actor=actor,
        action="residence.record_register",
        target=record,
        unit=unit,
        before=before,
        after=events.record_state(record),
    )
    return record


def _person_for_applicant(dossier: Dossier) -> Person:
    applicant = dossier.applicant
    personal_id = getattr(applicant, "personal_id", "") or ""
    if not personal_id:
        raise DomainError(
            "residence_no_personal_id",
            _("The register cannot change: the applicant has no personal identification number."),
            status=409,
        )
    person = Person.objects.filter(personal_id=personal_id).first()
    if person is None:
        person = person_create(
            actor=None,
            unit=dossier.unit,
            full_name=applicant.full_name or applicant.username,
            personal_id=personal_id,
            date_of_birth=applicant.date_of_birth,
            sex=applicant.sex,
            check=False,
        )
    return person


def dossier_apply(*, actor: Actor, dossier: Dossier, code: str) -> ResidenceRecord | None:
    """Apply a residence dossier's result to the register, inside the dossier's transaction (called by the
    dossier_changed receiver on `issue_result`). A form that does not fit the change refuses the action."""
    plan = changes.plan_for(code, dossier.form_data, timezone.localdate())
    if plan is None:
        return None
    with transaction.atomic():
        person = _person_for_applicant(dossier)
        if plan.operation == changes.REGISTER:
            try:
                return residence_register(
                    actor=actor,
                    person=person,
                    kind=plan.kind,
                    unit=dossier.unit,
                    address=plan.address,
                    start=plan.start,
                    end=plan.end,
                    dossier=dossier,
                )
            except ValidationFailed as exc:
                raise DomainError(
                    "residence_form_unfit",
                    _("The register cannot change as the dossier asks: %(reason)s")
                    % {"reason": "; ".join(str(m) for ms in exc.fields.values() for m in ms)},
                    status=409,
                ) from exc
        record = (
            ResidenceRecord.objects.select_for_update()
            .select_related("unit")
            .filter(person=person, kind=plan.kind, is_current=True)
            .filter(**({"unit": dossier.unit} if plan.operation == changes.EXTEND else {}))
            .first()
        )
        if record is None:
            if plan.operation == changes.EXTEND and plan.end is not None:
                # No temporary residence on file here (registered before the register existed): the extension's
                # result is the legal basis for one until the new date.
                return residence_register(
                    actor=actor,
                    person=person,
                    kind=ResidenceKind.TEMPORARY,
                    unit=dossier.unit,
                    address=plan.address,
                    start=plan.start,
                    end=plan.end,
                    dossier=dossier,
                )
            return None  # nothing on file to deregister: the result stands, the register has nothing to end
        before = events.record_state(record)
        if plan.operation == changes.EXTEND:
            previous = str(record.end)
            record.end = plan.end
            record.save(update_fields=["end"])
            events.extended_event(record, actor=actor, previous_end=previous, dossier=dossier)
        else:
            _end(record, actor=actor, on=plan.start, reason="deregistered", dossier=dossier)
        audit_record(
            actor=actor,
            action=f"residence.record_{plan.operation}",
            target=record,
            unit=dossier.unit,
            before=before,
            after={**(events.record_state(record) or {}), "is_current": record.is_current, "dossier": dossier.code},
        )
        return record


@transaction.atomic
def not_duplicate_mark(*, actor: Actor, first: Person, second: Person) -> NotDuplicate:
    """An officer confirms two records are different people: the pair leaves the duplicate list."""
    _require(permissions.can_manage_register(actor, first.unit) and permissions.can_manage_register(actor, second.unit))
    a, b = sorted((first, second), key=lambda p: p.pk)
    try:
        with transaction.atomic():
            mark = NotDuplicate.objects.create(
                first=a, second=b, unit_path=a.unit_path, by_id=actor.pk if actor else None
            )
    except IntegrityError as exc:
        raise DomainError(
            "already_marked", _("These records are already marked as different people."), status=409
        ) from exc
    audit_record(
        actor=actor, action="residence.not_duplicate", target=a, unit=a.unit, after={"first": a.pk, "second": b.pk}
    )
    return mark
