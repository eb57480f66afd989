from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from precinct.core.calendar import calendar
from precinct.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from precinct.core.formats import format_value
from precinct.core.forms import add_validation_errors, flash_error
from precinct.eservices import public, selectors, services
from precinct.eservices.files import attachment_response
from precinct.eservices.forms import ActionForm, DossierSubmitForm, LookupForm, ProcedureEditForm, RatingForm
from precinct.eservices.forms_schema import field_label
from precinct.eservices.guide import guide_display
from precinct.eservices.letters import apology_letter_pdf
from precinct.eservices.models import DossierStatus, ServiceField
from precinct.eservices.permissions import can_edit_catalogue
from precinct.eservices.receipt import receipt_pdf
from precinct.eservices.templates_pdf import template_pdf
from precinct.organisation.models import Role
from precinct.organisation.permissions import STAFF_ROLES
from precinct.organisation.scoping import has_any_role
from precinct.organisation.selectors import unit_by_code, unit_list


def catalogue(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    field = request.GET.get("field", "")
    procedures = selectors.procedure_list(q=q, field=field)
    return render(
        request,
        "eservices/catalogue.html",
        {
            "procedures": procedures,
            "fields": ServiceField.objects.all(),
            "q": q,
            "field": field,
        },
    )


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = selectors.procedure_get(code=code)
    version = procedure.current
    assert version is not None
    received_on, due = calendar().due_date(timezone.now(), version.deadline_days, cutoff=version.cutoff)
    english = (translation.get_language() or "vi").startswith("en")
    return render(
        request,
        "eservices/procedure.html",
        {
            "procedure": procedure,
            "version": version,
            "received_on": received_on,
            "due_date": due,
            "guide": guide_display(version.guide),
            "documents": [
                {
                    "index": i,
                    "name": d.get("name_en") if english and d.get("name_en") else d["name"],
                    "required": bool(d.get("required")),
                    "template": bool(d.get("template")),
                }
                for i, d in enumerate(version.required_documents)
            ],
            "can_edit": can_edit_catalogue(request.user),
        },
    )


def document_template(request: HttpRequest, code: str, index: int) -> HttpResponse:
    """The blank form of a document the procedure asks for (those marked as having a template)."""
    version = selectors.procedure_get(code=code).current
    assert version is not None
    documents = version.required_documents
    if index >= len(documents) or not documents[index].get("template"):
        raise NotFound()
    response = HttpResponse(template_pdf(version, documents[index]), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="mau-{code}-{index + 1}.pdf"'
    return response


@login_required
def procedure_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Operators change a procedure; each save publishes a new version (dossiers keep theirs)."""
    if not can_edit_catalogue(request.user):
        raise PermissionDenied()
    procedure = selectors.procedure_get(code=code)
    version = procedure.current
    assert version is not None
    initial = {f: getattr(version, f) for f in ProcedureEditForm.base_fields}
    form = ProcedureEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.procedure_save(actor=request.user, code=procedure.code, **form.cleaned_data)
        except ValidationFailed as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Version %(n)d published.") % {"n": new.number})
            return redirect("eservices:procedure", code=procedure.code)
    return render(
        request,
        "eservices/procedure_edit.html",
        {"procedure": procedure, "version": version, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def dossier_submit(request: HttpRequest, code: str) -> HttpResponse:
    procedure = selectors.procedure_get(code=code)
    version = procedure.current
    assert version is not None
    if not request.user.is_citizen:  # type: ignore[union-attr]
        raise PermissionDenied(_("Only citizens can submit dossiers online."))
    form = DossierSubmitForm(
        request.POST or None,
        request.FILES or None,
        version=version,
        home_unit=selectors.citizen_home_unit(actor=request.user),
    )
    if request.method == "POST":
        valid = form.is_valid()
        uploads = [services.Upload(name, f) for name, f in form.uploads()]
        unit_code = form.cleaned_data.get("unit")
        try:
            if not valid:
                # Every message in one round: what the service would say about the fields that did parse,
                # the files and the required documents, beside the form's own messages.
                errors, _unit = services.dossier_submission_errors(
                    version=version, form_data=form.form_data(), unit_code=unit_code, uploads=uploads
                )
                raise ValidationFailed(errors)
            dossier = services.dossier_submit(
                actor=request.user,
                procedure=procedure,
                form_data=form.form_data(),
                unit_code=unit_code,
                uploads=uploads,
            )
        except ValidationFailed as exc:
            for key, texts in exc.fields.items():
                name = form.field_for(key)
                if name is not None and name in form.errors:
                    continue  # the form already says what is wrong with this field
                for text in texts:
                    form.add_error(name, str(text))
        else:
            messages.success(
                request, _("Your dossier has been submitted. Its code is %(code)s.") % {"code": dossier.code}
            )
            return redirect("eservices:dossier", code=dossier.code)
    return render(
        request,
        "eservices/submit.html",
        {"procedure": procedure, "version": version, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_citizen or has_any_role(user, STAFF_ROLES)):  # type: ignore[union-attr]
        raise PermissionDenied()
    filters = {
        "status": request.GET.get("status", ""),
        "procedure": request.GET.get("procedure", "").strip(),
        "field": request.GET.get("field", ""),
        "q": request.GET.get("q", "").strip()[:64],
    }
    due = request.GET.get("due", "")
    dossiers = selectors.dossier_list(
        actor=user, **filters, overdue=due == "overdue", due_within=2 if due == "soon" else None
    )
    page = Paginator(dossiers, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "eservices/dossiers.html",
        {
            "page": page,
            "filters": filters,
            "due": due,
            "statuses": DossierStatus.choices,
            "fields": ServiceField.objects.all(),
            "is_officer": not user.is_citizen,  # type: ignore[union-attr]
            "sees_ratings": has_any_role(user, (Role.LEADER, Role.ADMINISTRATOR)),
            "today": timezone.localdate(),
            "query": query.urlencode(),
        },
    )


@login_required
@require_POST
def dossier_bulk_receive(request: HttpRequest) -> HttpResponse:
    received, refused = 0, 0
    for code in request.POST.getlist("codes")[:100]:
        try:
            dossier = selectors.dossier_get(actor=request.user, code=code)
            services.dossier_transition(actor=request.user, dossier=dossier, action="receive")
            received += 1
        except DomainError:
            refused += 1
    messages.success(request, _("%(n)d dossiers received.") % {"n": received})
    if refused:
        messages.error(request, _("%(n)d dossiers could not be received.") % {"n": refused})
    return redirect("eservices:dossiers")


@login_required
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = selectors.dossier_get(actor=request.user, code=code)
    allowed = services.allowed_actions(request.user, dossier)
    specs = dossier.version.workflow.definition["actions"]
    actions = [{"name": a, "note": bool(specs[a].get("note")), "effect": specs[a].get("effect") or ""} for a in allowed]
    labels = dossier.version.form_schema.get("properties", {})
    answers = [
        (field_label(spec, name), format_value(dossier.form_data.get(name)))
        for name, spec in labels.items()
        if name in dossier.form_data
    ]
    units = unit_list(actor=request.user).exclude(pk=dossier.unit_id).order_by("path") if "transfer" in allowed else []
    is_applicant = dossier.applicant_id == request.user.pk
    contact = None if is_applicant else services.dossier_applicant_read(actor=request.user, dossier=dossier)
    return render(
        request,
        "eservices/dossier.html",
        {
            "dossier": dossier,
            "actions": actions,
            "answers": answers,
            "units": units,
            "events": dossier.events.all(),
            "attachments": dossier.attachments.all(),
            "is_applicant": is_applicant,
            "contact": contact,
            "rating": getattr(dossier, "rating", None),
            "rating_form": RatingForm() if dossier.status == DossierStatus.DONE else None,
        },
    )


ACTION_DONE = {
    "receive": gettext_lazy("Dossier %(code)s received."),
    "return_incomplete": gettext_lazy("Dossier %(code)s returned as incomplete."),
    "start_review": gettext_lazy("Review of dossier %(code)s started."),
    "request_supplement": gettext_lazy("Supplement requested for dossier %(code)s."),
    "supplement": gettext_lazy("Your supplement to dossier %(code)s has been sent."),
    "propose": gettext_lazy("Dossier %(code)s proposed to the leader for approval."),
    "approve": gettext_lazy("Dossier %(code)s approved."),
    "refuse": gettext_lazy("Dossier %(code)s refused."),
    "issue_result": gettext_lazy("The signed result of dossier %(code)s has been issued."),
    "complete": gettext_lazy("Dossier %(code)s marked as done."),
    "withdraw": gettext_lazy("Dossier %(code)s withdrawn."),
    "transfer": gettext_lazy("Dossier %(code)s transferred."),
    "extend": gettext_lazy("Due date of dossier %(code)s extended; the letter of apology is ready."),
}


def action_done_message(action: str, code: str) -> str:
    """What the person who took an action is told: what happened, to which dossier."""
    message = ACTION_DONE.get(action, gettext_lazy("Action “%(action)s” taken on dossier %(code)s."))
    return str(message) % {"code": code, "action": action}


@login_required
@require_POST
def dossier_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    dossier = selectors.dossier_get(actor=request.user, code=code)
    form = ActionForm(request.POST, request.FILES)
    form.is_valid()
    data = form.cleaned_data
    target = unit_by_code(data.get("target_unit") or "")
    uploads = [services.Upload(_("Supplement"), data["file"])] if data.get("file") else []
    try:
        services.dossier_transition(
            actor=request.user,
            dossier=dossier,
            action=action,
            note=data.get("note") or "",
            target_unit=target,
            new_due_date=data.get("new_due_date"),
            uploads=uploads,
        )
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, action_done_message(action, dossier.code))
        if action == "transfer":
            return redirect("eservices:dossiers")
    return redirect("eservices:dossier", code=dossier.code)


@login_required
@require_POST
def dossier_rate(request: HttpRequest, code: str) -> HttpResponse:
    dossier = selectors.dossier_get(actor=request.user, code=code)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for msgs in form.errors.values() for m in msgs))
        return redirect("eservices:dossier", code=dossier.code)
    try:
        services.dossier_rate(
            actor=request.user, dossier=dossier, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
        )
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect("eservices:dossier", code=dossier.code)


@login_required
def rating_summary(request: HttpRequest) -> HttpResponse:
    """Average ratings per unit, procedure and officer, for leaders over their subtree."""
    if not has_any_role(request.user, (Role.LEADER, Role.ADMINISTRATOR)):
        raise PermissionDenied()
    tables = [
        (_("By unit"), _("Unit"), selectors.rating_averages(actor=request.user, by="unit")),
        (_("By procedure"), _("Procedure"), selectors.rating_averages(actor=request.user, by="procedure")),
        (_("By officer"), _("Officer"), selectors.rating_averages(actor=request.user, by="officer")),
    ]
    return render(request, "eservices/ratings.html", {"tables": tables})


@login_required
def dossier_apology(request: HttpRequest, code: str, event_id: int) -> HttpResponse:
    dossier = selectors.dossier_get(actor=request.user, code=code)
    event = next((e for e in dossier.events.all() if e.pk == event_id and e.action == "extend"), None)
    if event is None:
        raise NotFound()
    event.dossier = dossier
    response = HttpResponse(apology_letter_pdf(event), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="thu-xin-loi-{dossier.code}.pdf"'
    return response


@login_required
def dossier_attachment(request: HttpRequest, code: str, attachment_id: int) -> FileResponse:
    return attachment_response(
        selectors.dossier_attachment_get(actor=request.user, code=code, attachment_id=attachment_id)
    )


@login_required
def dossier_receipt(request: HttpRequest, code: str) -> HttpResponse:
    dossier = selectors.dossier_get(actor=request.user, code=code)
    response = HttpResponse(receipt_pdf(dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-nhan-{dossier.code}.pdf"'
    return response


def lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST or None, initial={"code": request.GET.get("code", "")[:64]})
    result, error, status = None, "", 200
    if request.method == "POST" and form.is_valid():
        try:
            result = public.dossier_public_lookup(
                request=request, code=form.cleaned_data["code"], personal_id=form.cleaned_data["personal_id"]
            )
        except DomainError as exc:
            error, status = str(exc.message), exc.status
    return render(request, "eservices/lookup.html", {"form": form, "result": result, "error": error}, status=status)
