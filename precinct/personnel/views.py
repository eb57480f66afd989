"""The personnel pages: the leaders' figures (with XLSX), officers and their careers, discipline (each read
audited), transfer rounds with eligibility, transfers with approvals and hand-over checklist (HTMX), staffing,
the XLSX import."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from precinct.core.actors import Actor
from precinct.core.errors import DomainError, NotFound, PermissionDenied
from precinct.core.replica import reads_from_replica
from precinct.organisation.selectors import province_root, unit_by_code
from precinct.personnel import importing, permissions, selectors
from precinct.personnel.export import figures_xlsx
from precinct.personnel.models import ActivityKind, CourseKind, HandoverStep, TransferStatus
from precinct.personnel.services import transfers

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = 100  # officers per page of a round's eligibility


def _reader(request: HttpRequest) -> Actor:
    if not permissions.can_use_personnel(request.user):
        raise PermissionDenied()
    return request.user


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _errors(exc: DomainError) -> list[str]:
    return [str(m) for msgs in exc.fields.values() for m in msgs] or [str(exc.message)]


def _figures(request: HttpRequest) -> Any:
    actor = _reader(request)
    today = timezone.localdate()
    start = _date(request.GET.get("start")) or today.replace(month=1, day=1)
    end = _date(request.GET.get("end")) or today
    code = request.GET.get("unit", "")
    unit = unit_by_code(code) if code else selectors.home_unit(actor=actor)
    if unit is None:
        raise NotFound()
    return selectors.figures(actor=actor, unit=unit, start=start, end=end)


@login_required
@reads_from_replica()
def home(request: HttpRequest) -> HttpResponse:
    found = _figures(request)
    courses = [(CourseKind(kind).label, n, people) for kind, (n, people) in found.courses.items()]
    activities = [(ActivityKind(kind).label, values) for kind, values in found.activities.items()]
    return render(request, "personnel/home.html", {"f": found, "courses": courses, "activities": activities})


@login_required
@reads_from_replica()
def figures_export(request: HttpRequest) -> HttpResponse:
    found = _figures(request)
    response = HttpResponse(figures_xlsx(found), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="personnel-{found.unit.code}-{found.end:%Y%m%d}.xlsx"'
    return response


@login_required
def officers(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    q = request.GET.get("q", "").strip()
    found = selectors.officer_list(actor=actor, q=q)[:200]
    template = "personnel/_officer_rows.html" if request.headers.get("HX-Request") else "personnel/officers.html"
    return render(request, template, {"officers": found, "q": q})


@login_required
def officer(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    career = selectors.career_get(actor=actor, officer_id=pk)
    records = None
    if permissions.can_view_discipline(actor, career.officer):
        records = selectors.discipline_list(actor=actor, officer=career.officer)
    can_edit = permissions.can_edit_career(actor, career.officer)
    return render(request, "personnel/officer.html", {"c": career, "records": records, "can_edit": can_edit})


@login_required
def discipline(request: HttpRequest) -> HttpResponse:
    if not permissions.can_read_some_discipline(request.user):
        raise PermissionDenied()
    return render(request, "personnel/discipline.html", {"records": selectors.discipline_list(actor=request.user)})


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    return render(
        request,
        "personnel/transfers.html",
        {
            "transfers": selectors.transfer_list(actor=actor)[:200],
            "rounds": selectors.round_list(actor=actor)[:50],
            "criteria": selectors.criteria_list(actor=actor),
        },
    )


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transfer_round, verdicts = selectors.round_eligibility(actor=_reader(request), round_id=pk)
    only = request.GET.get("show", "")
    shown = [v for v in verdicts if (only != "eligible" or v.eligible) and (only != "not" or not v.eligible)]
    number = max(1, int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1)
    pages = max(1, (len(shown) + PAGE - 1) // PAGE)
    number = min(number, pages)
    return render(
        request,
        "personnel/round.html",
        {
            "round": transfer_round,
            "verdicts": shown[:500],
            "total": len(verdicts),
            "eligible": sum(v.eligible for v in verdicts),
            "show": only,
        },
    )


@login_required
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    transfer = selectors.transfer_get(actor=actor, transfer_id=pk)
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                transfers.transfer_approve(
                    actor=actor,
                    transfer=transfer,
                    decision_number=request.POST.get("decision_number", ""),
                    decision_date=_date(request.POST.get("decision_date")),
                )
            elif action == "cancel":
                transfers.transfer_cancel(actor=actor, transfer=transfer, reason=request.POST.get("reason", ""))
            else:
                raise DomainError("unknown_action", _("Unknown action."))
        except PermissionDenied:
            raise
        except DomainError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("personnel:transfer", pk=transfer.pk)
    transfer.refresh_from_db()
    return render(
        request,
        "personnel/transfer.html",
        {
            "t": transfer,
            "steps": transfer.steps.all(),
            "events": transfer.events.select_related("actor").order_by("pk"),
            "can_approve": transfers.can_approve(actor, transfer),
            "can_cancel": permissions.can_run_transfers(actor, transfer.from_unit)
            and transfer.status not in (TransferStatus.APPLIED, TransferStatus.CANCELLED),
            "errors": errors,
        },
        status=422 if errors else 200,
    )


@login_required
@require_POST
def step_done(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    step = HandoverStep.objects.filter(pk=pk).select_related("transfer").first()
    if step is None:
        raise NotFound()
    selectors.transfer_get(actor=actor, transfer_id=step.transfer_id)  # 404 outside the reach
    transfers.handover_step_done(actor=actor, step=step)
    return render(request, "personnel/_step.html", {"s": step})


@login_required
def staffing(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    code = request.GET.get("unit", "")
    unit = unit_by_code(code) if code else selectors.home_unit(actor=actor)
    if unit is None:
        raise NotFound()
    rows = selectors.staffing(actor=actor, unit=unit)
    return render(
        request, "personnel/staffing.html", {"unit": unit, "rows": rows, "vacant": sum(r["vacant"] for r in rows)}
    )


@login_required
def import_officers(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    if not permissions.can_run_transfers(actor, province_root()):
        raise PermissionDenied()
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            created = importing.officers_import(actor=actor, data=upload.read() if upload else b"")
        except DomainError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("%(n)d officers imported.") % {"n": created})
            return redirect("personnel:officers")
    return render(request, "personnel/import.html", {"errors": errors}, status=422 if errors else 200)


@login_required
def template(request: HttpRequest) -> HttpResponse:
    _reader(request)
    response = HttpResponse(importing.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="personnel-template.xlsx"'
    return response
