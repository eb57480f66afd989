"""The register's pages: search, a person, a household, a dossier's change, current guests, a ward's quality."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from precinct.core.errors import DomainError, ValidationFailed
from precinct.core.forms import flash_error
from precinct.residence import permissions, selectors, services
from precinct.residence.models import PersonStatus, Relation, SexChoices
from precinct.residence.services.corrections import CORRECTABLE


@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    persons = selectors.person_list(actor=request.user, q=q)[:100]
    households = selectors.household_list(actor=request.user)[:50]
    wards = selectors.wards_readable(actor=request.user)
    return render(
        request, "residence/register.html", {"q": q, "persons": persons, "households": households, "wards": wards}
    )


@login_required
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    found = services.person_read(actor=request.user, person=selectors.person_get(actor=request.user, pk=pk))
    return render(
        request,
        "residence/person.html",
        {
            "person": found,
            "records": selectors.person_records(person=found),
            "memberships": selectors.person_households(person=found),
            "check": selectors.person_quality(person=found),
            "corrections": selectors.person_corrections(person=found),
            "can_correct": permissions.can_manage_register(request.user, found.unit),
            "sexes": SexChoices.choices,
            "statuses": PersonStatus.choices,
        },
    )


@login_required
@require_GET
def household(request: HttpRequest, pk: int) -> HttpResponse:
    found = services.household_read(actor=request.user, household=selectors.household_get(actor=request.user, pk=pk))
    current = selectors.household_current_records(household=found)
    members = [(m, current.get(m.person_id, [])) for m in found.members.all()]
    return render(
        request,
        "residence/household.html",
        {
            "household": found,
            "members": members,
            "can_change": permissions.can_manage_register(request.user, found.unit),
            "relations": [(v, label) for v, label in Relation.choices if v != Relation.HEAD],
        },
    )


@login_required
@require_POST
def household_split(request: HttpRequest, pk: int) -> HttpResponse:
    """Members leave the household to form a new one (one of them its head)."""
    found = selectors.household_get(actor=request.user, pk=pk)
    chosen = set(request.POST.getlist("members"))
    members = [m.person for m in found.members.all() if str(m.person_id) in chosen]
    head = next((m.person for m in found.members.all() if str(m.person_id) == request.POST.get("head")), None)
    try:
        if head is None:
            raise ValidationFailed({"head": [_("The new head must be one of the members who leave.")]})
        new = services.household_split(
            actor=request.user,
            household=found,
            members=members,
            head=head,
            street=request.POST.get("street", ""),
            number=request.POST.get("number", ""),
        )
    except DomainError as exc:
        flash_error(request, exc)
        return redirect("residence:household", pk=found.pk)
    messages.success(request, _("The household was split."))
    return redirect("residence:household", pk=new.pk)


@login_required
@require_POST
def household_join(request: HttpRequest, pk: int) -> HttpResponse:
    """A resident of the ward (by personal ID number) joins the household."""
    found = selectors.household_get(actor=request.user, pk=pk)
    personal_id = request.POST.get("personal_id", "").strip()
    person = selectors.person_list(actor=request.user, unit=found.unit).filter(personal_id=personal_id).first()
    try:
        if not personal_id or person is None:
            raise ValidationFailed({"personal_id": [_("No resident of this ward has this personal ID number.")]})
        services.household_join(
            actor=request.user, household=found, person=person, relation=request.POST.get("relation", "")
        )
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("The person joined the household."))
    return redirect("residence:household", pk=found.pk)


@login_required
@require_GET
def dossier(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "residence/dossier.html", selectors.dossier_residence_view(actor=request.user, code=code))


@login_required
@require_GET
def guests(request: HttpRequest) -> HttpResponse:
    return render(request, "residence/guests.html", {"stays": selectors.stays_current(actor=request.user)[:500]})


@login_required
@require_GET
def quality(request: HttpRequest, code: str) -> HttpResponse:
    unit, report = selectors.ward_quality(actor=request.user, code=code)
    can_export = permissions.can_export_register(request.user, unit)
    trend = selectors.quality_trend(unit=unit)
    can_rules = permissions.can_manage_rules(request.user)
    return render(
        request,
        "residence/quality.html",
        {"unit": unit, "report": report, "can_export": can_export, "trend": trend, "can_rules": can_rules},
    )


@login_required
@require_GET
def export(request: HttpRequest, code: str) -> HttpResponse:
    """The ward's residents as CSV: a leader over the ward only (403 for other readers), audited."""
    unit = selectors.ward_get(actor=request.user, code=code)
    body, _count = services.persons_export(actor=request.user, unit=unit)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="residents-{unit.code}.csv"'
    return response


@login_required
@require_POST
def not_duplicate(request: HttpRequest, code: str) -> HttpResponse:
    unit, _report = selectors.ward_quality(actor=request.user, code=code)
    try:
        first = selectors.person_get(actor=request.user, pk=int(request.POST.get("first", "0")))
        second = selectors.person_get(actor=request.user, pk=int(request.POST.get("second", "0")))
        services.not_duplicate_mark(actor=request.user, first=first, second=second)
    except (DomainError, ValueError) as exc:
        messages.error(request, str(getattr(exc, "message", _("The request is not valid."))))
    else:
        messages.success(request, _("Marked as different people."))
    return redirect("residence:quality", code=unit.code)


@login_required
@require_POST
def correction_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for a correction of a person's record (applied when a second officer approves)."""
    found = selectors.person_get(actor=request.user, pk=pk)
    values = {name: request.POST[name] for name in CORRECTABLE if name in request.POST}
    try:
        services.correction_request(
            actor=request.user, person=found, values=values, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Correction asked: a second officer of the ward must approve it."))
    return redirect("residence:person", pk=found.pk)


@login_required
@require_GET
def corrections(request: HttpRequest) -> HttpResponse:
    """The corrections waiting for a second officer in the wards the actor reads, before → after."""
    waiting = selectors.corrections_waiting(actor=request.user)
    return render(request, "residence/corrections.html", {"corrections": waiting})


@login_required
@require_POST
def correction_decide(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.correction_get(actor=request.user, pk=pk)
    note = request.POST.get("note", "")
    try:
        if request.POST.get("decision") == "approve":
            services.correction_approve(actor=request.user, correction=found, note=note)
            messages.success(request, _("Correction approved and applied."))
        else:
            services.correction_reject(actor=request.user, correction=found, note=note)
            messages.success(request, _("Correction rejected."))
    except DomainError as exc:
        flash_error(request, exc)
    return redirect("residence:corrections")


@login_required
def register_import(request: HttpRequest, code: str) -> HttpResponse:
    """Import an existing register (CSV/XLSX) into a ward: all rows or none, or explicitly only the valid ones."""
    unit = selectors.ward_get(actor=request.user, code=code)
    batch = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a CSV or Excel (.xlsx) file."))
        else:
            try:
                batch = services.register_import(
                    actor=request.user,
                    unit=unit,
                    name=upload.name or "",
                    content=upload.read(),
                    only_valid=request.POST.get("mode") == "valid",
                )
            except DomainError as exc:
                flash_error(request, exc)
    return render(
        request,
        "residence/import.html",
        {
            "unit": unit,
            "batch": batch,
            "batches": selectors.import_batches(actor=request.user, unit=unit),
            "can_import": permissions.can_manage_register(request.user, unit),
        },
    )


@login_required
@require_GET
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The downloadable error report of an import."""
    batch = selectors.import_batch_get(actor=request.user, pk=pk)
    response = HttpResponse(services.error_report(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.csv"'
    return response
