"""Reads that are recorded: an officer opening a report's content, downloading a file, or comparing it
with possible duplicates decrypts with the unit's private key and writes an audit row."""

import datetime
import itertools
import re
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import DomainError, NotFound, PermissionDenied
from precinct.core.text import fold
from precinct.tips import crypto
from precinct.tips.models import MessageKind, Tip
from precinct.tips.permissions import can_handle_tip
from precinct.tips.selectors import tip_list
from precinct.tips.services.keys import report_key


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


def messages_open(tip: Tip, key: bytes, kinds: tuple[str, ...]) -> list[Message]:
    """The report's messages of these kinds, decrypted with the report key (the caller holds it)."""
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
def tip_read(*, actor: Actor, tip: Tip) -> Content:
    """An officer opens a report's content; the read is audited."""
    if not can_handle_tip(actor, tip):
        raise PermissionDenied()
    if tip.is_purged:
        return Content(tip, {}, [], [])
    key = report_key(tip)
    content = Content(
        tip,
        crypto.decrypt_json(key, tip.content),
        messages_open(tip, key, tuple(MessageKind.values)),
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
def tip_file_read(*, actor: Actor, tip: Tip, attachment_id: int) -> FileContent:
    """An officer downloads a file (the original as received, or its metadata-free copy); audited."""
    if not can_handle_tip(actor, tip):
        raise PermissionDenied()
    if tip.is_purged:
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
def tip_duplicates(*, actor: Actor, tip: Tip, content: Content, limit: int = 5) -> list[Possible]:
    """Reports the actor may see that look like this one: same ward within three days, the same phone
    number or plate mentioned, or similar words. Opening the candidates is audited like any read."""
    if not can_handle_tip(actor, tip):
        raise PermissionDenied()
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
