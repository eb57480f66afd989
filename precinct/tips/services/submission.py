"""Filing a report: anonymous, or identified by a signed-in citizen.

The audit row carries no actor and nothing about the sender's device; an identified report is audited
without the citizen either (the identity is inside the encrypted content).
"""

import datetime
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.accounts.models import User
from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import ValidationFailed
from precinct.organisation.models import Unit
from precinct.organisation.selectors import province_root
from precinct.tips import abuse, crypto
from precinct.tips.models import Category, Tip, TipEvent, TipSeal
from precinct.tips.selectors import retention_days, ward_for
from precinct.tips.services.intake import (
    MAX_TEXT,
    clean_text,
    index_markers,
    read_uploads,
    seal_file,
    store_file,
    tell_duty_officers,
)
from precinct.tips.services.keys import unit_key_for

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


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


def _validate(
    actor: Actor, report: Report, now: datetime.datetime
) -> tuple[dict[str, Any], Unit | None, dict[str, list[Any]]]:
    """The content to encrypt, the ward named (if any), and the errors per field."""
    errors: dict[str, list[Any]] = {}
    if report.category not in Category.values:
        errors["category"] = [_("Choose one of the listed values.")]
    content: dict[str, Any] = {
        "description": clean_text(report.description, "description", MAX_TEXT, errors, required=True),
        "address": clean_text(report.address, "address", 300, errors),
        "people": clean_text(report.people, "people", 2000, errors),
        "vehicles": clean_text(report.vehicles, "vehicles", 1000, errors),
        "latitude": report.latitude,
        "longitude": report.longitude,
        "contact": {
            "name": clean_text(report.contact_name, "contact_name", 150, errors),
            "phone": clean_text(report.contact_phone, "contact_phone", 30, errors),
            "email": clean_text(report.contact_email, "contact_email", 200, errors),
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
        if not isinstance(actor, User) or not actor.is_citizen:
            errors["identified"] = [_("Sign in as a citizen to send an identified report.")]
        else:
            content["identity"] = {"name": actor.full_name, "personal_id": actor.personal_id, "phone": actor.phone}
    return content, place, errors


def _new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def tip_submit(*, actor: Actor, report: Report, now: datetime.datetime | None = None) -> Filed:
    """File a report (anonymous, or identified by a signed-in citizen). The answer carries the receipt,
    which exists nowhere else: only its Argon2id hash and HMAC index are stored.

    The slow parts (Argon2id, encryption, image stripping) run before the transaction, so concurrent
    reports do not queue behind each other's CPU work."""
    now = now or timezone.now()
    validated, place, errors = _validate(actor, report, now)
    uploads = read_uploads(report.uploads, errors)
    if errors:
        raise ValidationFailed(errors)
    unit = place or province_root()
    key = crypto.new_report_key()
    receipt = crypto.new_receipt()
    receipt_hash, receipt_sealed = crypto.receipt_protect(receipt, key)
    content = crypto.encrypt_json(key, validated)
    sealed_files = [seal_file(key, item) for item in uploads]
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
            store_file(tip, sealed, from_reporter=True, now=now)
        index_markers(tip, validated["description"], validated["people"], validated["vehicles"], validated["address"])
        event = TipEvent.objects.create(tip=tip, at=now, action="filed", data={"unit": unit.code})
        tell_duty_officers(tip, news="new", event=event)
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
