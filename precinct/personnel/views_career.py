"""The career form: the personnel department (or an administrator over the officer) adds a rank, posting,
education, political-theory, licence/certificate, commendation or evaluation row with its decision (number, date,
signed PDF), or corrects a row by adding the row that replaces it (services.career.career_add: nothing is
overwritten). A refused row shows every field's message and saves nothing."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.organisation.models import Rank
from precinct.personnel import permissions, selectors
from precinct.personnel.models import CertificateKind, EducationLevel, PoliticalTheory, Rating
from precinct.personnel.services.career import KINDS, career_add
from precinct.personnel.views import _reader


@dataclass(frozen=True)
class Field:
    name: str
    label: Promise
    kind: str = "text"  # text, date, number, select
    choices: tuple[tuple[object, object], ...] = ()


DECISION = (
    Field("decision_number", gettext_lazy("Decision number")),
    Field("decision_date", gettext_lazy("Decision date"), "date"),
)
FIELDS: dict[str, tuple[Field, ...]] = {
    "rank": (
        Field("rank", gettext_lazy("Rank"), "select", tuple(Rank.choices)),
        Field("effective_on", gettext_lazy("Effective on"), "date"),
    ),
    "posting": (
        Field("unit", gettext_lazy("Unit code")),
        Field("position", gettext_lazy("Position")),
        Field("start_on", gettext_lazy("From"), "date"),
    ),
    "education": (
        Field("level", gettext_lazy("Level"), "select", tuple(EducationLevel.choices)),
        Field("field", gettext_lazy("Field of study")),
        Field("institution", gettext_lazy("Institution")),
        Field("year", gettext_lazy("Year"), "number"),
    ),
    "theory": (
        Field("level", gettext_lazy("Political-theory level"), "select", tuple(PoliticalTheory.choices)),
        Field("awarded_on", gettext_lazy("Awarded on"), "date"),
    ),
    "certificate": (
        Field("kind", gettext_lazy("Kind"), "select", tuple(CertificateKind.choices)),
        Field("title", gettext_lazy("Title")),
        Field("issuer", gettext_lazy("Issued by")),
        Field("issued_on", gettext_lazy("Issued on"), "date"),
        Field("expires_on", gettext_lazy("Expires on"), "date"),
    ),
    "commendation": (Field("title", gettext_lazy("Title")), Field("awarded_on", gettext_lazy("Awarded on"), "date")),
    "evaluation": (
        Field("year", gettext_lazy("Year"), "number"),
        Field("rating", gettext_lazy("Rating"), "select", tuple(Rating.choices)),
    ),
}
TITLES = {
    "rank": gettext_lazy("Rank"),
    "posting": gettext_lazy("Posting"),
    "education": gettext_lazy("Education"),
    "theory": gettext_lazy("Political theory"),
    "certificate": gettext_lazy("Training, licence or certificate"),
    "commendation": gettext_lazy("Commendation"),
    "evaluation": gettext_lazy("Evaluation"),
}
assert set(FIELDS) == set(KINDS)


def _corrects(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def career_form(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    officer = selectors.officer_get(actor=actor, officer_id=pk)  # 404 outside the reach
    if not permissions.can_edit_career(actor, officer):
        raise PermissionDenied()
    source = request.POST if request.method == "POST" else request.GET
    kind = source.get("kind", "rank")
    if kind not in FIELDS:
        kind = "rank"
    corrects = _corrects(source.get("corrects"))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {f.name: request.POST.get(f.name, "") for f in (*FIELDS[kind], *DECISION)}
        try:
            career_add(
                actor=actor,
                officer=officer,
                kind=kind,
                values=values,
                corrects_id=corrects,
                decision_file=request.FILES.get("decision_file"),
            )
        except PermissionDenied:
            raise
        except ValidationFailed as exc:
            errors = {name: [str(m) for m in msgs] for name, msgs in exc.fields.items()}
        except DomainError as exc:
            errors = {"__all__": [str(exc.message)]}
        else:
            messages.success(request, _("Saved."))
            return redirect("personnel:officer", pk=officer.pk)
    fields = [
        (f, request.POST.get(f.name, "") if errors else "", errors.get(f.name, [])) for f in (*FIELDS[kind], *DECISION)
    ]
    return render(
        request,
        "personnel/career_form.html",
        {
            "officer": officer,
            "kind": kind,
            "kinds": [(k, TITLES[k]) for k in FIELDS],
            "title": TITLES[kind],
            "fields": fields,
            "corrects": corrects,
            "errors": errors,
            "other_errors": [
                m
                for name, msgs in errors.items()
                if name not in {f.name for f in (*FIELDS[kind], *DECISION)}
                for m in msgs
            ],
        },
        status=422 if errors else 200,
    )
