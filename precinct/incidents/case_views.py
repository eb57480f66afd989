"""Pages of an incident's case file (persons involved, arrests, exhibits and their custody chains) and of
campaigns. Each form posts to one action and comes back to its page with a message; a refused action
changes nothing."""

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from precinct.core.errors import DomainError, ValidationFailed
from precinct.core.forms import flash_error
from precinct.incidents import campaign_selectors, campaign_services, case_selectors, case_services, selectors
from precinct.incidents.models import PersonRole, PersonSex
from precinct.incidents.permissions import can_create_campaign, can_write_case_file
from precinct.organisation.selectors import unit_by_code


def _date(value: str) -> datetime.date | None:
    try:
        return parse_date(value[:10]) if value else None
    except ValueError:
        return None


def _datetime(value: str) -> datetime.datetime | None:
    try:
        parsed = parse_datetime(value[:19]) if value else None
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _attempt(request: HttpRequest, action: Callable[[], Any], done: str) -> bool:
    """Run one service call; a refusal becomes a message (403s stay 403s)."""
    try:
        action()
    except DomainError as exc:
        if exc.status == 403:
            raise
        flash_error(request, exc)
        return False
    messages.success(request, done)
    return True


@login_required
@never_cache
def case_file(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = selectors.incident_get(actor=request.user, incident_id=incident_id)
    persons = case_services.person_list_read(actor=request.user, incident=incident)
    exhibits = case_selectors.exhibit_list(actor=request.user, incident=incident)
    return render(
        request,
        "incidents/case_file.html",
        {
            "incident": incident,
            "persons": persons,
            "exhibits": exhibits,
            "can_write": can_write_case_file(request.user, incident),
            "roles": PersonRole.choices,
            "sexes": PersonSex.choices,
        },
    )


@login_required
@require_POST
def person_add(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = selectors.incident_get(actor=request.user, incident_id=incident_id)
    post = request.POST
    _attempt(
        request,
        lambda: case_services.person_add(
            actor=request.user,
            incident=incident,
            data=case_services.NewPerson(
                role=post.get("role", ""),
                full_name=post.get("full_name", ""),
                personal_id=post.get("personal_id", ""),
                passport_number=post.get("passport_number", ""),
                nationality=post.get("nationality", ""),
                date_of_birth=_date(post.get("date_of_birth", "")),
                sex=post.get("sex", ""),
                address=post.get("address", ""),
                note=post.get("note", ""),
            ),
        ),
        _("Person recorded."),
    )
    return redirect("incidents:case_file", incident.pk)


@login_required
@require_POST
def exhibit_seize(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = selectors.incident_get(actor=request.user, incident_id=incident_id)
    post = request.POST
    _attempt(
        request,
        lambda: case_services.exhibit_seize(
            actor=request.user,
            incident=incident,
            data=case_services.NewExhibit(
                description=post.get("description", ""),
                quantity=post.get("quantity", ""),
                measure=post.get("measure", ""),
                stored_at=post.get("stored_at", ""),
                estimated_value=post.get("estimated_value", ""),
                seized_at=_datetime(post.get("seized_at", "")),
            ),
        ),
        _("Exhibit recorded."),
    )
    return redirect("incidents:case_file", incident.pk)


@login_required
@never_cache
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's details: opening this page is an audited read."""
    person = case_selectors.person_get(actor=request.user, person_id=person_id)
    person = case_services.person_read(actor=request.user, person=person, purpose="page")
    return render(
        request,
        "incidents/person.html",
        {
            "person": person,
            "incident": person.incident,
            "arrests": person.arrests.all(),
            "others": case_selectors.person_other_incidents(actor=request.user, person=person),
            "can_write": can_write_case_file(request.user, person.incident),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def person_act(request: HttpRequest, person_id: int) -> HttpResponse:
    person = case_selectors.person_get(actor=request.user, person_id=person_id)
    post = request.POST
    if post.get("do") == "arrest":
        _attempt(
            request,
            lambda: case_services.person_arrest(
                actor=request.user,
                person=person,
                arrested_on=_date(post.get("arrested_on", "")),
                grounds=post.get("grounds", ""),
            ),
            _("Arrest recorded."),
        )
    elif post.get("do") == "release":
        _attempt(
            request,
            lambda: case_services.person_release(
                actor=request.user,
                person=person,
                released_on=_date(post.get("released_on", "")),
                reason=post.get("reason", ""),
            ),
            _("Release recorded."),
        )
    else:
        flash_error(request, ValidationFailed({"do": [_("Choose one of the listed values.")]}))
    return redirect("incidents:person", person.pk)


@login_required
@never_cache
def exhibit_detail(request: HttpRequest, exhibit_id: int) -> HttpResponse:
    exhibit = case_selectors.exhibit_get(actor=request.user, exhibit_id=exhibit_id)
    return render(
        request,
        "incidents/exhibit.html",
        {
            "exhibit": exhibit,
            "incident": exhibit.incident,
            "handovers": sorted(exhibit.handovers.all(), key=lambda h: h.sequence),
            "can_write": can_write_case_file(request.user, exhibit.incident),
        },
    )


@login_required
@require_POST
def exhibit_handover(request: HttpRequest, exhibit_id: int) -> HttpResponse:
    """Append a hand-over; there is no page that changes a past one."""
    exhibit = case_selectors.exhibit_get(actor=request.user, exhibit_id=exhibit_id)
    post = request.POST
    _attempt(
        request,
        lambda: case_services.exhibit_hand_over(
            actor=request.user,
            exhibit=exhibit,
            to_holder=post.get("to_holder", ""),
            at=_datetime(post.get("at", "")),
            reason=post.get("reason", ""),
        ),
        _("Hand-over recorded."),
    )
    return redirect("incidents:exhibit", exhibit.pk)


# --- campaigns ------------------------------------------------------------------------------------------


def _lead_units(request: HttpRequest) -> list[Any]:
    return [u for u in selectors.recording_units(request.user) if can_create_campaign(request.user, u)]


@login_required
@never_cache
def campaigns(request: HttpRequest) -> HttpResponse:
    campaigns = campaign_selectors.campaign_list(actor=request.user)
    leads = _lead_units(request)
    post = request.POST
    if request.method == "POST":
        units = [unit_by_code(c) for c in post.getlist("units") if c]
        created: list[Any] = []

        def create() -> None:
            if any(u is None for u in units):
                raise ValidationFailed({"units": [_("There is no such unit.")]})
            created.append(
                campaign_services.campaign_create(
                    actor=request.user,
                    name=post.get("name", ""),
                    starts_on=_date(post.get("starts_on", "")),
                    ends_on=_date(post.get("ends_on", "")),
                    lead_unit=unit_by_code(post.get("lead_unit", "")),
                    units=[u for u in units if u is not None],
                    targets=post.get("targets", ""),
                    target_rings=int(post["target_rings"]) if post.get("target_rings", "").isdigit() else None,
                    target_arrests=int(post["target_arrests"]) if post.get("target_arrests", "").isdigit() else None,
                )
            )

        if _attempt(request, create, _("Campaign launched.")):
            return redirect("incidents:campaign", created[0].pk)
        return redirect("incidents:campaigns")
    return render(
        request,
        "incidents/campaigns.html",
        {"campaigns": campaigns, "leads": leads, "wards": selectors.recording_units(request.user)},
    )


@login_required
@never_cache
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_selectors.campaign_get(actor=request.user, campaign_id=campaign_id)
    results = campaign_selectors.campaign_results(actor=request.user, campaign=campaign)
    return render(
        request,
        "incidents/campaign.html",
        {
            "campaign": campaign,
            "results": results,
            "totals": results.totals,
            "units": campaign.participants.select_related("unit"),
        },
    )


@login_required
@require_POST
def campaign_tag(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_selectors.campaign_get(actor=request.user, campaign_id=campaign_id)
    reference = request.POST.get("incident", "").strip().upper().removeprefix("SV-").lstrip("0")

    def tag() -> None:
        if not reference.isdigit():
            raise ValidationFailed({"incident": [_("Enter an incident reference such as SV-000123.")]})
        incident = selectors.incident_get(actor=request.user, incident_id=int(reference))
        campaign_services.campaign_tag(
            actor=request.user,
            campaign=campaign,
            incident=incident,
            ring_dismantled=request.POST.get("ring_dismantled") == "1",
        )

    try:
        _attempt(request, tag, _("Incident counted in the campaign."))
    except DomainError as exc:  # an incident outside the reach: as if absent
        flash_error(request, exc)
    return redirect("incidents:campaign", campaign.pk)
