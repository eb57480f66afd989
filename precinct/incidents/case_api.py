"""Case files over HTTP: persons involved (a person's details: an audited read), arrests and releases,
exhibits and their custody chains (hand-overs are only ever added: there is no route that changes or
removes one), and campaigns with their results."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from precinct.core.api_support import ErrorOut, signed_in
from precinct.core.api_types import Id, Int64
from precinct.core.errors import ValidationFailed
from precinct.incidents import (
    base_import,
    campaign_selectors,
    campaign_services,
    case_selectors,
    case_services,
    selectors,
)
from precinct.incidents.models import Arrest, Campaign, Exhibit, ExhibitHandover, IncidentPerson
from precinct.organisation.selectors import unit_by_code

router = Router(tags=["incidents"])


class ArrestOut(Schema):
    id: int
    arrested_on: datetime.date
    grounds: str
    released_on: datetime.date | None
    release_reason: str


class CasePersonBriefOut(Schema):
    id: int
    role: str
    full_name: str
    in_custody: bool


class CasePersonOut(CasePersonBriefOut):
    incident: str = Field(..., alias="incident.reference")
    personal_id: str
    passport_number: str
    nationality: str
    date_of_birth: datetime.date | None
    sex: str
    address: str
    note: str
    arrests: list[ArrestOut]

    @staticmethod
    def resolve_arrests(obj: IncidentPerson) -> list[Arrest]:
        return list(obj.arrests.all())


class PersonIn(Schema):
    role: str
    full_name: str
    personal_id: str = ""
    passport_number: str = Field("", description="A foreigner's passport: 6 to 9 letters or digits")
    nationality: str = Field("", description="ISO 3166-1 alpha-2 code (needed with a passport number), e.g. CN")
    date_of_birth: datetime.date | None = None
    sex: str = ""
    address: str = ""
    note: str = ""


@router.get(
    "/incidents/{int:incident_id}/persons",
    auth=signed_in,
    response={200: list[CasePersonBriefOut], 403: ErrorOut, 404: ErrorOut},
)
def person_list(request: HttpRequest, incident_id: Id) -> list[IncidentPerson]:
    """Persons involved, by role and name (audited); details one by one at /incidents/persons/{id}."""
    incident = selectors.incident_get(actor=request.user, incident_id=incident_id)
    return case_services.person_list_read(actor=request.user, incident=incident)


@router.post(
    "/incidents/{int:incident_id}/persons",
    auth=signed_in,
    response={201: CasePersonOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def person_add(request: HttpRequest, incident_id: Id, payload: PersonIn) -> Status[IncidentPerson]:
    incident = selectors.incident_get(actor=request.user, incident_id=incident_id)
    person = case_services.person_add(
        actor=request.user, incident=incident, data=case_services.NewPerson(**payload.dict())
    )
    return Status(201, person)


@router.get(
    "/incidents/persons/{int:person_id}", auth=signed_in, response={200: CasePersonOut, 403: ErrorOut, 404: ErrorOut}
)
def person_get(request: HttpRequest, person_id: Id) -> IncidentPerson:
    """A person's details: every read is audited."""
    person = case_selectors.person_get(actor=request.user, person_id=person_id)
    return case_services.person_read(actor=request.user, person=person, purpose="api")


class ArrestIn(Schema):
    arrested_on: datetime.date | None = None
    grounds: str = ""


class ReleaseIn(Schema):
    released_on: datetime.date | None = None
    reason: str = ""


@router.post(
    "/incidents/persons/{int:person_id}/arrests",
    auth=signed_in,
    response={201: ArrestOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def person_arrest(request: HttpRequest, person_id: Id, payload: ArrestIn) -> Status[Arrest]:
    person = case_selectors.person_get(actor=request.user, person_id=person_id)
    arrest = case_services.person_arrest(
        actor=request.user, person=person, arrested_on=payload.arrested_on, grounds=payload.grounds
    )
    return Status(201, arrest)


@router.post(
    "/incidents/persons/{int:person_id}/release",
    auth=signed_in,
    response={200: ArrestOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def person_release(request: HttpRequest, person_id: Id, payload: ReleaseIn) -> Arrest:
    person = case_selectors.person_get(actor=request.user, person_id=person_id)
    return case_services.person_release(
        actor=request.user, person=person, released_on=payload.released_on, reason=payload.reason
    )


class HandoverOut(Schema):
    sequence: int
    from_holder: str
    to_holder: str
    at: datetime.datetime
    reason: str
    recorded_at: datetime.datetime


class ExhibitOut(Schema):
    id: int
    reference: str
    incident: str = Field(..., alias="incident.reference")
    description: str
    quantity: Decimal
    measure: str
    estimated_value: int | None
    seized_at: datetime.datetime
    stored_at: str
    handovers: list[HandoverOut]

    @staticmethod
    def resolve_handovers(obj: Exhibit) -> list[ExhibitHandover]:
        return sorted(obj.handovers.all(), key=lambda h: h.sequence)


class ExhibitIn(Schema):
    description: str
    quantity: Decimal | str
    measure: str
    stored_at: str
    estimated_value: Int64 | None = None
    seized_at: datetime.datetime | None = None


class HandoverIn(Schema):
    to_holder: str
    reason: str
    at: datetime.datetime | None = None


@router.get(
    "/incidents/{int:incident_id}/exhibits",
    auth=signed_in,
    response={200: list[ExhibitOut], 403: ErrorOut, 404: ErrorOut},
)
def exhibit_list(request: HttpRequest, incident_id: Id) -> list[Exhibit]:
    incident = selectors.incident_get(actor=request.user, incident_id=incident_id)
    return list(case_selectors.exhibit_list(actor=request.user, incident=incident).prefetch_related("handovers"))


@router.post(
    "/incidents/{int:incident_id}/exhibits",
    auth=signed_in,
    response={201: ExhibitOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def exhibit_seize(request: HttpRequest, incident_id: Id, payload: ExhibitIn) -> Status[Exhibit]:
    incident = selectors.incident_get(actor=request.user, incident_id=incident_id)
    exhibit = case_services.exhibit_seize(
        actor=request.user, incident=incident, data=case_services.NewExhibit(**payload.dict())
    )
    return Status(201, exhibit)


@router.get(
    "/incidents/exhibits/{int:exhibit_id}", auth=signed_in, response={200: ExhibitOut, 403: ErrorOut, 404: ErrorOut}
)
def exhibit_get(request: HttpRequest, exhibit_id: Id) -> Exhibit:
    """An exhibit and its whole custody chain, oldest hand-over first."""
    return case_selectors.exhibit_get(actor=request.user, exhibit_id=exhibit_id)


@router.post(
    "/incidents/exhibits/{int:exhibit_id}/handovers",
    auth=signed_in,
    response={201: HandoverOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def exhibit_hand_over(request: HttpRequest, exhibit_id: Id, payload: HandoverIn) -> Status[ExhibitHandover]:
    """Append a hand-over (from whoever holds the exhibit now). Past hand-overs have no route: they are
    never changed or removed."""
    exhibit = case_selectors.exhibit_get(actor=request.user, exhibit_id=exhibit_id)
    handover = case_services.exhibit_hand_over(
        actor=request.user, exhibit=exhibit, to_holder=payload.to_holder, at=payload.at, reason=payload.reason
    )
    return Status(201, handover)


# --- campaigns ------------------------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    lead_unit: str = Field(..., alias="lead_unit.code")
    units: list[str]
    targets: str
    target_rings: int | None
    target_arrests: int | None

    @staticmethod
    def resolve_units(obj: Campaign) -> list[str]:
        return [p.unit.code for p in obj.participants.select_related("unit")]


class CampaignIn(Schema):
    name: str
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    lead_unit: str
    units: list[str] = []
    targets: str = ""
    target_rings: Int64 | None = None
    target_arrests: Int64 | None = None


class TagIn(Schema):
    incident: Id
    ring_dismantled: bool = False


@router.get("/incidents/campaigns", auth=signed_in, response={200: list[CampaignOut], 403: ErrorOut})
def campaign_list(request: HttpRequest) -> list[Campaign]:
    return list(campaign_selectors.campaign_list(actor=request.user))


def _units(codes: list[str], field: str) -> list[Any]:
    units = [unit_by_code(c) for c in codes]
    if any(u is None for u in units):
        raise ValidationFailed({field: [_("There is no such unit.")]})
    return units


@router.post("/incidents/campaigns", auth=signed_in, response={201: CampaignOut, 403: ErrorOut, 422: ErrorOut})
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    lead = _units([payload.lead_unit], "lead_unit")[0]
    campaign = campaign_services.campaign_create(
        actor=request.user,
        name=payload.name,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        lead_unit=lead,
        units=_units(payload.units, "units"),
        targets=payload.targets,
        target_rings=payload.target_rings,
        target_arrests=payload.target_arrests,
    )
    return Status(201, campaign)


@router.get(
    "/incidents/campaigns/{int:campaign_id}", auth=signed_in, response={200: dict, 403: ErrorOut, 404: ErrorOut}
)
def campaign_get(request: HttpRequest, campaign_id: Id) -> dict[str, Any]:
    """The campaign and its results by unit: incidents, rings dismantled, persons arrested, exhibits seized
    (over the tagged incidents the caller may see)."""
    campaign = campaign_selectors.campaign_get(actor=request.user, campaign_id=campaign_id)
    results = campaign_selectors.campaign_results(actor=request.user, campaign=campaign)
    return {
        "campaign": CampaignOut.from_orm(campaign).dict(),
        "totals": results.totals,
        "units": [
            {
                "unit": r.unit.code,
                "name": r.unit.display_name,
                "incidents": r.incidents,
                "rings": r.rings,
                "arrested": r.arrested,
                "exhibits": r.exhibits,
                "exhibits_value": r.exhibits_value,
            }
            for r in results.units
        ],
    }


@router.post(
    "/incidents/campaigns/{int:campaign_id}/incidents",
    auth=signed_in,
    response={201: dict, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def campaign_tag(request: HttpRequest, campaign_id: Id, payload: TagIn) -> Status[dict[str, Any]]:
    campaign = campaign_selectors.campaign_get(actor=request.user, campaign_id=campaign_id)
    incident = selectors.incident_get(actor=request.user, incident_id=payload.incident)
    tag = campaign_services.campaign_tag(
        actor=request.user, campaign=campaign, incident=incident, ring_dismantled=payload.ring_dismantled
    )
    return Status(
        201, {"campaign": campaign.pk, "incident": incident.reference, "ring_dismantled": tag.ring_dismantled}
    )


# --- base-period figures and the public figures ------------------------------------------------------------


class ImportOut(Schema):
    rows: int
    figures: int
    refused: list[dict[str, Any]]


@router.post(
    "/incidents/base-figures/import",
    auth=signed_in,
    response={200: ImportOut, 403: ErrorOut, 422: ErrorOut},
)
def base_figures_import(
    request: HttpRequest, file: File[UploadedFile], import_valid: Form[bool] = False
) -> dict[str, Any]:
    """Base-period counts from the XLSX template (GET /incidents/base-figures/template.xlsx, a page). Any
    refused row refuses the whole file (422, each row and reason in `error.fields.file`) unless
    `import_valid=true`: then the valid rows are written and the refused ones listed."""
    report = base_import.base_figures_import(
        actor=request.user, rows=base_import.parse_xlsx(file.read()), import_valid=import_valid
    )
    return {"rows": report.rows, "figures": report.figures, "refused": base_import.refused_report(report.refused)}


@router.get("/incidents/public", auth=None, response={200: dict})
def public_figures(request: HttpRequest, year: Int64 | None = None) -> dict[str, Any]:
    """The province's crime figures for everyone (aggregates only; ward counts from 1 to 4 suppressed)."""
    today = timezone.localdate()
    if year is not None and not 2000 <= year <= today.year:
        raise ValidationFailed({"year": [_("Enter a year between 2000 and this year.")]})
    figures = selectors.public_crime_figures(year=year or today.year)
    stats = figures.stats
    if stats is None:
        return {"groups": [], "wards": []}

    def num(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    social = stats.social_order
    return {
        "unit": stats.unit.display_name,
        "from": stats.start.isoformat(),
        "to": stats.end.isoformat(),
        "crimes": stats.crimes,
        "solve_rate": num(stats.solve_rate),
        "target": {
            "group": "social_order",
            "base_period": {"from": stats.base_from, "to": stats.base_to},
            "percent": num(stats.target_percent),
            "change_percent": num(social.change_percent) if social else None,
            "met": stats.target_met,
        },
        "groups": [
            {
                "group": g.code,
                "name": g.name,
                "crimes": g.crimes,
                "base_average": num(g.base_average),
                "change_percent": num(g.change_percent),
            }
            for g in stats.groups
        ],
        "wards": [{"name": w.name, "crimes": w.crimes, "suppressed": w.crimes is None} for w in figures.wards],
    }
