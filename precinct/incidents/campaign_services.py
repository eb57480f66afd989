"""Writes for campaigns: launching one (dates, lead unit, the units taking part, targets) and tagging an
incident as one of its results (with whether it dismantled a criminal ring). Each is one transaction with
an audit row; tagging also writes the incident's history."""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.incidents import events
from precinct.incidents.case_services import Errors
from precinct.incidents.models import Campaign, CampaignIncident, CampaignUnit, Incident
from precinct.incidents.permissions import can_create_campaign, can_tag_for_campaign
from precinct.organisation.models import Unit


@transaction.atomic
def campaign_create(
    *,
    actor: Actor,
    name: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    lead_unit: Unit | None,
    units: Sequence[Unit] = (),
    targets: str = "",
    target_rings: int | None = None,
    target_arrests: int | None = None,
) -> Campaign:
    """A leader launches a campaign for their unit; the units taking part lie within the lead unit (none
    named: the lead unit alone)."""
    if not can_create_campaign(actor, lead_unit):
        raise PermissionDenied(_("Only a leader of the lead unit launches a campaign."))
    assert lead_unit is not None
    errors: Errors = {}
    name = name.strip()
    if not name or len(name) > 200:
        errors.setdefault("name", []).append(_("Give the campaign's name (at most 200 characters)."))
    if starts_on is None:
        errors.setdefault("starts_on", []).append(_("Give the date."))
    if ends_on is None:
        errors.setdefault("ends_on", []).append(_("Give the date."))
    if starts_on and ends_on and ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("The campaign ends before it starts."))
    for unit in units:
        if not unit.path.startswith(lead_unit.path) or not unit.is_active:
            errors.setdefault("units", []).append(
                _("%(unit)s is not a unit under the lead unit.") % {"unit": unit.display_name}
            )
    for key, value in (("target_rings", target_rings), ("target_arrests", target_arrests)):
        if value is not None and not 0 <= value <= 1_000_000:
            errors.setdefault(key, []).append(_("Enter a whole number, zero or more."))
    if len(targets) > 5000:
        errors.setdefault("targets", []).append(_("At most %(n)d characters.") % {"n": 5000})
    if errors:
        raise ValidationFailed(errors)
    assert starts_on is not None and ends_on is not None
    campaign = Campaign.objects.create(
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        lead_unit=lead_unit,
        unit_path=lead_unit.path,
        targets=targets.strip(),
        target_rings=target_rings,
        target_arrests=target_arrests,
        created_at=timezone.now(),
        created_by=events.person(actor),
    )
    taking_part = list({u.pk: u for u in units}.values()) or [lead_unit]
    CampaignUnit.objects.bulk_create(CampaignUnit(campaign=campaign, unit=u, unit_path=u.path) for u in taking_part)
    audit_record(
        actor=actor,
        action="incidents.campaign_create",
        target=campaign,
        unit=lead_unit,
        after={
            "name": name,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "units": [u.code for u in taking_part],
            "target_rings": target_rings,
            "target_arrests": target_arrests,
        },
    )
    return campaign


@transaction.atomic
def campaign_tag(
    *, actor: Actor, campaign: Campaign, incident: Incident, ring_dismantled: bool = False
) -> CampaignIncident:
    """Count an incident in a campaign: one of the units taking part handles it, and it was received during
    the campaign."""
    incident = Incident.objects.select_related("unit", "investigating_unit").get(pk=incident.pk)
    if not can_tag_for_campaign(actor, campaign, incident):
        raise PermissionDenied()
    errors: Errors = {}
    paths = list(campaign.participants.values_list("unit_path", flat=True))
    if not any(incident.unit_path.startswith(p) for p in paths):
        errors.setdefault("incident", []).append(_("This incident's ward does not take part in the campaign."))
    received = timezone.localdate(incident.received_at)
    if not campaign.starts_on <= received <= campaign.ends_on:
        errors.setdefault("incident", []).append(_("This incident was not received during the campaign."))
    if errors:
        raise ValidationFailed(errors)
    if CampaignIncident.objects.filter(campaign=campaign, incident=incident).exists():
        raise DomainError("already_tagged", _("This incident is already counted in the campaign."), status=409)
    tag = CampaignIncident.objects.create(
        campaign=campaign,
        incident=incident,
        ring_dismantled=ring_dismantled,
        tagged_at=timezone.now(),
        tagged_by=events.person(actor),
    )
    events.campaign_tagged_event(incident, actor=actor, campaign=campaign)
    audit_record(
        actor=actor,
        action="incidents.campaign_tag",
        target=campaign,
        unit=incident.unit,
        after={"incident": incident.pk, "ring_dismantled": ring_dismantled},
    )
    return tag
