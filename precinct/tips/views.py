"""Pages of the crime-reporting portal. The public pages are static shells: the browser solves the
proof of work and talks to /api/v1/tips with fetch, so the address never changes while reporting and
nothing typed lands in a URL, a history entry or a server log."""

import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from precinct.accounts.models import User
from precinct.core.api_types import int_param
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.core.forms import flash_error
from precinct.organisation.selectors import unit_by_code, units_by_name
from precinct.tips import receipt, selectors
from precinct.tips.models import Category, Outcome, Priority, TipStatus
from precinct.tips.permissions import (
    can_extend_retention,
    can_reassign_tip,
    can_set_policy,
    can_view_figures,
    can_view_tips,
)
from precinct.tips.services import handling, reading, retention

# The reporting pages allow nothing but this origin's own scripts, styles and requests.
STRICT_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}


def confidential(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No caching anywhere, the strict policy above, and no Referer sent to any other site ("no-referrer"
    would make browsers send `Origin: null` with the proof-of-filing form, which CSRF then refuses)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        return response

    return never_cache(csp_override(STRICT_CSP)(wrapped))


# --- public ---------------------------------------------------------------------------------------


@confidential
def report(request: HttpRequest) -> HttpResponse:
    """The form. A POST here only happens without JavaScript: nothing is read or kept from it (the forms
    say method="post" so that, even then, nothing typed ends up in a URL or a log)."""
    user = request.user
    return render(
        request,
        "tips/report.html",
        {
            "categories": Category.choices,
            "wards": units_by_name(selectors.wards()),
            "can_identify": isinstance(user, User) and user.is_citizen,
            "needs_script": request.method == "POST",
        },
        status=400 if request.method == "POST" else 200,
    )


@confidential
def followup(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "tips/followup.html",
        {"needs_script": request.method == "POST"},
        status=400 if request.method == "POST" else 200,
    )


@confidential
@require_POST
def proof(request: HttpRequest) -> HttpResponse:
    reference, filed_at = receipt.proof_from_token(request.POST.get("token", ""))
    response = HttpResponse(receipt.proof_pdf(reference, filed_at), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="proof-{reference}.pdf"'
    return response


# --- officers -------------------------------------------------------------------------------------


def _int(value: str) -> int | None:
    return int_param(value, low=0, high=2**31 - 1)  # "²" is a digit to isdigit() but not to int()


@login_required
@never_cache
def queue(request: HttpRequest) -> HttpResponse:
    if not can_view_tips(request.user):
        raise PermissionDenied()
    filters: dict[str, Any] = {
        "status": request.GET.get("status", ""),
        "category": request.GET.get("category", ""),
        "ward": request.GET.get("ward", "")[:32],
        "priority": _int(request.GET.get("priority", "")),
        "q": request.GET.get("q", "")[:20],
    }
    tips = selectors.tip_list(actor=request.user, **filters)[:300]
    now = timezone.now()
    return render(
        request,
        "tips/queue.html",
        {
            "tips": [(t, (now - t.filed_at).days) for t in tips],
            "filters": filters,
            "statuses": TipStatus.choices,
            "categories": Category.choices,
            "priorities": Priority.choices,
            "wards": units_by_name(selectors.wards_in_reach(actor=request.user)),
        },
    )


@login_required
@never_cache
def detail(request: HttpRequest, tip_id: int) -> HttpResponse:
    tip = selectors.tip_get(actor=request.user, tip_id=tip_id)
    content = reading.tip_read(actor=request.user, tip=tip)
    duplicates = reading.tip_duplicates(actor=request.user, tip=tip, content=content)
    return render(
        request,
        "tips/detail.html",
        {
            "tip": tip,
            "content": content.data,
            "conversation": [m for m in content.messages if m.kind != "note"],
            "notes": [m for m in content.messages if m.kind == "note"],
            "attachments": content.attachments,
            "duplicates": duplicates,
            "events": tip.events.select_related("actor"),
            "next_statuses": [(s, TipStatus(s).label) for s in handling.TRANSITIONS[tip.status]],
            "outcomes": Outcome.choices,
            "priorities": Priority.choices,
            "can_reassign": can_reassign_tip(request.user, tip),
            "reassign_targets": selectors.reassign_targets(tip) if can_reassign_tip(request.user, tip) else [],
            "can_extend": can_extend_retention(request.user, tip),
        },
    )


@login_required
@require_POST
def act(request: HttpRequest, tip_id: int) -> HttpResponse:
    """One form per action on the report page; errors come back as a message on the same page."""
    tip = selectors.tip_get(actor=request.user, tip_id=tip_id)
    do, post, user = request.POST.get("do", ""), request.POST, request.user
    try:
        if do in ("reply", "note"):
            handling.tip_message_send(actor=user, tip=tip, body=post.get("body", ""), internal=do == "note")
            done = _("Message sent to the reporter.") if do == "reply" else _("Note added.")
        elif do == "status":
            handling.tip_transition(
                actor=user,
                tip=tip,
                status=post.get("status", ""),
                outcome=post.get("outcome", ""),
                note=post.get("note", ""),
                case_summary=post.get("case_summary", ""),
                case_reference=post.get("case_reference", ""),
            )
            done = _("Status changed.")
        elif do == "priority":
            handling.tip_priority_set(actor=user, tip=tip, priority=_int(post.get("priority", "")) or 0)
            done = _("Priority changed.")
        elif do == "reassign":
            unit = unit_by_code(post.get("unit", ""))
            if unit is None:
                raise ValidationFailed({"unit": [_("There is no such unit.")]})
            handling.tip_reassign(actor=user, tip=tip, unit=unit)
            messages.success(request, _("The report was sent to %(unit)s.") % {"unit": unit.display_name})
            return redirect("tips:queue")
        elif do == "retention":
            try:
                until = datetime.date.fromisoformat(post.get("until", ""))
            except ValueError as exc:
                raise ValidationFailed({"until": [_("Enter a valid date (YYYY-MM-DD).")]}) from exc
            retention.tip_retention_extend(actor=user, tip=tip, until=until)
            done = _("Retention extended.")
        else:
            raise DomainError("unknown_action", _("This action does not exist."))
    except ValidationFailed as exc:
        problems = [str(m) for msgs in exc.fields.values() for m in msgs] or [str(exc.message)]
        messages.error(request, " ".join(problems))
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect("tips:detail", tip_id=tip.pk)


@login_required
def file(request: HttpRequest, tip_id: int, attachment_id: int) -> HttpResponse:
    tip = selectors.tip_get(actor=request.user, tip_id=tip_id)
    item = reading.tip_file_read(actor=request.user, tip=tip, attachment_id=attachment_id)
    response = HttpResponse(item.data, content_type=item.content_type)
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in item.name)[:100] or "file"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-SHA256"] = item.sha256
    return response


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    user = request.user
    leader, admin = can_view_figures(user), can_set_policy(user) and user.is_officer  # type: ignore[union-attr]
    if not (leader or admin):
        raise PermissionDenied()
    if request.method == "POST" and admin:
        try:
            retention.policy_set(actor=user, retention_days=_int(request.POST.get("retention_days", "")) or 0)
        except ValidationFailed as exc:
            flash_error(request, exc)
        else:
            messages.success(request, _("The default retention was saved."))
        return redirect("tips:figures")
    data = selectors.tip_figures(actor=user) if leader else None
    labels = {"category": dict(Category.choices), "status": dict(TipStatus.choices), "outcome": dict(Outcome.choices)}
    return render(
        request,
        "tips/figures.html",
        {"data": data, "labels": labels, "can_set_policy": admin, "retention_days": selectors.retention_days()},
    )
