"""The register's JSON API: scoped reads for officers; guests' stays posted by establishments with their key."""

import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from ninja.security import APIKeyHeader

from precinct.core.api_support import Unauthenticated, signed_in
from precinct.core.api_types import Id
from precinct.core.errors import ValidationFailed
from precinct.core.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from precinct.core.openapi import declares
from precinct.residence import selectors, services
from precinct.residence.models import (
    CorrectionRequest,
    Establishment,
    Household,
    ImportBatch,
    ImportStatus,
    Person,
    Stay,
)

router = Router(tags=["residence"])

STAYS_SCOPE = "residence.stays_post"  # the IdempotencyRecord scope of POST /residence/stays (ADR 0042)


class EstablishmentKey(APIKeyHeader):
    """`X-Establishment-Key: est_…`: the key given when the hotel or homestay was registered to its ward."""

    param_name = "X-Establishment-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Establishment | None:
        establishment = selectors.establishment_by_key(key) if key else None
        if establishment is None:
            raise Unauthenticated(_("Send the establishment's key in the X-Establishment-Key header."))
        return establishment


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
    flagged: bool = False  # a guest the incident register looks for (only for the ward's own officers)

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


def establishment_caller(request: HttpRequest) -> str:
    """The stays' `caller=` of core's @idempotent: a key is the establishment's own (two hotels may both use
    "1")."""
    return str(request.auth.pk)  # type: ignore[attr-defined]


def stays_fingerprint(request: HttpRequest, arguments: dict[str, Any]) -> str:
    """The stays' `fingerprint=`: SHA-256 of the parsed rows as canonical JSON (method and path are the
    scope's), so a retry that re-serialises the same rows (other spacing, key order) is the same request."""
    rows = [row.dict() for row in arguments["body"].stays]
    return hashlib.sha256(json.dumps(rows, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@router.post(
    "/residence/stays",
    response=StaysOut,
    auth=EstablishmentKey(),
    openapi_extra={"parameters": [IDEMPOTENCY_KEY_PARAMETER]},
)
@idempotent(STAYS_SCOPE, caller=establishment_caller, fingerprint=stays_fingerprint)
def stays_post(request: HttpRequest, response: HttpResponse, body: StaysIn) -> dict[str, Any]:
    """An establishment reports guests' arrivals and departures (check-out: `event` = `departure`), one or many.
    Each good row is stored once (keyed by the establishment's stay id and the event; a repeat is answered in
    `repeated`); bad rows are refused one by one in `refused` with their reasons, the others kept. With an
    `Idempotency-Key` (per establishment, kept 24 h) a replay of the same rows gets the first answer with the
    header `Idempotent-Replayed: true` and stores nothing; the same key with other rows answers 422
    `idempotency_key_reused`. After 24 h the key is forgotten and the rows fall back to `repeated`."""
    establishment: Establishment = request.auth  # type: ignore[attr-defined]
    return services.stay_notices_receive(establishment=establishment, rows=[row.dict() for row in body.stays])


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


class RegisterImportOut(Schema):
    id: int
    ward: str
    file_name: str
    status: str
    only_valid: bool
    rows: int
    created: int
    unchanged: int
    errors: list[dict[str, Any]]  # the row-by-row report: {"row", "column", "message"}

    @staticmethod
    def resolve_ward(obj: ImportBatch) -> str:
        return obj.unit.code


IMPORT_MODES = ("all", "valid")


@router.post(
    "/residence/imports",
    response={200: RegisterImportOut, 201: RegisterImportOut},
    auth=signed_in,
    openapi_extra=declares(404, 409),  # 404: a ward (a form field) outside the caller's reach
)
def register_import(
    request: HttpRequest, file: File[UploadedFile], ward: Form[str], mode: Form[str] = "all"
) -> Status[ImportBatch]:
    """Import an existing register (CSV or XLSX, the columns of the export) into a ward the caller manages.
    Every row is checked: with `mode=all` (the default) a row in error refuses the whole file (200, `status`
    `refused`, nothing written but the report); with `mode=valid` only the valid rows are written (201,
    `applied`). `errors` is the report row by row. A file already applied to the ward is refused (409) and
    changes nothing; a row whose person is already in the register is counted in `unchanged`."""
    if mode not in IMPORT_MODES:
        raise ValidationFailed({"mode": [_("The mode is “all” (every row or none) or “valid” (only valid rows).")]})
    unit = selectors.ward_get(actor=request.user, code=ward)
    batch = services.register_import(
        actor=request.user, unit=unit, name=file.name or "", content=file.read(), only_valid=mode == "valid"
    )
    return Status(201 if batch.status == ImportStatus.APPLIED else 200, batch)


EXPORT_RESPONSE = {
    "responses": {
        "200": {
            "description": "The ward's residents as CSV (UTF-8 with a BOM), the columns the import reads",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


@router.get("/residence/exports/{unit_code}.csv", response={200: None}, auth=signed_in, openapi_extra=EXPORT_RESPONSE)
def register_export(request: HttpRequest, unit_code: str) -> HttpResponse:
    """The ward's residents as CSV: a leader over the ward only (403 for other readers, 404 outside their
    reach); audited with the number of rows that left."""
    unit = selectors.ward_get(actor=request.user, code=unit_code)
    body, _count = services.persons_export(actor=request.user, unit=unit)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="residents-{unit.code}.csv"'
    return response


from precinct.residence import quality_api  # noqa: E402, F401 (the work queue and rules endpoints, ADR 0038)
