"""What reporters send, checked, sealed and stored: shared by filing and follow-up (and the field check
by officers' messages). Nothing here opens a transaction or writes an audit row; the callers do."""

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from precinct.notifications.services import Message, notification_key, notify
from precinct.organisation.models import Role
from precinct.organisation.selectors import role_holders
from precinct.tips import crypto, files, markers
from precinct.tips.models import Tip, TipAttachment, TipEvent, TipMarker

MAX_TEXT = 10_000
MAX_MESSAGE = 5_000


@dataclass(frozen=True)
class File:
    name: str
    content_type: str
    data: bytes


def read_uploads(uploads: list[UploadedFile], errors: dict[str, list[Any]]) -> list[File]:
    result: list[File] = []
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
        result.append(File((upload.name or "file")[-120:], kind, data))
    if total > files.MAX_TOTAL_BYTES:
        errors.setdefault("files", []).append(_("All files together must be at most 50 MB."))
    return result


def clean_text(value: str, name: str, limit: int, errors: dict[str, list[Any]], *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(name, []).append(_("This field is required."))
    elif len(value) > limit:
        errors.setdefault(name, []).append(_("This text is too long (at most %(n)d characters).") % {"n": limit})
    return value


@dataclass(frozen=True)
class Sealed:
    """A file encrypted and ready to store, with its metadata-free copy when it is an image."""

    data: bytes
    meta: bytes
    clean_data: bytes | None = None
    clean_meta: bytes | None = None


def seal_file(key: bytes, item: File) -> Sealed:
    """Encrypt a file (and its stripped copy) before any transaction starts: CPU work holds no lock."""
    meta = {
        "name": item.name,
        "content_type": item.content_type,
        "size": len(item.data),
        "sha256": hashlib.sha256(item.data).hexdigest(),
    }
    clean = files.strip_metadata(item.data, item.content_type)
    if clean is None:
        return Sealed(crypto.encrypt(key, item.data), crypto.encrypt_json(key, meta))
    stem = item.name.rsplit(".", 1)[0]
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[item.content_type]
    clean_meta = {
        "name": f"{stem}-clean.{extension}",
        "content_type": item.content_type,
        "size": len(clean),
        "sha256": hashlib.sha256(clean).hexdigest(),
    }
    return Sealed(
        crypto.encrypt(key, item.data),
        crypto.encrypt_json(key, meta),
        crypto.encrypt(key, clean),
        crypto.encrypt_json(key, clean_meta),
    )


def store_file(tip: Tip, sealed: Sealed, *, from_reporter: bool, now: datetime.datetime) -> TipAttachment:
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


def index_markers(tip: Tip, *texts: str) -> None:
    joined = "\n".join(texts)
    rows = [
        TipMarker(tip=tip, kind=TipMarker.Kind.PHONE, digest=crypto.marker_digest("phone", p))
        for p in markers.phones(joined)
    ] + [
        TipMarker(tip=tip, kind=TipMarker.Kind.PLATE, digest=crypto.marker_digest("plate", p))
        for p in markers.plates(joined)
    ]
    TipMarker.objects.bulk_create(rows)


def tell_duty_officers(tip: Tip, *, news: str, event: TipEvent) -> None:
    """Queue an e-mail/SMS to the receiving unit's duty officers (in this transaction): the reference and
    a link only, never anything the reporter wrote."""
    from django.urls import reverse

    link = f"{settings.PRECINCT_PUBLIC_URL.rstrip('/')}{reverse('tips:detail', args=[tip.pk])}"
    reference = f"{tip.reference[:4]}-{tip.reference[4:]}"

    def compose() -> Message:
        if news == "new":
            subject = _("New crime report %(ref)s for your unit") % {"ref": reference}
        else:
            subject = _("The reporter added information to crime report %(ref)s") % {"ref": reference}
        return Message(subject=str(subject), body=f"{subject}\n\n{link}\n", sms=f"{subject}: {link}")

    for user in role_holders(unit=tip.unit, role=Role.DUTY_OFFICER):
        notify(recipient=user, key=notification_key(f"tips.{news}", event.pk), compose=compose)
