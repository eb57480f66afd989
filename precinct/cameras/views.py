"""Pages: the cameras of the officer's wards, the duty console (refreshed live by HTMX), and the household's
own cameras with the consent it can withdraw."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from precinct.cameras import evidence, selectors, services
from precinct.cameras import uptime as uptime_of
from precinct.cameras.alert_detail import alert_detail_get, dispatchable_officers
from precinct.cameras.models import OPEN_ALERT_STATES, AlertOutcome
from precinct.cameras.permissions import can_view_cameras, can_view_console
from precinct.core.errors import DomainError, PermissionDenied
from precinct.core.forms import flash_error


@login_required
def camera_list(request: HttpRequest) -> HttpResponse:
    if not can_view_cameras(request.user):
        raise PermissionDenied()
    q = request.GET.get("q", "").strip()[:64]
    return render(
        request,
        "cameras/cameras.html",
        {
            "cameras": selectors.camera_list(actor=request.user, q=q),
            "recorders": selectors.recorder_list(actor=request.user),
            "refusals": selectors.inbox_refusals(actor=request.user),
            "q": q,
        },
    )


def _console_context(request: HttpRequest) -> dict:
    return {"alerts": selectors.alert_list(actor=request.user)[:100]}


@login_required
def console(request: HttpRequest) -> HttpResponse:
    """The ward's duty console: open alerts, newest first; the list refreshes itself every few seconds."""
    if not can_view_console(request.user):
        raise PermissionDenied()
    return render(request, "cameras/console.html", _console_context(request))


@login_required
def console_alerts(request: HttpRequest) -> HttpResponse:
    """The console's alert list alone (what HTMX swaps in)."""
    if not can_view_console(request.user):
        raise PermissionDenied()
    return render(request, "cameras/_alerts.html", _console_context(request))


@login_required
@require_POST
def alert_act(request: HttpRequest, alert_id: int, action: str) -> HttpResponse:
    alert = selectors.alert_get(actor=request.user, pk=alert_id)
    note = request.POST.get("note", "")[:2000]
    try:
        if action == "acknowledge":
            services.alert_acknowledge(actor=request.user, alert=alert)
        elif action == "hand-on":
            services.alert_hand_on(actor=request.user, alert=alert, note=note)
        else:
            services.alert_dismiss(actor=request.user, alert=alert, note=note)
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Alert #%(id)d updated.") % {"id": alert.pk})
    return redirect("cameras:console")


@login_required
def own_cameras(request: HttpRequest) -> HttpResponse:
    """A household's cameras and their consents."""
    return render(request, "cameras/mine.html", {"cameras": selectors.own_cameras(actor=request.user)})


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = selectors.own_consent_get(actor=request.user, pk=consent_id)
    try:
        services.consent_withdraw(actor=request.user, consent=consent)
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(
            request,
            _("Consent for %(code)s withdrawn: its events are no longer accepted.") % {"code": consent.camera.code},
        )
    return redirect("cameras:mine")


# The alert's own page (docs/adr/0037): the snapshot large, the event, camera, rule, clip link and timeline;
# dispatch ("4 on-site"), outcome and notes.


@login_required
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    if not can_view_console(request.user):
        raise PermissionDenied()
    detail = alert_detail_get(actor=request.user, pk=alert_id)
    return render(
        request,
        "cameras/alert.html",
        {
            "d": detail,
            "a": detail.alert,
            "officers": dispatchable_officers(actor=request.user, alert=detail.alert),
            "outcomes": AlertOutcome.choices,
            "is_open": detail.alert.status in OPEN_ALERT_STATES,
        },
    )


@login_required
def alert_snapshot(request: HttpRequest, alert_id: int) -> HttpResponse:
    """The snapshot's bytes for an officer who reaches the alert; every fetch is audited (the browser keeps
    it five minutes, so the console's refresh does not fetch it again)."""
    if not can_view_console(request.user):
        raise PermissionDenied()
    alert = selectors.alert_get(actor=request.user, pk=alert_id)
    try:
        body, content_type = evidence.snapshot_open(actor=request.user, alert=alert)
    except DomainError as exc:
        return HttpResponse(str(exc.message), status=exc.status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    return response


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and len(v) < 19]


@login_required
@require_POST
def alert_detail_act(request: HttpRequest, alert_id: int, action: str) -> HttpResponse:
    """The detail page's forms: acknowledge, dispatch, close with an outcome, add a note."""
    if not can_view_console(request.user):
        raise PermissionDenied()
    alert = selectors.alert_get(actor=request.user, pk=alert_id)
    post = request.POST
    try:
        if action == "acknowledge":
            services.alert_acknowledge(actor=request.user, alert=alert)
        elif action == "dispatch":
            commander = _ids([post.get("commander_id", "")])
            services.alert_dispatch(
                actor=request.user,
                alert=alert,
                officer_ids=_ids(post.getlist("officer_ids")),
                commander_id=commander[0] if commander else None,
                means=post.get("means", "")[:400],
                logistics=post.get("logistics", "")[:400],
            )
        elif action == "close":
            services.alert_close(
                actor=request.user,
                alert=alert,
                outcome=post.get("outcome", ""),
                note=post.get("note", "")[:2100],
                crime_report_ref=post.get("crime_report_ref", "")[:100],
            )
        else:
            services.alert_note_add(actor=request.user, alert=alert, text=post.get("text", "")[:2100])
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Alert #%(id)d updated.") % {"id": alert.pk})
    return redirect("cameras:alert", alert_id=alert.pk)


@login_required
def uptime(request: HttpRequest) -> HttpResponse:
    """Uptime per camera for a month (`?month=YYYY-MM`, default the current one), for the officer's reach."""
    if not can_view_cameras(request.user):
        raise PermissionDenied()
    value = request.GET.get("month", "")[:7]
    try:
        month = uptime_of.month_parse(value)
    except DomainError as exc:
        flash_error(request, exc)
        month = uptime_of.month_parse("")
    return render(
        request,
        "cameras/uptime.html",
        {"rows": uptime_of.uptime_list(actor=request.user, month=month), "month": month},
    )
