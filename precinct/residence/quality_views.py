"""The data-quality pages that act (ADR 0038): a ward's work queue (filter, side by side for possible duplicates,
confirm correct / not a duplicate with a reason, a full scan on demand) and the rules (switch, parameters)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from precinct.core.errors import DomainError, NotFound
from precinct.core.forms import flash_error
from precinct.residence import permissions, rules, selectors, workqueue
from precinct.residence.models import Dimension, IssueState, QualityRule

QUEUE_LIMIT = 200
SIDE_BY_SIDE = ("full_name", "personal_id", "date_of_birth", "sex", "place_of_origin", "ethnicity")


def _side_by_side(issue: Any) -> list[tuple[str, Any, Any, bool]]:
    """(field label, this record's value, the other's, differ) for a possible duplicate pair."""
    from precinct.residence.models import Person

    rows = []
    for name in SIDE_BY_SIDE:
        a, b = getattr(issue.person, name), getattr(issue.other, name)
        if name == "sex":
            a, b = issue.person.get_sex_display(), issue.other.get_sex_display()
        rows.append((str(getattr(Person._meta.get_field(name), "verbose_name", name)), a, b, a != b))
    rows.append((_("ward"), issue.person.unit.display_name, issue.other.unit.display_name, False))
    return rows


@login_required
@require_GET
def queue(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.ward_get(actor=request.user, code=code)
    dimension = request.GET.get("dimension", "")
    rule = request.GET.get("rule", "")
    state = request.GET.get("state", IssueState.OPEN)
    if dimension not in ("", *Dimension.values) or state not in ("", *IssueState.values):
        dimension, state = "", IssueState.OPEN
    found = selectors.issue_list(actor=request.user, unit=unit, dimension=dimension, rule=rule, state=state)
    issues = list(found[:QUEUE_LIMIT])
    for issue in issues:
        issue.pair = _side_by_side(issue) if issue.other_id and issue.person_id else None
    return render(
        request,
        "residence/queue.html",
        {
            "unit": unit,
            "issues": issues,
            "total": found.count(),
            "limit": QUEUE_LIMIT,
            "dimension": dimension,
            "rule": rule,
            "state": state,
            "dimensions": Dimension.choices,
            "states": IssueState.choices,
            "rules": [r for r in selectors.quality_rules() if r.is_active],
            "can_decide": permissions.can_manage_register(request.user, unit),
        },
    )


@login_required
@require_POST
def queue_scan(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.ward_get(actor=request.user, code=code)
    try:
        opened, fixed = workqueue.ward_sync(actor=request.user, unit=unit)
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(
            request, _("Scan done: %(opened)d new findings, %(fixed)d fixed.") % {"opened": opened, "fixed": fixed}
        )
    return redirect("residence:queue", code=unit.code)


@login_required
@require_POST
def issue_decide(request: HttpRequest, pk: int) -> HttpResponse:
    issue = selectors.issue_get(actor=request.user, pk=pk)
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("decision") == "not_duplicate":
            workqueue.issue_not_duplicate(actor=request.user, issue=issue, reason=reason)
            messages.success(request, _("Marked as different people."))
        else:
            workqueue.issue_confirm(actor=request.user, issue=issue, reason=reason)
            messages.success(request, _("Confirmed correct: the finding is closed."))
    except DomainError as exc:
        flash_error(request, exc)
    return redirect("residence:queue", code=issue.unit.code)


def _require_rules(request: HttpRequest) -> None:
    if not permissions.can_manage_rules(request.user):
        raise NotFound()


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    _require_rules(request)
    found = selectors.quality_rules()
    for row in found:
        row.specs = [  # type: ignore[attr-defined]
            (
                name,
                rules.PARAMETER_LABELS.get(name, name),
                spec,
                ", ".join(v) if isinstance(v := row.parameters.get(name, ""), list) else v,
            )
            for name, spec in rules.SPECS.get(row.code, {}).items()
        ]
    return render(request, "residence/rules.html", {"rules": found, "fields": ", ".join(rules.FIELD_CHOICES)})


@login_required
@require_POST
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_rules(request)
    found = QualityRule.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    values = {name: request.POST.get(name, "") for name in rules.SPECS.get(found.code, {})}
    try:
        rules.rule_update(
            actor=request.user, rule=found, is_active=request.POST.get("is_active") == "on", parameters=values
        )
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("The rule was saved."))
    return redirect("residence:rules")
