"""The register's JSON API: scoped reads for officers; guests' stays posted by establishments with their key."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.responses import Status
from ninja.security import APIKeyHeader

from precinct.core.api_support import signed_in
from precinct.core.api_types import Id
from precinct.core.errors import ValidationFailed
from precinct.core.openapi import declares
from precinct.residence import selectors, services
from precinct.residence.models import CorrectionRequest, Establishment, Household, Person, Stay

router = Router(tags=["residence"])


class EstablishmentKey(APIKeyHeader):
    """`X-Establishment-Key: est_…`: the key given when the hotel or homestay was registered to its ward."""

    param_name = "X-Establishment-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Establishment | None:
        return selectors.establishment_by_key(key) if key else None


class PersonOut(Schema):
    id: int
    personal_id: str
    full_name: str
    date_of_birth: datetime.date | None
    sex: str
    status: str
    ward: str

    @staticmethod
    def resolve_ward(obj: Person) -> str:
        return obj.unit.code


class StayIn(Schema):
    stay_id: str
    event: str = "arrival"
    full_name: str = ""
    personal_id: str = ""
    passport_number: str = ""
    nationality: str = "VN"
    date_of_birth: str = ""
    sex: str = ""
    arrival: str = ""
    expected_departure: str = ""
    departed_at: str = ""


class StaysIn(Schema):
    stays: list[StayIn]


class StaysOut(Schema):
    accepted: list[str]
    repeated: list[str]
    refused: list[dict[str, Any]]


class StayOut(Schema):
    stay_id: str
    establishment: str
    guest_name: str
    personal_id: str
    passport_number: str
    nationality: str
    arrival: datetime.datetime
    expected_departure: datetime.date | None

    @staticmethod
    def resolve_establishment(obj: Stay) -> str:
        return obj.establishment.name


class QualityOut(Schema):
    ward: str
    persons: int
    completeness: Decimal | None
    validity: Decimal | None
    uniqueness: Decimal | None
    timeliness: Decimal | None
    consistency: Decimal | None = None
    duplicate_candidates: int
    expired_temporary: int
    consistency_findings: int = 0


@router.get("/residence/persons", response=list[PersonOut], auth=signed_in)
def person_list(request: HttpRequest, q: str = "") -> list[Person]:
    """Residents of the wards the caller reaches (a name, accents optional, or a personal ID number)."""
    return list(selectors.person_list(actor=request.user, q=q)[:200])


@router.get("/residence/persons/{pk}", response=PersonOut, auth=signed_in)
def person_get(request: HttpRequest, pk: Id) -> Person:
    """One resident's record; the read is audited."""
    return services.person_read(
        actor=request.user, person=selectors.person_get(actor=request.user, pk=pk), purpose="api"
    )


@router.post("/residence/stays", response=StaysOut, auth=EstablishmentKey())
def stays_post(request: HttpRequest, body: StaysIn) -> dict[str, Any]:
    """An establishment reports guests' arrivals and departures (one or many). Each good row is stored once
    (keyed by the establishment's stay id and the event; a repeat is answered in `repeated`); bad rows are
    refused one by one in `refused` with their reasons, the others kept."""
    establishment: Establishment = request.auth  # type: ignore[attr-defined]
    rows = [row.dict() for row in body.stays]
    return services.stay_notices_receive(establishment=establishment, rows=rows)


@router.get("/residence/stays/current", response=list[StayOut], auth=signed_in)
def stays_current(request: HttpRequest) -> list[Stay]:
    """Guests staying now in the wards the caller reaches."""
    return list(selectors.stays_current(actor=request.user)[:500])


@router.get("/residence/quality/{unit_code}", response=QualityOut, auth=signed_in)
def quality_get(request: HttpRequest, unit_code: str) -> dict[str, Any]:
    unit, report = selectors.ward_quality(actor=request.user, code=unit_code)
    return {
        "ward": unit.code,
        "persons": report.persons,
        "completeness": report.completeness,
        "validity": report.validity,
        "uniqueness": report.uniqueness,
        "timeliness": report.timeliness,
        "consistency": report.consistency,
        "duplicate_candidates": report.duplicate_count,
        "expired_temporary": report.expired_count,
        "consistency_findings": report.consistency_count,
    }


class CorrectionIn(Schema):
    values: dict[str, str]
    reason: str


class DecisionIn(Schema):
    note: str = ""


class CorrectionOut(Schema):
    id: int
    person: int
    ward: str
    changes: dict[str, dict[str, str]]
    reason: str
    status: str
    requested_by: str
    decided_by: str | None
    decision_note: str

    @staticmethod
    def resolve_person(obj: CorrectionRequest) -> int:
        return obj.person_id

    @staticmethod
    def resolve_ward(obj: CorrectionRequest) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_requested_by(obj: CorrectionRequest) -> str:
        return obj.requested_by.username

    @staticmethod
    def resolve_decided_by(obj: CorrectionRequest) -> str | None:
        return obj.decided_by.username if obj.decided_by else None


@router.get("/residence/corrections", response=list[CorrectionOut], auth=signed_in)
def correction_list(request: HttpRequest) -> list[CorrectionRequest]:
    """Corrections waiting for a second officer in the wards the caller reads."""
    return list(selectors.correction_list(actor=request.user)[:200])


@router.post(
    "/residence/persons/{pk}/corrections",
    response={201: CorrectionOut},
    auth=signed_in,
    openapi_extra=declares(409),
)
def correction_request(request: HttpRequest, pk: Id, body: CorrectionIn) -> Status[CorrectionRequest]:
    """Ask for a correction of a person's record, with a reason; a second officer approves it."""
    person = selectors.person_get(actor=request.user, pk=pk)
    return Status(
        201, services.correction_request(actor=request.user, person=person, values=body.values, reason=body.reason)
    )


@router.post("/residence/corrections/{pk}/approve", response=CorrectionOut, auth=signed_in, openapi_extra=declares(409))
def correction_approve(request: HttpRequest, pk: Id, body: DecisionIn) -> CorrectionRequest:
    """A second officer approves: the record changes now (never the officer who asked: 403 four_eyes)."""
    found = selectors.correction_get(actor=request.user, pk=pk)
    return services.correction_approve(actor=request.user, correction=found, note=body.note)


@router.post("/residence/corrections/{pk}/reject", response=CorrectionOut, auth=signed_in, openapi_extra=declares(409))
def correction_reject(request: HttpRequest, pk: Id, body: DecisionIn) -> CorrectionRequest:
    """A second officer rejects with a note; the record stays as it is."""
    found = selectors.correction_get(actor=request.user, pk=pk)
    return services.correction_reject(actor=request.user, correction=found, note=body.note)


class SplitIn(Schema):
    members: list[Id]
    head: Id
    street: str
    number: str = ""


class JoinIn(Schema):
    personal_id: str
    relation: str


class HouseholdOut(Schema):
    id: int
    ward: str
    street: str
    number: str
    head: int | None
    members: dict[str, str]

    @staticmethod
    def resolve_ward(obj: Household) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_head(obj: Household) -> int | None:
        return obj.head_id

    @staticmethod
    def resolve_members(obj: Household) -> dict[str, str]:
        return {str(m.person_id): m.relation for m in obj.members.all()}


@router.post("/residence/households/{pk}/split", response={201: HouseholdOut}, auth=signed_in)
def household_split(request: HttpRequest, pk: Id, body: SplitIn) -> Status[Household]:
    """Members (person ids) leave the household to form a new one at an address, `head` at its head."""
    found = selectors.household_get(actor=request.user, pk=pk)
    by_id = {m.person_id: m.person for m in found.members.all()}
    members = [by_id[i] for i in body.members if i in by_id]
    head = by_id.get(body.head)
    if head is None:
        raise ValidationFailed({"head": [_("The new head must be one of the members who leave.")]})
    new = services.household_split(
        actor=request.user, household=found, members=members, head=head, street=body.street, number=body.number
    )
    return Status(201, selectors.household_get(actor=request.user, pk=new.pk))


@router.post("/residence/households/{pk}/join", response=HouseholdOut, auth=signed_in)
def household_join(request: HttpRequest, pk: Id, body: JoinIn) -> Household:
    """A resident of the household's ward, named by personal ID number, joins it with a relation to the head."""
    found = selectors.household_get(actor=request.user, pk=pk)
    person = selectors.person_list(actor=request.user, unit=found.unit).filter(personal_id=body.personal_id).first()
    if person is None:
        raise ValidationFailed({"personal_id": [_("No resident of this ward has this personal ID number.")]})
    services.household_join(actor=request.user, household=found, person=person, relation=body.relation)
    return selectors.household_get(actor=request.user, pk=found.pk)


from precinct.residence import quality_api  # noqa: E402, F401 (the work queue and rules endpoints, ADR 0038)
