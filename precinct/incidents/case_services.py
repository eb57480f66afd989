"""Writes to an incident's case file: the persons involved (by role, identified by personal ID when known),
their arrests and releases, the exhibits seized and each exhibit's custody chain. Each is one transaction with
the incident's history row (events.py) and an audit row; a person's details are read through `person_read`,
which audits the read. A custody chain only grows: a hand-over is never edited or removed."""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.accounts.personal_id import personal_id_errors
from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.countries import nationality_errors, passport_errors, passport_normalised
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.incidents import events
from precinct.incidents.models import (
    Arrest,
    Exhibit,
    ExhibitHandover,
    Incident,
    IncidentPerson,
    PersonRole,
    PersonSex,
)
from precinct.incidents.permissions import can_read_case_file, can_write_case_file

Errors = dict[str, list[Any]]
MAX_NOTE = 2000


def _text(value: str, name: str, limit: int, errors: Errors, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(name, []).append(_("This field is required."))
    elif len(value) > limit:
        errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": limit})
    return value


def _writable(actor: Actor, incident: Incident) -> Incident:
    incident = Incident.objects.select_related("unit", "investigating_unit").get(pk=incident.pk)
    if not can_write_case_file(actor, incident):
        raise PermissionDenied(_("You cannot change this incident's persons and exhibits."))
    return incident


@dataclass(frozen=True, slots=True)
class NewPerson:
    role: str
    full_name: str
    personal_id: str = ""
    date_of_birth: datetime.date | None = None
    sex: str = ""
    address: str = ""
    note: str = ""
    passport_number: str = ""  # 6 to 9 letters or digits (stored upper case), with its nationality
    nationality: str = ""  # ISO 3166-1 alpha-2, e.g. "CN"


def _passport(data: NewPerson, errors: Errors) -> tuple[str, str]:
    """The passport number (normalised: upper case, no spaces or dashes) and nationality (upper case), each
    checked; a passport needs its nationality, since the number alone names nobody."""
    passport = passport_normalised(data.passport_number)
    nationality = (data.nationality or "").strip().upper()
    if passport and (found := passport_errors(passport)):
        errors.setdefault("passport_number", []).extend(found)
    if nationality and (found := nationality_errors(nationality)):
        errors.setdefault("nationality", []).extend(found)
    elif passport and not nationality:
        errors.setdefault("nationality", []).append(_("Give the nationality of the passport (e.g. CN, KR, US)."))
    return passport, nationality


@transaction.atomic
def person_add(*, actor: Actor, incident: Incident, data: NewPerson) -> IncidentPerson:
    """A person involved in the incident, in one role (the same person in two roles is two rows)."""
    incident = _writable(actor, incident)
    errors: Errors = {}
    if data.role not in PersonRole.values:
        errors.setdefault("role", []).append(_("Choose one of the listed values."))
    name = _text(data.full_name, "full_name", 150, errors, required=True)
    address = _text(data.address, "address", 255, errors)
    note = _text(data.note, "note", MAX_NOTE, errors)
    if data.sex and data.sex not in PersonSex.values:
        errors.setdefault("sex", []).append(_("Choose one of the listed values."))
    if data.date_of_birth is not None and data.date_of_birth > timezone.localdate():
        errors.setdefault("date_of_birth", []).append(_("This is in the future."))
    number = (data.personal_id or "").strip()
    if number:
        found = personal_id_errors(number, date_of_birth=data.date_of_birth, sex=data.sex or None)
        if found:
            errors.setdefault("personal_id", []).extend(found)
        elif IncidentPerson.objects.filter(incident=incident, personal_id=number, role=data.role).exists():
            errors.setdefault("personal_id", []).append(_("This person is already recorded in this role."))
    passport, nationality = _passport(data, errors)
    if (
        passport
        and "passport_number" not in errors
        and "nationality" not in errors
        and IncidentPerson.objects.filter(
            incident=incident, passport_number=passport, nationality=nationality, role=data.role
        ).exists()
    ):
        errors.setdefault("passport_number", []).append(_("This person is already recorded in this role."))
    if errors:
        raise ValidationFailed(errors)
    person = IncidentPerson.objects.create(
        incident=incident,
        role=data.role,
        full_name=name,
        personal_id=number,
        passport_number=passport,
        nationality=nationality,
        date_of_birth=data.date_of_birth,
        sex=data.sex,
        address=address,
        note=note,
        added_at=timezone.now(),
        added_by=events.person(actor),
    )
    events.person_added_event(incident, actor=actor, person=person)
    # The audit row names the person by row and role only: no name or number in the chain.
    audit_record(
        actor=actor,
        action="incidents.person_add",
        target=person,
        unit=incident.unit,
        after={"incident": incident.pk, "role": person.role, "identified": bool(number or passport)},
    )
    return person


@transaction.atomic
def person_read(*, actor: Actor, person: IncidentPerson, purpose: str = "page") -> IncidentPerson:
    """Open a person's details (personal ID, date of birth, address, note, arrests): allowed readers only,
    every opening audited. The selectors hand out the person; this is the only door to the details."""
    if not can_read_case_file(actor, person.incident):
        raise PermissionDenied()
    audit_record(
        actor=actor,
        action="incidents.person_read",
        target=person,
        unit=person.incident.unit,
        after={"incident": person.incident_id, "via": purpose},
    )
    return person


@transaction.atomic
def person_list_read(*, actor: Actor, incident: Incident) -> list[IncidentPerson]:
    """The persons involved in an incident, by role and name (the case-file page, the API's list): one
    audit row per reading that shows anyone, naming who was shown."""
    from precinct.incidents.case_selectors import person_list

    persons = list(person_list(actor=actor, incident=incident))
    if persons:
        audit_record(
            actor=actor,
            action="incidents.person_list_read",
            target=incident,
            unit=incident.unit,
            after={"persons": [p.pk for p in persons]},
        )
    return persons


def _locked_person(actor: Actor, person: IncidentPerson) -> IncidentPerson:
    person = IncidentPerson.objects.select_for_update(of=("self",)).select_related("incident").get(pk=person.pk)
    _writable(actor, person.incident)
    return person


def _date_check(value: datetime.date | None, name: str, errors: Errors, *, not_before: datetime.date) -> None:
    if value is None:
        errors.setdefault(name, []).append(_("Give the date."))
    elif value > timezone.localdate():
        errors.setdefault(name, []).append(_("This is in the future."))
    elif value < not_before:
        errors.setdefault(name, []).append(_("This is before the incident happened."))


def _incident_day(incident: Incident) -> datetime.date:
    return timezone.localdate(incident.occurred_at or incident.received_at)


@transaction.atomic
def person_arrest(*, actor: Actor, person: IncidentPerson, arrested_on: datetime.date | None, grounds: str) -> Arrest:
    """The person is arrested or detained (one open arrest at a time)."""
    person = _locked_person(actor, person)
    errors: Errors = {}
    _date_check(arrested_on, "arrested_on", errors, not_before=_incident_day(person.incident))
    grounds = _text(grounds, "grounds", 255, errors)
    if person.arrests.filter(released_on__isnull=True).exists():
        errors.setdefault("arrested_on", []).append(_("This person is already in custody: record the release first."))
    elif arrested_on and person.arrests.filter(released_on__gt=arrested_on).exists():
        errors.setdefault("arrested_on", []).append(_("This is before the person's last release."))
    if errors:
        raise ValidationFailed(errors)
    assert arrested_on is not None
    arrest = Arrest.objects.create(
        person=person,
        arrested_on=arrested_on,
        grounds=grounds,
        recorded_at=timezone.now(),
        recorded_by=events.person(actor),
    )
    events.arrest_event(person.incident, actor=actor, person=person, arrested_on=arrested_on)
    audit_record(
        actor=actor,
        action="incidents.person_arrest",
        target=person,
        unit=person.incident.unit,
        after={"arrest": arrest.pk, "arrested_on": arrested_on.isoformat()},
    )
    return arrest


@transaction.atomic
def person_release(*, actor: Actor, person: IncidentPerson, released_on: datetime.date | None, reason: str) -> Arrest:
    """The person in custody is released (closes the open arrest)."""
    person = _locked_person(actor, person)
    arrest = person.arrests.filter(released_on__isnull=True).first()
    if arrest is None:
        raise DomainError("not_in_custody", _("This person is not in custody."), status=409)
    errors: Errors = {}
    _date_check(released_on, "released_on", errors, not_before=arrest.arrested_on)
    reason = _text(reason, "reason", 255, errors, required=True)
    if errors:
        raise ValidationFailed(errors)
    assert released_on is not None
    arrest.released_on, arrest.release_reason = released_on, reason
    arrest.save(update_fields=["released_on", "release_reason"])
    events.release_event(person.incident, actor=actor, person=person, released_on=released_on)
    audit_record(
        actor=actor,
        action="incidents.person_release",
        target=person,
        unit=person.incident.unit,
        after={"arrest": arrest.pk, "released_on": released_on.isoformat()},
    )
    return arrest


# --- exhibits -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewExhibit:
    description: str
    quantity: Any
    measure: str
    stored_at: str
    estimated_value: Any = None
    seized_at: datetime.datetime | None = None  # None: now


def _quantity(value: Any, errors: Errors) -> Decimal | None:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        errors.setdefault("quantity", []).append(_("Enter a number."))
        return None
    if not number.is_finite() or number <= 0 or number >= Decimal("1e11"):
        errors.setdefault("quantity", []).append(_("Enter a quantity greater than zero."))
        return None
    if number != number.quantize(Decimal("0.001")):
        errors.setdefault("quantity", []).append(_("At most three decimals."))
        return None
    return number


def _value(value: Any, errors: Errors) -> int | None:
    if value in (None, ""):
        return None
    text = str(value).strip().replace(".", "").replace(",", "").replace(" ", "")
    if not text.isdigit() or len(text) > 15:
        errors.setdefault("estimated_value", []).append(_("Enter a whole number of đồng, zero or more."))
        return None
    return int(text)


@transaction.atomic
def exhibit_seize(*, actor: Actor, incident: Incident, data: NewExhibit) -> Exhibit:
    """An exhibit seized in the incident, and where it is first stored (the custody chain starts there)."""
    incident = _writable(actor, incident)
    now = timezone.now()
    errors: Errors = {}
    description = _text(data.description, "description", 500, errors, required=True)
    measure = _text(data.measure, "measure", 20, errors, required=True)
    stored_at = _text(data.stored_at, "stored_at", 255, errors, required=True)
    quantity = _quantity(data.quantity, errors)
    value = _value(data.estimated_value, errors)
    seized_at = data.seized_at or now
    if seized_at > now + datetime.timedelta(minutes=5):
        errors.setdefault("seized_at", []).append(_("This is in the future."))
    elif incident.occurred_at is not None and seized_at < incident.occurred_at:
        errors.setdefault("seized_at", []).append(_("This is before the incident happened."))
    if errors:
        raise ValidationFailed(errors)
    assert quantity is not None
    exhibit = Exhibit.objects.create(
        incident=incident,
        description=description,
        quantity=quantity,
        measure=measure,
        estimated_value=value,
        seized_at=seized_at,
        stored_at=stored_at,
        recorded_at=now,
        recorded_by=events.person(actor),
    )
    events.exhibit_seized_event(incident, actor=actor, exhibit=exhibit)
    audit_record(
        actor=actor,
        action="incidents.exhibit_seize",
        target=exhibit,
        unit=incident.unit,
        after={
            "incident": incident.pk,
            "description": description,
            "quantity": str(quantity),
            "measure": measure,
            "estimated_value": value,
            "stored_at": stored_at,
        },
    )
    return exhibit


@transaction.atomic
def exhibit_hand_over(
    *, actor: Actor, exhibit: Exhibit, to_holder: str, at: datetime.datetime | None, reason: str
) -> ExhibitHandover:
    """Append one hand-over to the exhibit's custody chain: from whoever holds it now (the chain's last
    receiver, or the store it was seized into) to `to_holder`, at `at` (not before the previous hand-over,
    not in the future), for `reason`. The exhibit row is locked, so two hand-overs never take one number."""
    exhibit = Exhibit.objects.select_for_update(of=("self",)).select_related("incident").get(pk=exhibit.pk)
    _writable(actor, exhibit.incident)
    now = timezone.now()
    errors: Errors = {}
    to_holder = _text(to_holder, "to_holder", 255, errors, required=True)
    reason = _text(reason, "reason", 500, errors, required=True)
    last = exhibit.handovers.order_by("-sequence").first()
    at = at or now
    if at > now + datetime.timedelta(minutes=5):
        errors.setdefault("at", []).append(_("This is in the future."))
    elif at < (last.at if last else exhibit.seized_at):
        errors.setdefault("at", []).append(_("A hand-over cannot come before the previous one (or the seizure)."))
    if to_holder and to_holder == exhibit.stored_at:
        errors.setdefault("to_holder", []).append(_("The exhibit is already there."))
    if errors:
        raise ValidationFailed(errors)
    handover = ExhibitHandover(
        exhibit=exhibit,
        sequence=(last.sequence if last else 0) + 1,
        from_holder=exhibit.stored_at,
        to_holder=to_holder,
        at=at,
        reason=reason,
        recorded_at=now,
        recorded_by=events.person(actor),
    )
    handover.save()
    exhibit.stored_at = to_holder
    exhibit.save(update_fields=["stored_at"])
    events.handover_event(exhibit.incident, actor=actor, exhibit=exhibit, handover=handover)
    audit_record(
        actor=actor,
        action="incidents.exhibit_hand_over",
        target=exhibit,
        unit=exhibit.incident.unit,
        before={"stored_at": handover.from_holder},
        after={"sequence": handover.sequence, "stored_at": to_holder, "at": at.isoformat(), "reason": reason},
    )
    return handover
