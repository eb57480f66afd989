"""Writes for the crime-reporting portal. Each is one transaction with its history event and audit row.

Audit rows of anonymous actions carry no actor and nothing about the sender's device; identified
reports are audited without the citizen either (the identity is inside the encrypted content).
"""

import datetime
import hashlib
import itertools
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.audit.services import audit_record
from precinct.core.errors import DomainError, NotFound, PermissionDenied, RateLimited, ValidationFailed
from precinct.core.text import fold
from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Role, Unit
from precinct.organisation.selectors import province_root
from precinct.tips import abuse, crypto, files, markers
from precinct.tips.models import (
    Category,
    MessageKind,
    Outcome,
    Priority,
    Tip,
    TipAttachment,
    TipEvent,
    TipMarker,
    TipMessage,
    TipPolicy,
    TipSeal,
    TipStatus,
    UnitKey,
)
from precinct.tips.permissions import can_extend_retention, can_handle_tip, can_reassign_tip, can_set_policy

# Which status may follow which; closing needs an outcome.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    TipStatus.NEW: (TipStatus.TRIAGE, TipStatus.INVESTIGATING, TipStatus.CLOSED),
    TipStatus.TRIAGE: (TipStatus.INVESTIGATING, TipStatus.REFERRED, TipStatus.CLOSED),
    TipStatus.INVESTIGATING: (TipStatus.REFERRED, TipStatus.CLOSED),
    TipStatus.REFERRED: (TipStatus.CLOSED,),
    TipStatus.CLOSED: (),
}
MAX_TEXT = 10_000
MAX_MESSAGE = 5_000
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


# --- keys ----------------------------------------------------------------------------------------


@transaction.atomic
def unit_key_rotate(*, actor: Any, unit: Unit) -> UnitKey:
    """A new key pair for the unit: new reports are sealed to it; older keys stay (inactive) so their
    reports can still be read. The private key is written to the key directory, never to the database."""
    if actor is not None and not can_set_policy(actor):
        raise PermissionDenied()
    previous = UnitKey.objects.select_for_update().filter(unit=unit, is_active=True).first()
    if previous is not None:
        UnitKey.objects.filter(pk=previous.pk).update(is_active=False)
    pair = crypto.key_pair_create(unit_code=unit.code)
    key = UnitKey.objects.create(
        unit=unit, key_id=pair.key_id, public_key=pair.public_key, created_at=timezone.now(), is_active=True
    )
    audit_record(
        actor=actor,
        action="tips.unit_key_rotate",
        target=key,
        unit=unit,
        before={"key_id": previous.key_id} if previous else None,
        after={"key_id": key.key_id},
    )
    return key


def unit_key_for(unit: Unit) -> UnitKey:
    """The unit's active key, created on first need."""
    key = UnitKey.objects.filter(unit=unit, is_active=True).first()
    return key if key is not None else unit_key_rotate(actor=None, unit=unit)


def report_key(tip: Tip) -> bytes:
    """Open the report key with the private key of a unit it is sealed to (a key file must exist)."""
    for seal in tip.seals.select_related("unit_key"):
        try:
            return crypto.unseal(seal.unit_key.key_id, seal.sealed_key)
        except crypto.MissingPrivateKey:
            continue
    raise DomainError(
        "key_unavailable",
        _("The key to open this report is not available on this server. Ask the administrator."),
        status=503,
    )


# --- submission ----------------------------------------------------------------------------------


@dataclass
class Report:
    """What a reporter sends (already parsed, not yet validated)."""

    category: str
    description: str
    ward: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    occurred_at: datetime.datetime | None = None
    people: str = ""
    vehicles: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    identified: bool = False
    uploads: list[UploadedFile] = field(default_factory=list)


@dataclass(frozen=True)
class Filed:
    tip: Tip
    receipt: str


@dataclass(frozen=True)
class _File:
    name: str
    content_type: str
    data: bytes


def ward_for(code: str) -> Unit | None:
    """The police of a ward, commune or special zone, by the division's official code or the unit's code."""
    code = (code or "").strip()
    if not code:
        return None
    units = Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS, is_active=True)
    return units.filter(division_code=code).first() or units.filter(code=code).first()


def _read_uploads(uploads: list[UploadedFile], errors: dict[str, list[Any]]) -> list[_File]:
    result: list[_File] = []
    if len(uploads) > files.MAX_FILES:
        errors.setdefault("files", []).append(_("At most 5 files can be attached."))
        return result
    total = 0
    for upload in uploads:
        size = upload.size or 0
        total += size
        if size > files.MAX_FILE_BYTES:
            errors.setdefault("files", []).append(_("Each file must be at most 20 MB."))
            continue
        data = upload.read()
        kind = files.sniff(data[:16])
        if kind is None or not data:
            errors.setdefault("files", []).append(files.ACCEPTED_TEXT)
            continue
        result.append(_File((upload.name or "file")[-120:], kind, data))
    if total > files.MAX_TOTAL_BYTES:
        errors.setdefault("files", []).append(_("All files together must be at most 50 MB."))
    return result


def _text(value: str, name: str, limit: int, errors: dict[str, list[Any]], *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(name, []).append(_("This field is required."))
    elif len(value) > limit:
        errors.setdefault(name, []).append(_("This text is too long (at most %(n)d characters).") % {"n": limit})
    return value


def _validate(
    actor: Any, report: Report, now: datetime.datetime
) -> tuple[dict[str, Any], Unit | None, dict[str, list[Any]]]:
    """The content to encrypt, the ward named (if any), and the errors per field."""
    errors: dict[str, list[Any]] = {}
    if report.category not in Category.values:
        errors["category"] = [_("Choose one of the listed values.")]
    content: dict[str, Any] = {
        "description": _text(report.description, "description", MAX_TEXT, errors, required=True),
        "address": _text(report.address, "address", 300, errors),
        "people": _text(report.people, "people", 2000, errors),
        "vehicles": _text(report.vehicles, "vehicles", 1000, errors),
        "latitude": report.latitude,
        "longitude": report.longitude,
        "contact": {
            "name": _text(report.contact_name, "contact_name", 150, errors),
            "phone": _text(report.contact_phone, "contact_phone", 30, errors),
            "email": _text(report.contact_email, "contact_email", 200, errors),
        },
        "identity": None,
    }
    if content["description"] and len(content["description"]) < 10:
        errors.setdefault("description", []).append(_("Describe what happened in a few words at least."))
    place = None
    if report.ward:
        place = ward_for(report.ward)
        if place is None:
            errors["ward"] = [_("Choose the ward, commune or special zone from the list.")]
    if (report.latitude is None) != (report.longitude is None):
        errors["latitude"] = [_("Give both latitude and longitude, or neither.")]
    elif (
        report.latitude is not None
        and report.longitude is not None
        and not (-90 <= report.latitude <= 90 and -180 <= report.longitude <= 180)
    ):
        errors["latitude"] = [_("This map point is not valid.")]
    if report.occurred_at is not None:
        if report.occurred_at > now + datetime.timedelta(hours=1):
            errors["occurred_at"] = [_("This time is in the future.")]
        elif report.occurred_at.year < 2000:
            errors["occurred_at"] = [_("This value is out of range.")]
    phone = content["contact"]["phone"]
    if phone and not re.fullmatch(r"\+?[\d\s.\-]{8,20}", phone):
        errors["contact_phone"] = [_("Enter a valid phone number.")]
    email = content["contact"]["email"]
    if email:
        try:
            EmailValidator()(email)
        except Exception:
            errors["contact_email"] = [_("Enter a valid e-mail address.")]
    if report.identified:
        if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_citizen", False):
            errors["identified"] = [_("Sign in as a citizen to send an identified report.")]
        else:
            content["identity"] = {"name": actor.full_name, "personal_id": actor.personal_id, "phone": actor.phone}
    return content, place, errors


def _new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


@dataclass(frozen=True)
class _Sealed:
    """A file encrypted and ready to store, with its metadata-free copy when it is an image."""

    data: bytes
    meta: bytes
    clean_data: bytes | None = None
    clean_meta: bytes | None = None


def _seal_file(key: bytes, item: _File) -> _Sealed:
    """Encrypt a file (and its stripped copy) before any transaction starts: CPU work holds no lock."""
    meta = {
        "name": item.name,
        "content_type": item.content_type,
        "size": len(item.data),
        "sha256": hashlib.sha256(item.data).hexdigest(),
    }
    clean = files.strip_metadata(item.data, item.content_type)
    if clean is None:
        return _Sealed(crypto.encrypt(key, item.data), crypto.encrypt_json(key, meta))
    stem = item.name.rsplit(".", 1)[0]
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[item.content_type]
    clean_meta = {
        "name": f"{stem}-clean.{extension}",
        "content_type": item.content_type,
        "size": len(clean),
        "sha256": hashlib.sha256(clean).hexdigest(),
    }
    return _Sealed(
        crypto.encrypt(key, item.data),
        crypto.encrypt_json(key, meta),
        crypto.encrypt(key, clean),
        crypto.encrypt_json(key, clean_meta),
    )


def _store_file(tip: Tip, sealed: _Sealed, *, from_reporter: bool, now: datetime.datetime) -> TipAttachment:
    blob = default_storage.save(f"tips/{secrets.token_hex(16)}", ContentFile(sealed.data))
    original = TipAttachment.objects.create(
        tip=tip, from_reporter=from_reporter, added_at=now, blob=blob, meta=sealed.meta
    )
    if sealed.clean_data is not None and sealed.clean_meta is not None:
        clean_blob = default_storage.save(f"tips/{secrets.token_hex(16)}", ContentFile(sealed.clean_data))
        TipAttachment.objects.create(
            tip=tip,
            original=original,
            from_reporter=from_reporter,
            added_at=now,
            blob=clean_blob,
            meta=sealed.clean_meta,
        )
    return original


def _index_markers(tip: Tip, *texts: str) -> None:
    joined = "\n".join(texts)
    rows = [
        TipMarker(tip=tip, kind=TipMarker.Kind.PHONE, digest=crypto.marker_digest("phone", p))
        for p in markers.phones(joined)
    ] + [
        TipMarker(tip=tip, kind=TipMarker.Kind.PLATE, digest=crypto.marker_digest("plate", p))
        for p in markers.plates(joined)
    ]
    TipMarker.objects.bulk_create(rows)


def _tell_duty_officers(tip: Tip, *, news: str, event: TipEvent) -> None:
    """Queue an e-mail/SMS to the receiving unit's duty officers (in this transaction): the reference and
    a link only, never anything the reporter wrote."""
    from django.urls import reverse

    from precinct.accounts.models import User
    from precinct.notifications.services import Message, notify

    link = f"{settings.PRECINCT_PUBLIC_URL.rstrip('/')}{reverse('tips:detail', args=[tip.pk])}"
    reference = f"{tip.reference[:4]}-{tip.reference[4:]}"

    def compose() -> Message:
        if news == "new":
            subject = _("New crime report %(ref)s for your unit") % {"ref": reference}
        else:
            subject = _("The reporter added information to crime report %(ref)s") % {"ref": reference}
        return Message(subject=str(subject), body=f"{subject}\n\n{link}\n", sms=f"{subject}: {link}")

    duty = User.objects.filter(roles__unit=tip.unit, roles__role=Role.DUTY_OFFICER, is_active=True).distinct()
    for user in duty:
        notify(recipient=user, key=f"tips.{news}:{event.pk}", compose=compose, new_key=True)


def retention_days() -> int:
    policy = TipPolicy.objects.first()
    return policy.retention_days if policy else int(settings.PRECINCT_TIPS_RETENTION_DAYS)


def tip_submit(*, actor: Any, report: Report, now: datetime.datetime | None = None) -> Filed:
    """File a report (anonymous, or identified by a signed-in citizen). The answer carries the receipt,
    which exists nowhere else: only its Argon2id hash and HMAC index are stored.

    The slow parts (Argon2id, encryption, image stripping) run before the transaction, so concurrent
    reports do not queue behind each other's CPU work."""
    now = now or timezone.now()
    validated, place, errors = _validate(actor, report, now)
    uploads = _read_uploads(report.uploads, errors)
    if errors:
        raise ValidationFailed(errors)
    unit = place or province_root()
    key = crypto.new_report_key()
    receipt = crypto.new_receipt()
    receipt_hash, receipt_sealed = crypto.receipt_protect(receipt, key)
    content = crypto.encrypt_json(key, validated)
    sealed_files = [_seal_file(key, item) for item in uploads]
    contact = validated["contact"]
    with transaction.atomic():
        abuse.count_report()
        unit_key = unit_key_for(unit)
        tip = Tip.objects.create(
            reference=_new_reference(),
            category=report.category,
            place=place,
            unit=unit,
            unit_path=unit.path,
            occurred_at=report.occurred_at,
            filed_at=now,
            identified=validated["identity"] is not None,
            has_contact=any(contact.values()),
            retain_until=(now + datetime.timedelta(days=retention_days())).date(),
            content=content,
            receipt_index=crypto.receipt_index(receipt),
            receipt_hash=receipt_hash,
            receipt_sealed_key=receipt_sealed,
            last_reporter_activity_at=now,
        )
        TipSeal.objects.create(tip=tip, unit_key=unit_key, sealed_key=crypto.seal(bytes(unit_key.public_key), key))
        for sealed in sealed_files:
            _store_file(tip, sealed, from_reporter=True, now=now)
        _index_markers(tip, validated["description"], validated["people"], validated["vehicles"], validated["address"])
        event = TipEvent.objects.create(tip=tip, at=now, action="filed", data={"unit": unit.code})
        _tell_duty_officers(tip, news="new", event=event)
        audit_record(
            actor=None,
            action="tips.tip_submit",
            target=tip,
            unit=unit,
            after={
                "category": tip.category,
                "unit": unit.code,
                "files": len(uploads),
                "identified": tip.identified,
            },
        )
    return Filed(tip, receipt)


# --- the reporter's follow-up --------------------------------------------------------------------


def _wrong_receipt() -> DomainError:
    abuse.count_receipt_failure()
    return NotFound(_("No report matches this receipt. Check the 16 digits."))


def tip_open_by_receipt(receipt: str) -> tuple[Tip, bytes]:
    """The report and its key for the holder of the receipt. Wrong receipts cost the same Argon2id work,
    a delay, and count against a global limit."""
    if abuse.receipt_failures_blocked():
        raise RateLimited(
            abuse.FAILURE_WINDOW, _("Too many wrong receipts were tried. Follow-up is paused for a few minutes.")
        )
    normal = crypto.normalise_receipt(receipt)
    if normal is None:
        raise ValidationFailed({"receipt": [_("The receipt has 16 digits.")]})
    tip = Tip.objects.filter(receipt_index=crypto.receipt_index(normal), purged_at__isnull=True).first()
    if tip is None:
        crypto.receipt_burn(normal)
        raise _wrong_receipt()
    key = crypto.receipt_open(normal, tip.receipt_hash, bytes(tip.receipt_sealed_key or b""))
    if key is None:
        raise _wrong_receipt()
    return tip, key


def tip_reporter_message(
    *, receipt: str, body: str, uploads: list[UploadedFile] | None = None, now: datetime.datetime | None = None
) -> tuple[Tip, bytes]:
    """The reporter adds information (text and files) to their report. The receipt is checked outside
    the transaction, so wrong receipts are counted (and slowed) without holding any lock."""
    now = now or timezone.now()
    tip, key = tip_open_by_receipt(receipt)
    errors: dict[str, list[Any]] = {}
    body = _text(body, "body", MAX_MESSAGE, errors)
    items = _read_uploads(uploads or [], errors)
    if not body and not items and "body" not in errors:
        errors["body"] = [_("This field is required.")]
    if errors:
        raise ValidationFailed(errors)
    sealed_files = [_seal_file(key, item) for item in items]
    with transaction.atomic():
        tip = Tip.objects.select_for_update(of=("self",)).select_related("unit").get(pk=tip.pk)  # not the unit
        if tip.is_purged:
            raise NotFound(_("No report matches this receipt. Check the 16 digits."))
        if tip.status == TipStatus.CLOSED:
            raise DomainError("closed", _("This report is closed; send a new report instead."), status=409)
        if body:
            TipMessage.objects.create(
                tip=tip, kind=MessageKind.REPORTER, at=now, body=crypto.encrypt(key, body.encode())
            )
            _index_markers(tip, body)
        for sealed in sealed_files:
            _store_file(tip, sealed, from_reporter=True, now=now)
        tip.last_reporter_activity_at = now
        tip.save(update_fields=["last_reporter_activity_at"])
        event = TipEvent.objects.create(tip=tip, at=now, action="reporter_message", data={"files": len(items)})
        _tell_duty_officers(tip, news="reporter_message", event=event)
        audit_record(actor=None, action="tips.reporter_message", target=tip, unit=tip.unit, after={"files": len(items)})
    return tip, key


def reporter_view(tip: Tip, key: bytes) -> dict[str, Any]:
    """What the receipt holder sees: status, outcome and the conversation; no internal notes, no names."""
    return {
        "reference": tip.reference,
        "category": tip.category,
        "category_label": str(tip.get_category_display()),
        "filed_at": tip.filed_at,
        "status": tip.status,
        "status_label": str(tip.get_status_display()),
        "outcome": tip.outcome,
        "outcome_label": str(tip.get_outcome_display()) if tip.outcome else "",
        "messages": [
            {"from": m.kind, "at": m.at, "body": m.body}
            for m in _messages(tip, key, (MessageKind.REPORTER, MessageKind.OFFICER))
        ],
    }


# --- officers ------------------------------------------------------------------------------------


def _locked(tip: Tip, actor: Any, check: Any = can_handle_tip) -> Tip:
    tip = Tip.objects.select_for_update(of=("self",)).select_related("unit").get(pk=tip.pk)  # not the unit
    if not check(actor, tip):
        raise PermissionDenied()
    if tip.is_purged:
        raise DomainError("expired", _("This report has expired; its content was destroyed."), status=409)
    return tip


def _responded(tip: Tip, now: datetime.datetime) -> None:
    if tip.first_response_at is None:
        tip.first_response_at = now


@transaction.atomic
def tip_message_send(*, actor: Any, tip: Tip, body: str, internal: bool = False) -> TipMessage:
    """An officer answers the reporter, or (internal=True) writes a note only officers see."""
    tip = _locked(tip, actor)
    errors: dict[str, list[Any]] = {}
    body = _text(body, "body", MAX_MESSAGE, errors, required=True)
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    key = report_key(tip)
    message = TipMessage.objects.create(
        tip=tip,
        kind=MessageKind.NOTE if internal else MessageKind.OFFICER,
        author=actor,
        at=now,
        body=crypto.encrypt(key, body.encode()),
    )
    if not internal:
        _responded(tip, now)
        tip.save(update_fields=["first_response_at"])
    TipEvent.objects.create(tip=tip, at=now, actor=actor, action="note" if internal else "officer_message")
    audit_record(
        actor=actor,
        action="tips.note_add" if internal else "tips.officer_message",
        target=tip,
        unit=tip.unit,
        after={"message": message.pk},
    )
    return message


@transaction.atomic
def tip_transition(*, actor: Any, tip: Tip, status: str, outcome: str = "", note: str = "") -> Tip:
    """Move a report along new → triage → investigating → referred → closed (with an outcome)."""
    tip = _locked(tip, actor)
    if status not in TipStatus.values:
        raise ValidationFailed({"status": [_("Choose one of the listed values.")]})
    if status not in TRANSITIONS[tip.status]:
        raise DomainError(
            "transition_not_allowed",
            _("This report cannot go from “%(from)s” to “%(to)s”.")
            % {"from": tip.get_status_display(), "to": TipStatus(status).label},
            status=409,
        )
    if status == TipStatus.CLOSED:
        if outcome not in Outcome.values:
            raise ValidationFailed({"outcome": [_("Choose the outcome to close the report.")]})
    elif outcome:
        raise ValidationFailed({"outcome": [_("An outcome is given only when closing.")]})
    now = timezone.now()
    before = {"status": tip.status, "outcome": tip.outcome}
    tip.status = status
    if status == TipStatus.CLOSED:
        tip.outcome, tip.closed_at = outcome, now
    _responded(tip, now)
    tip.save(update_fields=["status", "outcome", "closed_at", "first_response_at"])
    if note.strip():
        TipMessage.objects.create(
            tip=tip,
            kind=MessageKind.NOTE,
            author=actor,
            at=now,
            body=crypto.encrypt(report_key(tip), note.strip()[:MAX_MESSAGE].encode()),
        )
    TipEvent.objects.create(tip=tip, at=now, actor=actor, action="status", data={"to": status, "outcome": outcome})
    audit_record(
        actor=actor,
        action="tips.tip_transition",
        target=tip,
        unit=tip.unit,
        before=before,
        after={"status": tip.status, "outcome": tip.outcome},
    )
    return tip


@transaction.atomic
def tip_priority_set(*, actor: Any, tip: Tip, priority: int) -> Tip:
    tip = _locked(tip, actor)
    if priority not in Priority.values:
        raise ValidationFailed({"priority": [_("Choose one of the listed values.")]})
    before = {"priority": tip.priority}
    tip.priority = priority
    tip.save(update_fields=["priority"])
    TipEvent.objects.create(tip=tip, at=timezone.now(), actor=actor, action="priority", data={"to": priority})
    audit_record(
        actor=actor, action="tips.priority_set", target=tip, unit=tip.unit, before=before, after={"priority": priority}
    )
    return tip


@transaction.atomic
def tip_reassign(*, actor: Any, tip: Tip, unit: Unit) -> Tip:
    """The duty officer sends the report to another ward's police or to the province's duty desk. The
    report key is sealed to the new unit's key and the old unit's seal is removed."""
    tip = _locked(tip, actor, can_reassign_tip)
    root = province_root()
    if not unit.is_active or unit.pk == tip.unit_id or (unit.kind not in COMMUNE_LEVEL_KINDS and unit.pk != root.pk):
        raise ValidationFailed({"unit": [_("Choose another ward, commune or special zone police, or the duty desk.")]})
    key = report_key(tip)
    new_key = unit_key_for(unit)
    before = {"unit": tip.unit.code}
    tip.seals.all().delete()
    TipSeal.objects.create(tip=tip, unit_key=new_key, sealed_key=crypto.seal(bytes(new_key.public_key), key))
    tip.unit, tip.unit_path = unit, unit.path
    tip.save(update_fields=["unit", "unit_path"])
    TipEvent.objects.create(
        tip=tip, at=timezone.now(), actor=actor, action="reassign", data={"from": before["unit"], "to": unit.code}
    )
    audit_record(
        actor=actor, action="tips.tip_reassign", target=tip, unit=unit, before=before, after={"unit": unit.code}
    )
    return tip


@transaction.atomic
def tip_retention_extend(*, actor: Any, tip: Tip, until: datetime.date) -> Tip:
    """A leader keeps a report longer than the default (never shorter)."""
    tip = _locked(tip, actor, can_extend_retention)
    if until <= tip.retain_until:
        raise ValidationFailed({"until": [_("Choose a date after the current one.")]})
    if until > tip.filed_at.date() + datetime.timedelta(days=365 * 30):
        raise ValidationFailed({"until": [_("This value is out of range.")]})
    before = {"retain_until": tip.retain_until}
    tip.retain_until = until
    tip.save(update_fields=["retain_until"])
    TipEvent.objects.create(
        tip=tip, at=timezone.now(), actor=actor, action="retention", data={"until": until.isoformat()}
    )
    audit_record(
        actor=actor,
        action="tips.retention_extend",
        target=tip,
        unit=tip.unit,
        before=before,
        after={"retain_until": until},
    )
    return tip


@transaction.atomic
def policy_set(*, actor: Any, retention_days: int) -> TipPolicy:
    """The administrator's default retention for new reports (30 days to 30 years)."""
    if not can_set_policy(actor):
        raise PermissionDenied()
    if not 30 <= retention_days <= 365 * 30:
        raise ValidationFailed({"retention_days": [_("Choose between 30 and 10950 days.")]})
    policy = TipPolicy.objects.select_for_update().first()
    before = {"retention_days": policy.retention_days} if policy else None
    if policy is None:
        policy = TipPolicy(retention_days=retention_days)
    policy.retention_days, policy.updated_at = retention_days, timezone.now()
    policy.save()
    audit_record(
        actor=actor, action="tips.policy_set", target=policy, before=before, after={"retention_days": retention_days}
    )
    return policy


# --- reads that are recorded ---------------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    from_reporter: bool
    added_at: datetime.datetime
    clean_copy_id: int | None


@dataclass(frozen=True)
class Message:
    kind: str
    author: str
    at: datetime.datetime
    body: str


@dataclass(frozen=True)
class Content:
    tip: Tip
    data: dict[str, Any]
    messages: list[Message]
    attachments: list[Attachment]


def _messages(tip: Tip, key: bytes, kinds: tuple[str, ...]) -> list[Message]:
    return [
        Message(
            kind=m.kind,
            author=(m.author.full_name or m.author.username) if m.author else "",
            at=m.at,
            body=crypto.decrypt(key, m.body).decode(),
        )
        for m in tip.messages.filter(kind__in=kinds).select_related("author")
    ]


def _attachments(tip: Tip, key: bytes) -> list[Attachment]:
    rows = list(tip.attachments.all())
    clean_of = {a.original_id: a.pk for a in rows if a.original_id}
    result = []
    for a in rows:
        if a.original_id:
            continue
        meta = crypto.decrypt_json(key, a.meta)
        result.append(
            Attachment(
                a.pk,
                meta["name"],
                meta["content_type"],
                meta["size"],
                meta["sha256"],
                a.from_reporter,
                a.added_at,
                clean_of.get(a.pk),
            )
        )
    return result


@transaction.atomic
def tip_read(*, actor: Any, tip: Tip) -> Content:
    """An officer opens a report's content; the read is audited."""
    if not can_handle_tip(actor, tip):
        raise NotFound()
    if tip.is_purged:
        return Content(tip, {}, [], [])
    key = report_key(tip)
    content = Content(
        tip,
        crypto.decrypt_json(key, tip.content),
        _messages(tip, key, tuple(MessageKind.values)),
        _attachments(tip, key),
    )
    audit_record(actor=actor, action="tips.content_read", target=tip, unit=tip.unit)
    return content


@dataclass(frozen=True)
class FileContent:
    name: str
    content_type: str
    data: bytes
    sha256: str


@transaction.atomic
def tip_file_read(*, actor: Any, tip: Tip, attachment_id: int) -> FileContent:
    """An officer downloads a file (the original as received, or its metadata-free copy); audited."""
    if not can_handle_tip(actor, tip) or tip.is_purged:
        raise NotFound()
    attachment = tip.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound()
    key = report_key(tip)
    meta = crypto.decrypt_json(key, attachment.meta)
    with default_storage.open(attachment.blob, "rb") as handle:
        data = crypto.decrypt(key, handle.read())
    audit_record(
        actor=actor,
        action="tips.file_read",
        target=tip,
        unit=tip.unit,
        after={"attachment": attachment.pk, "clean_copy": attachment.original_id is not None},
    )
    return FileContent(meta["name"], meta["content_type"], data, meta["sha256"])


@dataclass(frozen=True)
class Possible:
    tip: Tip
    reasons: list[str]
    similarity: float
    description: str


@transaction.atomic
def tip_duplicates(*, actor: Any, tip: Tip, content: Content, limit: int = 5) -> list[Possible]:
    """Reports the actor may see that look like this one: same ward within three days, the same phone
    number or plate mentioned, or similar words. Opening the candidates is audited like any read."""
    from precinct.tips.selectors import tip_list

    if tip.is_purged:
        return []
    window = datetime.timedelta(days=3)
    moment = tip.occurred_at or tip.filed_at
    visible = tip_list(actor=actor).exclude(pk=tip.pk).filter(purged_at__isnull=True)
    digests = list(tip.markers.values_list("digest", flat=True))
    same_marker = set(visible.filter(markers__digest__in=digests).values_list("pk", flat=True)) if digests else set()
    near = visible.filter(filed_at__range=(tip.filed_at - datetime.timedelta(days=30), tip.filed_at + window))
    same_place = set()
    if tip.place_id:
        same_place = set(
            visible.filter(place_id=tip.place_id)
            .filter(
                _happened_between(moment - window, moment + window),
            )
            .values_list("pk", flat=True)
        )
    recent_same_category = set(near.filter(category=tip.category).values_list("pk", flat=True)[:50])
    ids = same_marker | same_place | recent_same_category
    text = content.data.get("description", "")
    found: list[Possible] = []
    for other in Tip.objects.filter(pk__in=ids).select_related("unit", "place"):
        try:
            other_data = crypto.decrypt_json(report_key(other), other.content)
        except DomainError:
            continue
        other_text = other_data.get("description", "")
        similarity = text_similarity(text, other_text)
        reasons = []
        # The same place and time only counts with the same kind of violation or some likeness of words.
        if other.pk in same_place and (other.category == tip.category or similarity >= 0.1):
            reasons.append(str(_("same ward, close in time")))
        if other.pk in same_marker:
            reasons.append(str(_("same phone number or plate mentioned")))
        if similarity >= 0.2:
            reasons.append(str(_("similar text")))
        if reasons:
            found.append(Possible(other, reasons, similarity, other_text))
    found.sort(key=lambda p: (len(p.reasons), p.similarity), reverse=True)
    found = found[:limit]
    if found:
        audit_record(
            actor=actor,
            action="tips.duplicates_read",
            target=tip,
            unit=tip.unit,
            after={"compared_with": [p.tip.reference for p in found]},
        )
    return found


def _word_pairs(text: str) -> set[str]:
    words = re.findall(r"\w+", fold(text))
    return {f"{a} {b}" for a, b in itertools.pairwise(words)}


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity of consecutive word pairs, accents and case ignored: 0 for unrelated reports,
    about 0.2–0.4 for two accounts of the same thing (single common words such as "có", "người" do not count)."""
    first, second = _word_pairs(a), _word_pairs(b)
    return len(first & second) / len(first | second) if first and second else 0.0


def _happened_between(start: datetime.datetime, end: datetime.datetime) -> Q:
    return Q(occurred_at__range=(start, end)) | Q(occurred_at__isnull=True, filed_at__range=(start, end))


# --- retention -----------------------------------------------------------------------------------


@transaction.atomic
def tip_expire(*, tip: Tip, now: datetime.datetime | None = None) -> Tip:
    """Destroy a report's content (keys, text, messages, files, markers); a tombstone stays with the
    dates, category, ward, unit and outcome."""
    now = now or timezone.now()
    tip = Tip.objects.select_for_update().get(pk=tip.pk)
    if tip.is_purged:
        return tip
    blobs = list(tip.attachments.values_list("blob", flat=True))
    counts = {"messages": tip.messages.count(), "files": len(blobs)}
    tip.attachments.all().delete()
    tip.messages.all().delete()
    tip.markers.all().delete()
    tip.seals.all().delete()
    tip.content = None
    tip.receipt_index = None
    tip.receipt_hash = ""
    tip.receipt_sealed_key = None
    tip.purged_at = now
    tip.save()
    TipEvent.objects.create(tip=tip, at=now, action="expired", data={"retain_until": tip.retain_until.isoformat()})
    audit_record(
        actor=None,
        action="tips.tip_expired",
        target=tip,
        unit=tip.unit,
        after={
            "retain_until": tip.retain_until,
            "category": tip.category,
            "outcome": tip.outcome,
            **counts,
        },
    )

    def remove_files() -> None:
        for blob in blobs:
            default_storage.delete(blob)

    transaction.on_commit(remove_files)
    return tip


def tips_expire_due(*, today: datetime.date | None = None) -> list[str]:
    """Expire every report whose retention ended before today; returns their references."""
    today = today or timezone.localdate()
    done = []
    for tip in Tip.objects.filter(purged_at__isnull=True, retain_until__lt=today).only("pk"):
        done.append(tip_expire(tip=tip).reference)
    return done
