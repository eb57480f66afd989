"""Reads of campaigns: those the actor's units lead or take part in, and a campaign's results by unit
(rings dismantled, persons arrested, exhibits seized) counted over the tagged incidents the actor may see."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from precinct.core.actors import Actor
from precinct.core.errors import NotFound, PermissionDenied
from precinct.incidents.models import Arrest, Campaign, CampaignIncident, Exhibit
from precinct.incidents.permissions import INCIDENT_ROLES, can_view_incidents
from precinct.incidents.selectors import visible_incidents
from precinct.organisation.models import Unit
from precinct.organisation.scoping import restrict


def campaign_list(*, actor: Actor) -> QuerySet[Campaign]:
    if not can_view_incidents(actor):
        raise PermissionDenied()
    campaigns = Campaign.objects.select_related("lead_unit")
    ids = (
        restrict(campaigns, actor, "unit_path", INCIDENT_ROLES)
        | restrict(campaigns, actor, "participants__unit_path", INCIDENT_ROLES)
    ).values("pk")
    return campaigns.filter(pk__in=ids).order_by("-starts_on", "pk")


def campaign_get(*, actor: Actor, campaign_id: int) -> Campaign:
    campaign = campaign_list(actor=actor).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound()
    return campaign


@dataclass
class UnitResult:
    unit: Unit
    incidents: int = 0
    rings: int = 0
    arrested: int = 0
    exhibits: int = 0
    exhibits_value: int = 0


@dataclass
class CampaignResults:
    campaign: Campaign
    units: list[UnitResult] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(u, name) for u in self.units)

    @property
    def totals(self) -> dict[str, int]:
        return {k: self.total(k) for k in ("incidents", "rings", "arrested", "exhibits", "exhibits_value")}


def campaign_results(*, actor: Actor, campaign: Campaign) -> CampaignResults:
    """Per handling unit: incidents counted, rings dismantled, persons arrested (distinct persons with an
    arrest in those incidents), exhibits seized and their estimated value. Only incidents the actor may see
    are counted, so a ward sees its own line and the province every line."""
    tagged = visible_incidents(actor).filter(campaign_tags__campaign=campaign).values("pk")
    rows: dict[int, dict[str, Any]] = {}
    for r in (  # type: ignore[assignment]  # three querysets' rows, read by their own keys
        CampaignIncident.objects.filter(campaign=campaign, incident__in=tagged)
        .values("incident__unit_id")
        .annotate(n=Count("pk"), rings=Count("pk", filter=Q(ring_dismantled=True)))
    ):
        rows.setdefault(r["incident__unit_id"], {}).update(incidents=r["n"], rings=r["rings"])
    for r in (  # type: ignore[assignment]
        Arrest.objects.filter(person__incident__in=tagged)
        .values("person__incident__unit_id")
        .annotate(n=Count("person", distinct=True))
    ):
        rows.setdefault(r["person__incident__unit_id"], {})["arrested"] = r["n"]  # type: ignore[misc]
    for r in (  # type: ignore[assignment]
        Exhibit.objects.filter(incident__in=tagged)
        .values("incident__unit_id")
        .annotate(n=Count("pk"), value=Sum("estimated_value"))
    ):
        rows.setdefault(r["incident__unit_id"], {}).update(exhibits=r["n"], exhibits_value=r["value"] or 0)  # type: ignore[misc]
    results = CampaignResults(campaign)
    for unit in Unit.objects.filter(pk__in=rows).order_by("name"):
        results.units.append(UnitResult(unit, **rows[unit.pk]))
    results.units.sort(key=lambda u: (-u.incidents, u.unit.name))
    return results
