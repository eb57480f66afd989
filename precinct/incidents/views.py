"""Pages of the incident register: the list, recording, an incident's page, the duty log, statistics."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from precinct.core.api_types import date_param, int_param
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.core.forms import flash_error
from precinct.core.replica import reads_from_replica
from precinct.incidents import penal_code, selectors, services
from precinct.incidents.export import stats_xlsx
from precinct.incidents.models import Classification, Priority, Source, Status
from precinct.incidents.permissions import (
    can_handle_incident,
    can_import_base_figures,
    can_read_case_file,
    can_view_crime_stats,
    can_view_incidents,
)
from precinct.organisation.selectors import unit_by_code


def _date(value: str, field: str) -> datetime.date | None:
    return date_param(value, field=field)  # a year 0001 or 9999 is refused (400), not carried into arithmetic


def _datetime(value: str) -> datetime.datetime | None:
    try:
        parsed = parse_datetime(value[:19]) if value else None
    except ValueError:
        return None
    if parsed is not None:
        date_param(parsed.date().isoformat(), field="occurred_at")
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@login_required
@never_cache
def incident_list(request: HttpRequest) -> HttpResponse:
    if not can_view_incidents(request.user):
        raise PermissionDenied()
    get = request.GET
    filters: dict[str, Any] = {
        "status": get.get("status", "")[:16],
        "source": get.get("source", "")[:16],
        "classification": get.get("classification", "")[:20],
        "group": get.get("group", "")[:24],
        "article": get.get("article", "")[:8],
        "ward": get.get("ward", "")[:32],
        "start": _date(get.get("from", ""), "from"),
        "end": _date(get.get("to", ""), "to"),
        "crimes_only": get.get("crimes_only", "") == "1",
    }
    incidents = selectors.incident_list(actor=request.user, **filters).prefetch_related("reports", "camera_alerts")
    incidents = incidents[:300]
    return render(
        request,
        "incidents/list.html",
        {
            "incidents": list(incidents),
            "filters": filters,
            "statuses": Status.choices,
            "sources": Source.choices,
            "classifications": Classification.choices,
            "can_record": bool(selectors.recording_units(request.user)),
            "can_view_stats": can_view_crime_stats(request.user),
            "can_import": can_import_base_figures(request.user),
        },
    )


@login_required
@never_cache
def incident_new(request: HttpRequest) -> HttpResponse:
    if not can_view_incidents(request.user):
        raise PermissionDenied()
    units = selectors.recording_units(request.user)
    post = request.POST
    errors: dict[str, list[Any]] = {}
    if request.method == "POST":
        try:
            incident = services.incident_record(
                actor=request.user,
                data=services.NewIncident(
                    unit=unit_by_code(post.get("unit", "")),
                    source=post.get("source", ""),
                    description=post.get("description", ""),
                    classification=post.get("classification", ""),
                    article=post.get("article", ""),
                    priority=int_param(post.get("priority", ""), low=0, high=32767) or 0,
                    occurred_at=_datetime(post.get("occurred_at", "")),
                    address=post.get("address", ""),
                    latitude=post.get("latitude", "") or None,
                    longitude=post.get("longitude", "") or None,
                ),
            )
        except ValidationFailed as exc:
            errors = {k: [str(m) for m in v] for k, v in exc.fields.items()}
        else:
            messages.success(request, _("Incident %(ref)s recorded.") % {"ref": incident.reference})
            return redirect("incidents:detail", incident.pk)
    return render(
        request,
        "incidents/new.html",
        {
            "units": units,
            "sources": [c for c in Source.choices if c[0] != Source.CRIME_REPORT],
            "classifications": Classification.choices,
            "priorities": Priority.choices,
            "articles": penal_code.articles(),
            "form": post,
            "errors": errors,
        },
        status=422 if errors else 200,
    )


@login_required
@never_cache
def detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = selectors.incident_get(actor=request.user, incident_id=incident_id)
    can_handle = can_handle_incident(request.user, incident)
    article = penal_code.article(incident.article) if incident.article else None
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "article": article,
            "group": penal_code.group(incident.crime_group) if incident.crime_group else None,
            "reports": incident.reports.all(),
            "camera_alerts": incident.camera_alerts.all(),
            "events": incident.events.select_related("actor"),
            "can_handle": can_handle,
            "can_read_case_file": can_read_case_file(request.user, incident),
            "campaigns": [t.campaign for t in incident.campaign_tags.select_related("campaign")],
            "next_statuses": [(s, Status(s).label) for s in services.TRANSITIONS[incident.status]],
            "classifications": Classification.choices,
            "priorities": Priority.choices,
            "articles": penal_code.articles(),
            "investigating_units": selectors.investigating_units() if can_handle else [],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def act(request: HttpRequest, incident_id: int) -> HttpResponse:
    """One form per action on the incident page; errors come back as a message on the same page."""
    incident = selectors.incident_get(actor=request.user, incident_id=incident_id)
    post, user = request.POST, request.user
    try:
        if post.get("do") == "status":
            code = post.get("investigating_unit", "")
            investigating = unit_by_code(code) if code else None
            if code and investigating is None:
                raise ValidationFailed({"investigating_unit": [_("There is no such unit.")]})
            services.incident_transition(
                actor=user,
                incident=incident,
                status=post.get("status", ""),
                case_number=post.get("case_number", ""),
                case_opened_on=_date(post.get("case_opened_on", ""), "case_opened_on"),
                investigating_unit=investigating,
                note=post.get("note", ""),
            )
            messages.success(request, _("Status changed."))
        elif post.get("do") == "classify":
            priority = post.get("priority", "")
            services.incident_classify(
                actor=user,
                incident=incident,
                classification=post.get("classification", ""),
                article=post.get("article", ""),
                priority=int_param(priority, low=0, high=32767),
            )
            messages.success(request, _("Classification saved."))
        else:
            raise ValidationFailed({"do": [_("Choose one of the listed values.")]})
    except DomainError as exc:
        if exc.status == 403:
            raise
        flash_error(request, exc)
    return redirect("incidents:detail", incident.pk)


@login_required
@never_cache
def duty(request: HttpRequest) -> HttpResponse:
    log = selectors.duty_log(actor=request.user)
    return render(request, "incidents/duty.html", {"log": log})


def _stats_request(request: HttpRequest) -> tuple[selectors.CrimeStats, dict[str, str]]:
    get = request.GET
    today = timezone.localdate()
    start = _date(get.get("from", ""), "from") or today.replace(month=1, day=1)
    end = _date(get.get("to", ""), "to") or today
    # The same bounds as GET /api/v1/incidents/stats: base years 1990–2100, a target within ±100 %.
    base_from = int_param(get.get("base_from"), low=1990, high=2100) or selectors.BASE_FROM
    base_to = int_param(get.get("base_to"), low=1990, high=2100) or selectors.BASE_TO
    try:
        target = Decimal(get.get("target", "") or selectors.TARGET_PERCENT)
    except InvalidOperation:
        target = selectors.TARGET_PERCENT
    if not target.is_finite() or not -100 <= target <= 100:
        target = selectors.TARGET_PERCENT
    stats = selectors.crime_stats(
        actor=request.user,
        unit_code=get.get("unit", "")[:32],
        start=start,
        end=end,
        base_from=base_from,
        base_to=base_to,
        target_percent=target,
    )
    params = {
        "unit": stats.unit.code,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "base_from": str(base_from),
        "base_to": str(base_to),
        "target": str(target),
    }
    return stats, params


@login_required
@never_cache
@reads_from_replica()
def stats(request: HttpRequest) -> HttpResponse:
    stats, params = _stats_request(request)
    drill = {"crimes_only": "1", "from": params["from"], "to": params["to"]}
    return render(
        request,
        "incidents/stats.html",
        {
            "stats": stats,
            "params": params,
            "query": urlencode(params),
            "drill": urlencode(drill),
            "max_group": max((g.crimes for g in stats.groups), default=0) or 1,
            "max_month": max((m["crimes"] for m in stats.months), default=0) or 1,
        },
    )


@login_required
@reads_from_replica()
def stats_export(request: HttpRequest) -> HttpResponse:
    stats, params = _stats_request(request)
    response = HttpResponse(
        stats_xlsx(stats), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"thong-ke-toi-pham-{stats.unit.code}-{params['from']}-{params['to']}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
