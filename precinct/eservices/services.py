"""Writes for the one-stop shop. Each is one transaction with its history event and audit row."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from precinct.accounts.actors import as_user
from precinct.accounts.models import User
from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.calendar import LOCAL_TZ, calendar
from precinct.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from precinct.core.inserts import PreparedInsert
from precinct.core.text import fold
from precinct.eservices.cache import forget_procedures
from precinct.eservices.codes import dossier_code
from precinct.eservices.events import overdue_marked_event, submitted_event, transition_event
from precinct.eservices.forms_schema import form_errors, schema_errors
from precinct.eservices.guide import guide_errors
from precinct.eservices.models import (
    Dossier,
    DossierAttachment,
    DossierCodeSequence,
    DossierRating,
    DossierStatus,
    Level,
    Procedure,
    ProcedureVersion,
    ServiceField,
)
from precinct.eservices.permissions import can_edit_catalogue
from precinct.eservices.signals import DossierChange, TransitionCheck, dossier_changed, dossier_transition_checking
from precinct.eservices.workflow import RUNNING, Move, apply_effect, default_workflow
from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Unit
from precinct.organisation.permissions import STAFF_ROLES
from precinct.organisation.scoping import reaches
from precinct.organisation.selectors import active_unit, province_code, province_root

MAX_FILES = 10
MAX_FILE_BYTES = 10 * 1024 * 1024
# Accepted attachment types, recognised by their first bytes (the client's claim is not trusted).
MAGIC = {b"%PDF-": "application/pdf", b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
VERSION_FIELDS = (
    "name",
    "name_en",
    "field",
    "level",
    "receiving_department",
    "deadline_days",
    "fee_vnd",
    "cutoff",
    "required_documents",
    "guide",
    "form_schema",
    "workflow",
    "is_sample",
)


# --- catalogue ------------------------------------------------------------------------------------


@transaction.atomic
def procedure_save(*, actor: Actor, code: str, **values: Any) -> ProcedureVersion:
    """Create a procedure or publish a new version of it. Dossiers stay on the version they used."""
    if not can_edit_catalogue(actor):
        raise PermissionDenied()
    errors: dict[str, list[Any]] = {}
    if not code.strip():
        errors["code"] = [_("This field is required.")]
    procedure = Procedure.objects.select_for_update().filter(code=code).first()
    current = procedure.current if procedure else None
    merged = {f: getattr(current, f) for f in VERSION_FIELDS} if current else {}
    merged.update(values)
    if not str(merged.get("name", "")).strip():
        errors["name"] = [_("This field is required.")]
    if merged.get("level") not in Level.values:
        errors["level"] = [_("Choose one of the listed values.")]
    if not isinstance(merged.get("field"), ServiceField):
        errors["field"] = [_("Choose one of the listed values.")]
    if not isinstance(merged.get("deadline_days"), int) or not 0 <= merged["deadline_days"] <= 365:
        errors["deadline_days"] = [_("This value is out of range.")]
    if not isinstance(merged.get("fee_vnd", 0), int) or merged.get("fee_vnd", 0) < 0:
        errors["fee_vnd"] = [_("This value is out of range.")]
    if problems := schema_errors(merged.get("form_schema") or {}):
        errors["form_schema"] = problems
    if problems := guide_errors(merged.get("guide") or {}):
        errors["guide"] = problems
    if errors:
        raise ValidationFailed(errors)
    merged.setdefault("workflow", default_workflow())
    if procedure is None:
        procedure = Procedure.objects.create(code=code.strip())
    number = (current.number + 1) if current else 1
    version = ProcedureVersion(procedure=procedure, number=number, created_by=as_user(actor), **merged)
    version.refresh_search_text()
    version.save()
    procedure.current = version
    procedure.save(update_fields=["current"])
    transaction.on_commit(forget_procedures)  # this process submits on the new version at once
    audit_record(
        actor=actor,
        action="eservices.procedure_save",
        target=version,
        after={
            "code": procedure.code,
            "version": number,
            "deadline_days": version.deadline_days,
            "fee_vnd": version.fee_vnd,
        },
    )
    return version


# --- dossiers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    document: str
    file: UploadedFile


def _sniff(upload: UploadedFile) -> str | None:
    head = upload.read(16)
    upload.seek(0)
    return next((kind for magic, kind in MAGIC.items() if head.startswith(magic)), None)


def _check_uploads(uploads: list[Upload], documents: list[dict[str, Any]] | None = None) -> dict[str, list[Any]]:
    """Messages about the files: each on the listed document it was sent for (`documents.<index>` of the
    procedure's list), else under `files`. All of them at once, with the form's own messages."""
    index = {d["name"]: i for i, d in enumerate(documents or [])}
    errors: dict[str, list[Any]] = {}
    if len(uploads) > MAX_FILES:
        errors.setdefault("files", []).append(_("At most 10 files can be attached."))
    for upload in uploads:
        key = f"documents.{index[upload.document]}" if upload.document in index else "files"
        if upload.file.size is None or upload.file.size > MAX_FILE_BYTES:
            errors.setdefault(key, []).append(_("Each file must be at most 10 MB."))
        elif _sniff(upload.file) is None:
            errors.setdefault(key, []).append(_("Only PDF, PNG and JPEG files are accepted."))
    return errors


def _document_name(document: dict[str, Any]) -> str:
    english = (get_language() or "vi").startswith("en")
    return str(document.get("name_en") if english and document.get("name_en") else document["name"])


def dossier_submission_errors(
    *, version: ProcedureVersion, form_data: dict[str, Any], unit_code: str | None, uploads: list[Upload]
) -> tuple[dict[str, list[Any]], Unit | None]:
    """Everything wrong with a submission, in one round: the form against its schema and cross-field rules,
    each file, each required document left out, the receiving unit. Reads only (the unit). Answers the
    messages per field and the receiving unit (None when it is wrong)."""
    errors = form_errors(version.form_schema or {"type": "object"}, form_data)
    for key, messages in _check_uploads(uploads, version.required_documents).items():
        errors.setdefault(key, []).extend(messages)
    sent = {u.document for u in uploads}
    for i, document in enumerate(version.required_documents):
        if document.get("required") and document["name"] not in sent:
            errors.setdefault(f"documents.{i}", []).append(
                _("Attach this document: %(name)s.") % {"name": _document_name(document)}
            )
    unit = None
    try:
        unit = receiving_unit(version, unit_code)
    except ValidationFailed as exc:
        errors |= exc.fields
    return errors, unit


def receiving_unit(version: ProcedureVersion, unit_code: str | None) -> Unit:
    """Where a dossier goes: the chosen commune-level police, or the province's receiving department."""
    if version.level == Level.COMMUNE:
        unit = active_unit(unit_code or "")
        if unit is None or unit.kind not in COMMUNE_LEVEL_KINDS:
            raise ValidationFailed({"unit": [_("Choose the ward, commune or special zone police.")]})
        return unit
    return active_unit(f"{province_code()}-{version.receiving_department}") or province_root()


def sequence_next(key: str, day: datetime.date) -> int:
    """The next number of a sequence that restarts daily (dossier codes: the receiving agency's code), or
    yearly when `day` is the year's first day (result numbers). Unique under concurrency: the row is
    incremented in place (the row lock is held until commit), created on first use."""
    table = DossierCodeSequence._meta.db_table
    for _attempt in range(3):
        with connection.cursor() as cursor:
            # One round trip on PostgreSQL and SQLite alike (both support RETURNING).
            cursor.execute(
                f"UPDATE {table} SET last = last + 1 WHERE agency_code = %s AND day = %s RETURNING last",  # noqa: S608
                [key, day],
            )
            row = cursor.fetchone()
        if row is not None:
            return int(row[0])
        try:
            with transaction.atomic():
                DossierCodeSequence.objects.create(agency_code=key, day=day, last=1)
        except IntegrityError:
            continue  # another transaction created it first: increment it instead
        return 1
    raise DomainError("busy", _("The service is busy. Please try again."), status=503)


def _next_code(unit: Unit, day: datetime.date) -> str:
    """Agency code + receipt date + the day's sequence."""
    return dossier_code(unit.code, day, sequence_next(unit.code, day))


def _attach(dossier: Dossier, uploads: list[Upload]) -> None:
    for upload in uploads:
        DossierAttachment.objects.create(
            dossier=dossier,
            document=upload.document[:200],
            file=upload.file,
            original_name=(upload.file.name or "file")[:255],
            content_type=_sniff(upload.file) or "",
            size=upload.file.size or 0,
        )


# Every submission writes this row (and its history row, events.py): the INSERT is built once
# (core/inserts.py), not compiled per call.
_insert_dossier = PreparedInsert(Dossier, returning="id")


@transaction.atomic
def dossier_submit(
    *,
    actor: Actor,
    procedure: Procedure,
    form_data: dict[str, Any],
    unit_code: str | None = None,
    uploads: list[Upload] | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """A citizen submits a dossier online; it gets its code and due date at once."""
    if not isinstance(actor, User) or not actor.is_citizen:
        raise PermissionDenied(_("Only citizens can submit dossiers online."))
    version = procedure.current
    if version is None or not procedure.is_active:
        raise NotFound()
    version.procedure = procedure  # already loaded: spare the query when the dossier is shown
    uploads = uploads or []
    errors, unit = dossier_submission_errors(version=version, form_data=form_data, unit_code=unit_code, uploads=uploads)
    if errors or unit is None:
        raise ValidationFailed(errors)

    submitted_at = now or timezone.now()
    received_on, due = calendar().due_date(submitted_at, version.deadline_days, cutoff=version.cutoff)
    dossier = Dossier(
        code=_next_code(unit, submitted_at.astimezone(LOCAL_TZ).date()),
        version=version,
        applicant=actor,
        unit=unit,
        unit_path=unit.path,
        form_data=form_data,
        applicant_folded=fold(actor.full_name)[:150],
        submitted_at=submitted_at,
        received_on=received_on,
        due_date=due,
    )
    _insert_dossier.save(dossier)
    _attach(dossier, uploads)
    event = submitted_event(dossier, actor=actor)
    dossier_changed.send(sender=Dossier, change=DossierChange(dossier=dossier, event=event, actor=actor))
    # The audit row comes last: its chain lock is then held only until the commit that follows.
    audit_record(
        actor=actor,
        action="eservices.dossier_submit",
        target=dossier,
        unit=unit,
        after={
            "code": dossier.code,
            "procedure": procedure.code,
            "version": version.number,
            "due_date": due,
            "files": len(uploads),
        },
    )
    return dossier


def allowed_actions(actor: Actor, dossier: Dossier) -> list[str]:
    """The actions this actor may take on this dossier now (for buttons and for checks)."""
    actions = dossier.version.workflow.definition["actions"]
    return [name for name, spec in actions.items() if dossier.status in spec["from"] and _may(actor, dossier, spec)]


def _may(actor: Actor, dossier: Dossier, spec: dict[str, Any]) -> bool:
    if spec["by"] == "applicant":
        return actor is not None and actor.pk == dossier.applicant_id
    return reaches(actor, dossier.unit, spec.get("roles", []))


@transaction.atomic
def dossier_transition(
    *,
    actor: Actor,
    dossier: Dossier,
    action: str,
    note: str = "",
    target_unit: Unit | None = None,
    new_due_date: datetime.date | None = None,
    uploads: list[Upload] | None = None,
) -> Dossier:
    """Take one workflow action. Refused (changing nothing) unless the workflow allows it from the
    dossier's current state to someone with the actor's role over the dossier's unit."""
    # The dossier's row only: on PostgreSQL a plain FOR UPDATE would lock the joined version, workflow
    # and unit too, so every transition in a unit (and any insert referencing it) would queue behind it.
    dossier = (
        Dossier.objects.select_for_update(of=("self",)).select_related("version__workflow", "unit").get(pk=dossier.pk)
    )
    spec = dossier.version.workflow.definition["actions"].get(action)
    if spec is None:
        raise DomainError("unknown_action", _("This action does not exist."), status=400)
    if not _may(actor, dossier, spec):
        raise PermissionDenied(_("You may not take this action on this dossier."))
    if dossier.status not in spec["from"]:
        raise DomainError(
            "transition_not_allowed",
            _("This action is not possible while the dossier is “%(status)s”.")
            % {"status": dossier.get_status_display()},
            status=409,
        )
    note = note.strip()
    if spec.get("note") and not note:
        raise ValidationFailed({"note": [_("Give a reason or a note for this action.")]})
    uploads = uploads or []
    if upload_errors := _check_uploads(uploads):
        raise ValidationFailed(upload_errors)
    dossier_transition_checking.send(
        sender=Dossier, check=TransitionCheck(dossier=dossier, action=action, actor=actor, spec=spec)
    )

    before = {"status": dossier.status, "unit": dossier.unit.code, "due_date": dossier.due_date}
    previous = dossier.status
    now = timezone.now()
    move = Move(now=now, today=timezone.localdate(now), note=note, target_unit=target_unit, new_due_date=new_due_date)
    effect = spec.get("effect")
    data = apply_effect(effect, dossier, move)
    if spec.get("to"):
        dossier.status = spec["to"]
    if spec["by"] == "officer" and effect != "transfer" and (action == "receive" or dossier.assignee_id is None):
        dossier.assignee = as_user(actor)  # whoever takes the dossier in answers for it (warned before the due date)
    dossier.save()
    _attach(dossier, uploads)
    event = transition_event(dossier, actor=actor, action=action, from_status=previous, note=note, data=data)
    dossier_changed.send(sender=Dossier, change=DossierChange(dossier=dossier, event=event, actor=actor))
    audit_record(
        actor=actor,
        action=f"eservices.dossier_{action}",
        target=dossier,
        unit=dossier.unit,
        before=before,
        after={"status": dossier.status, "unit": dossier.unit.code, "due_date": dossier.due_date, "note": note},
    )
    return dossier


@transaction.atomic
def dossier_mark_overdue(*, dossier: Dossier, today: datetime.date) -> Dossier | None:
    """The system (the escalation sweep) marks a dossier whose clock runs and whose due date has passed as
    overdue: once per due date (an extension clears the mark), with its history event, `dossier_changed`
    and an audit row like every other change. Answers None when there is nothing to mark any more: it moved
    on, or another sweep marked it a moment ago. Only `dossier.pk` is read from the argument."""
    late = (
        Dossier.objects.select_for_update(of=("self",))  # not its version and unit (see dossier_transition)
        .select_related("version", "unit")
        .filter(pk=dossier.pk, status__in=RUNNING, due_date__lt=today, overdue_on__isnull=True)
        .first()
    )
    if late is None:
        return None
    late.overdue_on = today
    late.save(update_fields=["overdue_on"])
    event = overdue_marked_event(late)
    dossier_changed.send(sender=Dossier, change=DossierChange(dossier=late, event=event, actor=None))
    audit_record(
        actor=None,
        action="eservices.dossier_mark_overdue",
        target=late,
        unit=late.unit,
        after={"overdue_on": today, "due_date": late.due_date},
    )
    return late


# --- the applicant's personal data ------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicantContact:
    full_name: str
    personal_id: str
    date_of_birth: datetime.date | None
    phone: str
    email: str


@transaction.atomic
def dossier_applicant_read(*, actor: Actor, dossier: Dossier) -> ApplicantContact | None:
    """The applicant's identity and contacts for an officer handling the dossier (already read through
    a scoped selector), recorded like every read of personal data; None for anyone else. The applicant
    reading their own dossier is not recorded."""
    applicant = dossier.applicant
    if actor is None or not reaches(actor, dossier.unit, STAFF_ROLES):
        return None
    audit_record(actor=actor, action="eservices.applicant_read", target=dossier, unit=dossier.unit)
    return ApplicantContact(
        full_name=applicant.full_name,
        personal_id=applicant.personal_id or "",
        date_of_birth=applicant.date_of_birth,
        phone=applicant.phone,
        email=applicant.email,
    )


# --- ratings --------------------------------------------------------------------------------------

MAX_COMMENT = 2000


@transaction.atomic
def dossier_rate(*, actor: Actor, dossier: Dossier, score: Any, comment: str = "") -> DossierRating:
    """The applicant rates a finished dossier, once (1–5 and an optional comment)."""
    if actor is None or actor.pk != dossier.applicant_id:
        raise PermissionDenied(_("Only the applicant can rate this dossier."))
    dossier = Dossier.objects.select_for_update(of=("self",)).select_related("version", "unit").get(pk=dossier.pk)
    if dossier.status != DossierStatus.DONE:
        raise DomainError("not_done", _("A dossier can be rated once it is done."), status=409)
    errors: dict[str, list[Any]] = {}
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        errors["score"] = [_("Choose a rating from 1 to 5.")]
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = [_("The comment must be at most 2000 characters.")]
    if errors:
        raise ValidationFailed(errors)
    if DossierRating.objects.filter(dossier=dossier).exists():
        raise DomainError("already_rated", _("This dossier has already been rated."), status=409)
    rating = DossierRating.objects.create(
        dossier=dossier,
        score=score,
        comment=comment,
        unit=dossier.unit,
        unit_path=dossier.unit_path,
        procedure_id=dossier.version.procedure_id,
        officer_id=dossier.assignee_id,
    )
    audit_record(
        actor=actor,
        action="eservices.dossier_rate",
        target=dossier,
        unit=dossier.unit,
        after={"score": score, "comment": comment},
    )
    return rating
