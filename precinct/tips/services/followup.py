"""The reporter's side after filing: opening the report with the receipt, adding information, and what
the receipt holder sees. Audit rows carry no actor and nothing about the sender's device."""

import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.audit.services import audit_record
from precinct.core.errors import DomainError, NotFound, RateLimited, ValidationFailed
from precinct.tips import abuse, crypto
from precinct.tips.models import MessageKind, Tip, TipEvent, TipMessage, TipStatus
from precinct.tips.services.intake import (
    MAX_MESSAGE,
    clean_text,
    index_markers,
    read_uploads,
    seal_file,
    store_file,
    tell_duty_officers,
)
from precinct.tips.services.reading import messages_open


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
    body = clean_text(body, "body", MAX_MESSAGE, errors)
    items = read_uploads(uploads or [], errors)
    if not body and not items and "body" not in errors:
        errors["body"] = [_("This field is required.")]
    if errors:
        raise ValidationFailed(errors)
    sealed_files = [seal_file(key, item) for item in items]
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
            index_markers(tip, body)
        for sealed in sealed_files:
            store_file(tip, sealed, from_reporter=True, now=now)
        tip.last_reporter_activity_at = now
        tip.save(update_fields=["last_reporter_activity_at"])
        event = TipEvent.objects.create(tip=tip, at=now, action="reporter_message", data={"files": len(items)})
        tell_duty_officers(tip, news="reporter_message", event=event)
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
            for m in messages_open(tip, key, (MessageKind.REPORTER, MessageKind.OFFICER))
        ],
    }
