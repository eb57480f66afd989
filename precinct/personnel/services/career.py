"""Career rows: added, never changed. A correction is a new row naming the one it corrects."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.accounts.actors import as_user
from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Officer, Rank, Unit
from precinct.organisation.selectors import unit_by_code
from precinct.organisation.services import officer_save
from precinct.personnel import summary
from precinct.personnel.models import (
    Certificate,
    CertificateKind,
    Commendation,
    Education,
    EducationLevel,
    Evaluation,
    Level,
    PoliticalTheory,
    Posting,
    Profile,
    RankRecord,
    Rating,
    TheoryRecord,
)
from precinct.personnel.permissions import can_edit_career

Errors = dict[str, list[Any]]


def level_of(unit: Unit) -> str:
    return Level.COMMUNE if unit.kind in COMMUNE_LEVEL_KINDS else Level.PROVINCE


@dataclass(frozen=True)
class Kind:
    model: type[models.Model]
    fields: tuple[str, ...]  # required, besides the decision
    choices: dict[str, list[Any]]
    dates: tuple[str, ...] = ()
    optional_dates: tuple[str, ...] = ()


KINDS: dict[str, Kind] = {
    "rank": Kind(RankRecord, ("rank", "effective_on"), {"rank": Rank.values}, dates=("effective_on",)),
    # A posting recorded here is history (an earlier posting, a correction); moving an officer is a transfer.
    "posting": Kind(Posting, ("unit", "position", "start_on"), {}, dates=("start_on",)),
    "education": Kind(Education, ("level", "field", "institution", "year"), {"level": EducationLevel.values}),
    "theory": Kind(TheoryRecord, ("level", "awarded_on"), {"level": PoliticalTheory.values}, dates=("awarded_on",)),
    "certificate": Kind(
        Certificate,
        ("kind", "title", "issuer", "issued_on"),
        {"kind": CertificateKind.values},
        dates=("issued_on",),
        optional_dates=("expires_on",),
    ),
    "commendation": Kind(Commendation, ("title", "awarded_on"), {}, dates=("awarded_on",)),
    "evaluation": Kind(Evaluation, ("year", "rating"), {"rating": Rating.values}),
}
OPTIONAL = {"certificate": ("expires_on",)}
DECISION = ("decision_number", "decision_date")


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def career_input_check(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """The row's clean values, or ValidationFailed naming every field at fault."""
    spec = KINDS.get(kind)
    if spec is None:
        raise ValidationFailed({"kind": [_("Choose one of the listed kinds of record.")]})
    errors: Errors = {}
    clean: dict[str, Any] = {}
    today = timezone.localdate()
    for name in (*spec.fields, *OPTIONAL.get(kind, ()), *DECISION):
        raw = values.get(name)
        required = name in spec.fields
        if raw in (None, ""):
            if required:
                errors[name] = [_("This field is required.")]
            continue
        if name in (*spec.dates, *spec.optional_dates, "decision_date"):
            day = _date(raw)
            if day is None:
                errors[name] = [_("Enter a valid date.")]
            elif name in spec.dates and day > today:
                errors[name] = [_("This date is in the future.")]
            clean[name] = day
        elif name == "unit":
            unit = unit_by_code(str(raw).strip())
            if unit is None:
                errors[name] = [_("There is no active unit with this code.")]
            else:
                clean["unit"], clean["level"] = unit, level_of(unit)
        elif name in ("year", "level", "rating"):
            number = _int(raw)
            if number is None or (name == "year" and not 1950 <= number <= today.year):
                errors[name] = [_("Enter a valid year.") if name == "year" else _("Choose one of the listed values.")]
            clean[name] = number
        else:
            clean[name] = str(raw).strip()
        if name in spec.choices and clean.get(name) not in spec.choices[name]:
            errors[name] = [_("Choose one of the listed values.")]
    expires, issued = clean.get("expires_on"), clean.get("issued_on")
    if kind == "certificate" and expires and issued and expires <= issued:
        errors["expires_on"] = [_("The expiry must come after the date issued.")]
    if errors:
        raise ValidationFailed(errors)
    return clean


DECISION_FILE_LIMIT = 10 * 1024 * 1024


def decision_file_check(upload: UploadedFile | None) -> None:
    """A decision's signed file is a PDF of at most 10 MB."""
    if upload is None:
        return
    if upload.size is None or upload.size > DECISION_FILE_LIMIT:
        raise ValidationFailed({"decision_file": [_("The decision file must be a PDF of at most 10 MB.")]})
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ValidationFailed({"decision_file": [_("The decision file must be a PDF of at most 10 MB.")]})


@transaction.atomic
def career_add(
    *,
    actor: Actor,
    officer: Officer,
    kind: str,
    values: dict[str, Any],
    corrects_id: int | None = None,
    decision_file: UploadedFile | None = None,
) -> models.Model:
    """Add one dated row to an officer's career (a rank, a posting, a degree, a certificate...), with its decision
    (number, date, signed PDF). With `corrects_id`, the row replaces that earlier one for every reader; the earlier
    row stays, as the record of what was believed."""
    if actor is not None and not can_edit_career(actor, officer):
        raise PermissionDenied()
    clean = career_input_check(kind, values)
    decision_file_check(decision_file)
    model = KINDS[kind].model
    corrects = None
    if corrects_id is not None:
        corrects = model._default_manager.filter(pk=corrects_id, officer=officer).first()  # type: ignore[misc]
        if corrects is None:
            raise ValidationFailed({"corrects": [_("There is no such record of this officer to correct.")]})
        if model._default_manager.filter(corrects=corrects).exists():  # type: ignore[misc]
            raise ValidationFailed({"corrects": [_("This record has already been corrected: correct the latest one.")]})
    row = model(officer=officer, corrects=corrects, recorded_by=as_user(actor), **clean)
    if decision_file is not None:
        row.decision_file.save(decision_file.name or "decision.pdf", decision_file, save=False)  # type: ignore[attr-defined]
    row.save()
    if kind == "education":
        education_level_refresh(officer)
    if kind == "rank":
        latest = RankRecord.objects.filter(officer=officer).order_by("-effective_on", "-pk").first()
        if latest is not None and latest.pk == row.pk and officer.rank != row.rank:  # type: ignore[attr-defined]
            officer_save(actor=None, officer=officer, rank=row.rank)  # type: ignore[attr-defined]
    audit_record(
        actor=actor,
        action=f"personnel.{kind}_add",
        target=row,
        unit=officer.unit,
        after={
            "officer": officer.pk,
            "corrects": corrects_id,
            **{k: (v.code if isinstance(v, Unit) else v) for k, v in clean.items()},
            "decision_file": row.decision_file.name or "",  # type: ignore[attr-defined]
        },
    )
    return row


def education_level_refresh(officer: Officer) -> None:
    """Copy the highest live degree onto the profile (see Profile.education_level)."""
    live = Education.objects.filter(officer=officer).exclude(Exists(Education.objects.filter(corrects=OuterRef("pk"))))
    top = live.aggregate(top=Max("level"))["top"]
    Profile.objects.filter(officer=officer).update(education_level=top)
    summary.units_refresh([officer.unit_id])  # the unit's degree count


@transaction.atomic
def profile_save(
    *, actor: Actor, officer: Officer, date_of_birth: datetime.date, joined_on: datetime.date, sex: str = ""
) -> Profile:
    if actor is not None and not can_edit_career(actor, officer):
        raise PermissionDenied()
    errors: Errors = {}
    today = timezone.localdate()
    if date_of_birth > today.replace(year=today.year - 16):
        errors["date_of_birth"] = [_("An officer is at least 16 years old.")]
    if joined_on > today or joined_on < date_of_birth:
        errors["joined_on"] = [_("Enter a date of joining between the date of birth and today.")]
    if errors:
        raise ValidationFailed(errors)
    profile, created = Profile.objects.update_or_create(
        officer=officer, defaults={"date_of_birth": date_of_birth, "joined_on": joined_on, "sex": sex}
    )
    if created:
        education_level_refresh(officer)
    audit_record(
        actor=actor,
        action="personnel.profile_create" if created else "personnel.profile_update",
        target=profile,
        unit=officer.unit,
        after={"date_of_birth": date_of_birth, "joined_on": joined_on},
    )
    return profile


def posting_write(
    *, actor: Actor, officer: Officer, unit: Unit, position: str, start_on: datetime.date, decision: dict[str, Any]
) -> Posting:
    """A posting row (inside the caller's transaction: a transfer, an import)."""
    return Posting.objects.create(
        officer=officer,
        unit=unit,
        level=level_of(unit),
        position=position,
        start_on=start_on,
        recorded_by=as_user(actor),
        **decision,
    )
