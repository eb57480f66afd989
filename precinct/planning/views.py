"""The planning pages: plans, a plan's overview (tasks by derived status, indicators), a task with its
progress form, the XLSX import, the template and the periodic report."""

import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from precinct.core.api_types import date_param, int_param
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.core.replica import reads_from_replica
from precinct.planning import importing, permissions, selectors, services
from precinct.planning.export import report_xlsx
from precinct.planning.models import ActivityKind
from precinct.planning.report_docx import report_docx
from precinct.planning.status import TaskStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLANS_PER_PAGE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _reader(request: HttpRequest) -> Any:
    if not permissions.can_use_planning(request.user):
        raise PermissionDenied()
    return request.user


def _date(value: str | None, field: str = "as_of") -> datetime.date | None:
    return date_param(value, field=field)  # out of 1900–2199: 400, not an overflow in the status arithmetic


def _errors(exc: DomainError) -> list[str]:
    found = [str(m) for msgs in exc.fields.values() for m in msgs]
    return found or [str(exc.message)]


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    page = Paginator(selectors.plan_list(actor=actor), PLANS_PER_PAGE).get_page(request.GET.get("page"))
    as_of = timezone.localdate()
    return render(
        request,
        "planning/plans.html",
        {
            "page": page,
            "rows": selectors.plan_rows(actor=actor, plans=list(page.object_list), as_of=as_of),
            "statuses": list(TaskStatus),
            "can_create": permissions.can_create_plan(actor),
        },
    )


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    if not permissions.can_create_plan(actor):
        raise PermissionDenied()
    errors: list[str] = []
    if request.method == "POST":
        data = request.POST
        dates = {k: _date(data.get(k), k) for k in ("issued_on", "period_start", "period_end")}
        if None in dates.values():
            errors.append(_("Enter the dates (issued, period from, period to)."))
        else:
            try:
                plan = services.plan_create(
                    actor=actor,
                    number=data.get("number", ""),
                    title=data.get("title", ""),
                    issuer=data.get("issuer", ""),
                    lead_unit_code=data.get("lead_unit", ""),
                    document=request.FILES.get("document"),
                    **dates,  # type: ignore[arg-type]
                )
            except DomainError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("The plan was created."))
                return redirect("planning:overview", pk=plan.pk)
    return render(
        request, "planning/plan_new.html", {"errors": errors, "data": request.POST}, status=422 if errors else 200
    )


@login_required
@reads_from_replica()
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    plan = selectors.plan_get(actor=actor, pk=pk)
    view = selectors.plan_overview(
        actor=actor,
        plan=plan,
        as_of=_date(request.GET.get("as_of")),
        start=_date(request.GET.get("start"), "start"),
        end=_date(request.GET.get("end"), "end"),
    )
    period = urlencode({k: request.GET[k] for k in ("as_of", "start", "end") if request.GET.get(k)})
    wanted = request.GET.get("status", "")
    rows = [r for r in view.tasks if not wanted or r.status == wanted]
    tiles = [(s, view.counts[s.value]) for s in TaskStatus]
    # The status bar as SVG rectangles (x, width as attributes): the CSP allows no inline style.
    bar, x = [], 0
    for status, n in tiles:
        if n:
            bar.append((status, x, n))
            x += n
    return render(
        request,
        "planning/overview.html",
        {
            "view": view,
            "plan": plan,
            "rows": rows,
            "tiles": tiles,
            "bar": bar,
            "wanted": wanted,
            "as_of_param": request.GET.get("as_of", ""),
            "report_query": f"?{period}" if period else "",
            "can_manage": permissions.can_manage_plan(actor, plan),
            "activities": selectors.activity_list(plan=plan),
            "activity_kinds": ActivityKind.choices,
            "activity_counts": [(label, view.activities[value]) for value, label in ActivityKind.choices],
        },
    )


@login_required
@require_POST
def import_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    plan = selectors.plan_get(actor=actor, pk=pk)
    if not permissions.can_manage_plan(actor, plan):
        raise PermissionDenied()
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DomainError("validation_error", _("Choose the Excel file to import."))
        tasks = services.tasks_import(actor=actor, plan=plan, rows=importing.parse_xlsx(upload.read()))
    except DomainError as exc:
        for message in [str(exc.message), *_errors(exc)][:50]:
            messages.error(request, message)
    else:
        messages.success(request, _("%(n)d tasks were imported.") % {"n": len(tasks)})
    return redirect("planning:overview", pk=plan.pk)


@login_required
def template(request: HttpRequest) -> HttpResponse:
    _reader(request)
    response = HttpResponse(importing.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhiem-vu.xlsx"'
    return response


def _report_view(request: HttpRequest, pk: int) -> selectors.Overview:
    actor = _reader(request)
    plan = selectors.plan_get(actor=actor, pk=pk)
    return selectors.plan_overview(
        actor=actor,
        plan=plan,
        as_of=_date(request.GET.get("as_of")),
        start=_date(request.GET.get("start"), "start"),
        end=_date(request.GET.get("end"), "end"),
    )


def _attachment(content: bytes, content_type: str, view: selectors.Overview, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    safe = view.plan.number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{safe}-{view.as_of:%Y%m%d}.{extension}"'
    return response


@login_required
@reads_from_replica()
def report(request: HttpRequest, pk: int) -> HttpResponse:
    view = _report_view(request, pk)
    return _attachment(report_xlsx(view), XLSX, view, "xlsx")


@login_required
@reads_from_replica()
def report_word(request: HttpRequest, pk: int) -> HttpResponse:
    view = _report_view(request, pk)
    return _attachment(report_docx(view), DOCX, view, "docx")


@login_required
@require_POST
def activity_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    plan = selectors.plan_get(actor=actor, pk=pk)
    occurred_on = _date(request.POST.get("occurred_on"), "occurred_on")
    try:
        if occurred_on is None:
            raise ValidationFailed({"occurred_on": [_("Enter the date.")]})
        services.activity_record(
            actor=actor,
            plan=plan,
            unit_code=request.POST.get("unit", ""),
            kind=request.POST.get("kind", ""),
            occurred_on=occurred_on,
            title=request.POST.get("title", ""),
        )
    except ValidationFailed as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("The activity was logged."))
    return redirect("planning:overview", pk=plan.pk)


@login_required
def indicator(request: HttpRequest, pk: int) -> HttpResponse:
    """An indicator with its values; its responsible unit enters a period's value with evidence."""
    actor = _reader(request)
    item = selectors.indicator_get(actor=actor, pk=pk)
    can_enter = not item.measure_key and permissions.can_enter_indicator_value(actor, item)
    errors: list[str] = []
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied()
        start = _date(request.POST.get("period_start"), "period_start")
        end = _date(request.POST.get("period_end"), "period_end")
        try:
            if start is None or end is None:
                raise ValidationFailed({"period_start": [_("Enter the period (from, to).")]})
            services.indicator_value_enter(
                actor=actor,
                indicator=item,
                period_start=start,
                period_end=end,
                value=request.POST.get("value", "").strip().replace(",", "."),
                evidence=request.POST.get("evidence", ""),
            )
        except DomainError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("The value was recorded."))
            return redirect("planning:indicator", pk=item.pk)
    return render(
        request,
        "planning/indicator.html",
        {
            "indicator": item,
            "values": selectors.indicator_value_list(indicator=item)[:24],  # the last two years of months
            "can_enter": can_enter,
            "errors": errors,
            "data": request.POST,
        },
        status=422 if errors else 200,
    )


@login_required
def task(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    item = selectors.task_get(actor=actor, pk=pk)
    errors: list[str] = []
    can_update = permissions.can_update_task(actor, item)
    if request.method == "POST":
        if not can_update:
            raise PermissionDenied()
        percent = request.POST.get("percent", "").strip()
        try:
            services.task_update_report(
                actor=actor,
                task=item,
                text=request.POST.get("text", ""),
                percent=int_param(percent, low=0, high=2**31 - 1),
                period=_date(request.POST.get("period"), "period"),
                done_on=_date(request.POST.get("done_on"), "done_on"),
                evidence=request.POST.get("evidence", ""),
                files=request.FILES.getlist("files"),
            )
        except DomainError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("The progress was recorded."))
            return redirect("planning:task", pk=item.pk)
    row = selectors.task_rows(
        selectors.task_list(actor=actor, plan=item.plan).filter(pk=item.pk),
        as_of=timezone.localdate(),
        warn_days=item.plan.warn_days,
    )[0]
    return render(
        request,
        "planning/task.html",
        {
            "task": item,
            "row": row,
            "updates": item.updates.prefetch_related("files").order_by("-reported_on", "-pk"),
            "can_update": can_update,
            "errors": errors,
        },
        status=422 if errors else 200,
    )
