from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from precinct.core.errors import DomainError, PermissionDenied
from precinct.core.forms import flash_error
from precinct.eservices.models import DossierStatus
from precinct.portalsync import selectors, services
from precinct.portalsync.mapping import PORTAL_STATUS_LABELS
from precinct.portalsync.models import OutboxState
from precinct.portalsync.permissions import can_view_portal_sync


def _require_viewer(request: HttpRequest) -> None:
    if not can_view_portal_sync(request.user):
        raise PermissionDenied()


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """The dead letters (by default) and the other states of the sync, for administrators."""
    _require_viewer(request)
    state = request.GET.get("state", OutboxState.DEAD)
    if state not in OutboxState.values:
        state = OutboxState.DEAD
    q = request.GET.get("q", "").strip()[:64]
    page = Paginator(selectors.outbox_list(actor=request.user, state=state, q=q), 25).get_page(request.GET.get("page"))
    for event in page:
        code = str(event.payload.get("TrangThaiHoSo", ""))
        event.portal_status = code  # type: ignore[attr-defined]
        event.portal_status_label = PORTAL_STATUS_LABELS.get(code, "")  # type: ignore[attr-defined]
        event.status_label = DossierStatus(event.status).label if event.status in DossierStatus.values else ""  # type: ignore[attr-defined]
    return render(
        request,
        "portalsync/events.html",
        {
            "page": page,
            "state": state,
            "q": q,
            "states": OutboxState.choices,
            "counts": selectors.outbox_counts(actor=request.user),
            "enabled": bool(settings.PORTAL_SYNC_URL),
            "max_attempts": settings.PORTAL_SYNC_MAX_ATTEMPTS,
        },
    )


def _back() -> HttpResponse:
    return redirect(f"{reverse('portalsync:events')}?state={OutboxState.DEAD}")


@login_required
@require_POST
def event_retry(request: HttpRequest, event_id: int) -> HttpResponse:
    _require_viewer(request)
    event = selectors.outbox_get(actor=request.user, pk=event_id)
    try:
        services.outbox_retry(actor=request.user, event=event)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The event for %(code)s will be sent again.") % {"code": event.dossier_code})
    return _back()


@login_required
@require_POST
def event_retry_all(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    count = services.outbox_retry_all(actor=request.user)
    messages.success(request, _("%(n)d failed events will be sent again.") % {"n": count})
    return _back()


@login_required
@require_POST
def event_discard(request: HttpRequest, event_id: int) -> HttpResponse:
    _require_viewer(request)
    event = selectors.outbox_get(actor=request.user, pk=event_id)
    try:
        services.outbox_discard(actor=request.user, event=event, reason=request.POST.get("reason", "")[:500])
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("The event for %(code)s was discarded.") % {"code": event.dossier_code})
    return _back()
