"""Ingest in the inbox shape (ADR 0013, 0017): receivers (the MQTT listener, the webhook) only store raw
recorder messages as InboxMessage rows keyed by the sender's ids; `inbox_process()` (the worker) turns them
into CameraEvent rows and alerts through this module's services. The connection thread writes no domain row.

Frigate's topics understood: `<prefix>/events` (JSON: `type` new/update/end, `before`/`after` with `id`,
`camera`, `label`, `sub_label`, `score`/`top_score`, `current_zones`/`entered_zones`, `has_snapshot`,
`has_clip`, `start_time`/`end_time`), `<prefix>/reviews` (reviews.py), `<prefix>/<camera>/status/<role>` and
`<prefix>/available` (`online`/`offline`, the recorder's last will; status.py)."""

import datetime
import hashlib
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import DataError, connection, transaction
from django.utils import timezone

from precinct.audit.services import audit_record
from precinct.cameras.batch import events_record
from precinct.cameras.models import Camera, CameraEvent, InboxMessage, InboxState, Recorder
from precinct.cameras.partitions import event_moments, events_by_id_q
from precinct.cameras.reviews import event_alert, lock_camera, review_record
from precinct.cameras.sources import Refused, Topic, batch_cache, camera_for, parse_time, topic_parse
from precinct.cameras.status import availability_record, camera_status_record, silence_ended

__all__ = ["MAX_PAYLOAD_BYTES", "Received", "Refused", "inbox_process", "inbox_store", "subscriptions"]

MAX_PAYLOAD_BYTES = 64 * 1024  # a Frigate event is about 2 kB; anything far larger is refused unread


@dataclass(frozen=True)
class Received:
    """One message as the receiver got it."""

    topic: str
    body: bytes
    received_at: datetime.datetime


def _recorders_by_prefix() -> dict[str, Recorder]:
    return {r.mqtt_prefix: r for r in Recorder.objects.exclude(mqtt_prefix=None) if r.mqtt_prefix}


def subscriptions() -> list[str]:
    """The topics the listener subscribes to: each registered recorder's events, reviews, availability and
    its cameras' status."""
    kinds = ("events", "reviews", "available", "+/status/+")
    return sorted(f"{prefix}/{kind}" for prefix in _recorders_by_prefix() for kind in kinds)


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class Row:
    """An inbox row as stored by `inbox_store`: the JSON text is the sender's own (no second encoding)."""

    key: str
    recorder_id: int | None
    unit_path: str
    topic: str
    text: str
    received_at: datetime.datetime
    state: str = InboxState.PENDING
    reason: str = ""


def _refused(message: Received, recorder: Recorder | None, reason: str) -> Row:
    path = recorder.unit_path if recorder else ""
    key = f"x:{uuid.uuid4()}"
    return Row(
        key,
        recorder.pk if recorder else None,
        path,
        message.topic[:200],
        "{}",
        message.received_at,
        InboxState.REFUSED,
        reason,
    )


def _no_constant(name: str) -> None:
    raise ValueError(name)  # NaN and Infinity are not JSON (PostgreSQL's jsonb refuses them)


def _row(message: Received, recorder: Recorder | None, topic: Topic | None) -> Row:
    """The inbox row for one message: never raises, a message that cannot be read is stored refused."""
    if recorder is None or topic is None:
        return _refused(message, recorder, "unknown_source")
    body = message.body
    if len(body) > MAX_PAYLOAD_BYTES:
        return _refused(message, recorder, "too_large")
    base = (recorder.pk, recorder.unit_path, message.topic[:200])
    if topic.kind in ("available", "status"):
        text = body.decode("utf-8", "replace").replace("\x00", "").strip()[:20]
        # Every availability and status message counts (offline, online, offline again are all news).
        payload = (
            {"available": text}
            if topic.kind == "available"
            else {"camera": topic.camera[:80], "role": topic.role[:20], "status": text}
        )
        key = f"{recorder.pk}:{topic.kind}:{uuid.uuid4()}"
        return Row(key, *base, json.dumps(payload), message.received_at)
    try:
        text = body.decode("utf-8")
        if "\\u0000" in text:  # jsonb cannot hold a NUL character
            raise ValueError("NUL")
        payload = json.loads(text, parse_constant=_no_constant)
        sender_id = str(payload["after"]["id"])[:80]
        kind = str(payload.get("type", ""))[:10]
    except (ValueError, KeyError, TypeError, AttributeError):
        return _refused(message, recorder, "malformed")
    # Keyed by the sender's id and message type; the digest tells two updates of one event apart while a
    # repeat of the same message (QoS 1 redelivery, a retried webhook) has the same key and is ignored.
    # Reviews are keyed apart from events (`r:`): Frigate's ids of the two may coincide.
    mark = "r:" if topic.kind == "reviews" else ""
    return Row(f"{recorder.pk}:{mark}{sender_id}:{kind}:{_digest(body)}", *base, text, message.received_at)


_COLUMNS = ("key", "recorder_id", "unit_path", "topic", "text", "received_at", "state", "reason")
# One statement per batch on PostgreSQL: the columns as arrays, the sender's JSON text cast to jsonb by the
# database (no decode/encode round trip in Python), repeats dropped by the key's unique index.
_INSERT = """
INSERT INTO cameras_inboxmessage (key, recorder_id, unit_path, topic, payload, received_at, state, reason)
SELECT k, r, u, t, p::jsonb, at, s, why
FROM unnest(%b::varchar[], %b::bigint[], %b::varchar[], %b::varchar[], %b::text[], %b::timestamptz[],
            %b::varchar[], %b::varchar[]) AS m(k, r, u, t, p, at, s, why)
ON CONFLICT (key) DO NOTHING
"""  # %b: the arrays travel in binary (psycopg escapes text arrays in Python otherwise)


def _insert(rows: list[Row]) -> None:
    if connection.vendor == "postgresql":
        import psycopg  # PostgreSQL only

        # A server-side-binding cursor: Django's own (client-side binding) quotes every array element in
        # Python, which cost more than everything else here together.
        connection.ensure_connection()
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(_INSERT, [[getattr(row, c) for row in rows] for c in _COLUMNS])
        return
    objects = [
        InboxMessage(
            key=row.key,
            recorder_id=row.recorder_id,
            unit_path=row.unit_path,
            topic=row.topic,
            payload=json.loads(row.text),
            received_at=row.received_at,
            state=row.state,
            reason=row.reason,
        )
        for row in rows
    ]
    InboxMessage.objects.bulk_create(objects, ignore_conflicts=True)


def _insert_each(rows: list[Row]) -> list[Row]:
    """After a batch the database refused (a body Python reads as JSON but jsonb does not, such as a lone
    surrogate escape): each row in its own savepoint, the unreadable ones stored refused."""
    stored = []
    for row in rows:
        try:
            with transaction.atomic():
                _insert([row])
        except DataError:
            row = Row(
                f"x:{uuid.uuid4()}",
                row.recorder_id,
                row.unit_path,
                row.topic,
                "{}",
                row.received_at,
                InboxState.REFUSED,
                "malformed",
            )
            _insert([row])
        stored.append(row)
    return stored


def inbox_store(
    messages: list[Received], *, recorder: Recorder | None = None, by_prefix: dict[str, Recorder] | None = None
) -> list[Row]:
    """Store a batch of raw messages (one INSERT; repeats ignored) in one transaction. The recorder is found by
    the topic's prefix (`by_prefix`, the listener's cached map, or read now) unless given (the webhook knows
    it from the signature). Answers the rows offered."""
    if recorder is None and by_prefix is None:
        by_prefix = _recorders_by_prefix()
    rows = []
    for message in messages:
        topic = topic_parse(message.topic)
        if recorder is not None and topic is None:
            topic = Topic(recorder.mqtt_prefix or "", "events")  # the webhook posts events
        source = recorder if recorder is not None else (by_prefix or {}).get(topic.prefix) if topic else None
        rows.append(_row(message, source, topic))
    with transaction.atomic():
        try:
            with transaction.atomic():
                _insert(rows)
        except DataError:
            rows = _insert_each(rows)
    return rows


def event_values(camera: Camera, after: dict) -> dict:
    """The fields of an event a Frigate message (`after`) sets, each time it arrives (batch.py shares it)."""
    zones = after.get("entered_zones") or after.get("current_zones") or []
    return {
        "unit_path": camera.unit_path,
        "label": str(after["label"])[:40],
        "sub_label": str(after.get("sub_label") or "")[:80],
        "zones": [str(z)[:60] for z in zones][:20] if isinstance(zones, list) else [],
        "has_snapshot": bool(after.get("has_snapshot")),
        "has_clip": bool(after.get("has_clip")),
        "ended_at": parse_time(after.get("end_time")),
    }


def event_score(after: dict) -> Decimal:
    try:
        value = Decimal(str(after.get("top_score") or after.get("score") or 0))
    except InvalidOperation:
        raise Refused("malformed") from None
    if not Decimal(0) <= value <= Decimal(1):
        raise Refused("malformed")
    return value.quantize(Decimal("0.001"))


def event_record(*, row: InboxMessage) -> CameraEvent:
    """Turn one Frigate `events` message into the event it reports (created by `new`, updated in place by
    `update`/`end`), and raise an alert when a rule of the ward matches (unless a review of the same situation
    has one: reviews.py). Refused (`Refused`) when the camera is unknown, suspended or retired, or has no
    consent in force."""
    after = row.payload.get("after")
    if row.recorder_id is None or not isinstance(after, dict) or not after.get("camera") or not after.get("label"):
        raise Refused("malformed")
    camera = camera_for(row.recorder_id, after["camera"])
    score = event_score(after)
    started = parse_time(after.get("start_time")) or row.received_at
    values = event_values(camera, after)
    external_id = str(after.get("id"))[:80]
    # The camera's lock keeps (camera, Frigate id) unique, which the partitioned table's key cannot (ADR 0044).
    lock_camera(camera)
    event = (
        CameraEvent.objects.select_for_update()
        .filter(events_by_id_q([camera.pk], [external_id], event_moments(external_id, started)))
        .order_by("pk")
        .first()
    )
    created = event is None
    if event is None:
        event = CameraEvent.objects.create(
            camera=camera, external_id=external_id, **values, score=score, started_at=started
        )
    else:
        for field, value in values.items():
            setattr(event, field, value)
        event.score = max(event.score, score)
        event.save()
    Camera.objects.filter(pk=camera.pk).exclude(last_event_at__gte=row.received_at).update(
        last_event_at=row.received_at
    )
    event_alert(camera, event, created=created)
    return event


def _is_event(row: InboxMessage) -> bool:
    kind = topic_parse(row.topic)
    return kind is None or kind.kind == "events"  # as _record decides


def _record(row: InboxMessage) -> None:
    kind = topic_parse(row.topic)
    if kind is None or kind.kind == "events":  # the webhook's rows carry its own path as topic
        event_record(row=row)
    elif kind.kind == "reviews":
        review_record(row=row)
    elif kind.kind == "status":
        camera_status_record(row=row)
    else:
        availability_record(row=row)


def inbox_process(*, limit: int = 500) -> dict[str, int]:
    """The worker: one batch of waiting rows, oldest first, locked with SKIP LOCKED so several workers can
    run. Frigate events are recorded together (batch.py); other rows each in its own savepoint. A refused row
    changes nothing but its own state and reason."""
    counts = {"done": 0, "refused": 0}
    with transaction.atomic():
        rows = list(
            InboxMessage.objects.select_for_update(skip_locked=True)
            .filter(state=InboxState.PENDING)
            .order_by("id")[:limit]
        )
        seen: dict[int, tuple[datetime.datetime, datetime.datetime]] = {}
        now = timezone.now()
        batched = events_record([row for row in rows if _is_event(row)])  # Frigate events: set-based, batch.py
        with batch_cache():  # the other rows each in its own savepoint, each camera read once
            for row in rows:
                try:
                    if row.pk in batched:
                        if batched[row.pk]:
                            raise Refused(batched[row.pk])
                    else:
                        with transaction.atomic():
                            _record(row)
                except Refused as refused:
                    row.state, row.reason = InboxState.REFUSED, refused.code
                else:
                    row.state = InboxState.DONE
                    if not row.topic.endswith("/available") and row.recorder_id:
                        first, last = seen.get(row.recorder_id, (row.received_at, row.received_at))
                        seen[row.recorder_id] = (min(first, row.received_at), max(last, row.received_at))
                row.processed_at = now
                counts[str(row.state)] += 1
        outcomes: dict[tuple[str, str], list[int]] = {}
        for row in rows:
            outcomes.setdefault((row.state, row.reason), []).append(row.pk)
        for (state, reason), ids in outcomes.items():  # a few statements (bulk_update's CASE was most of the CPU)
            InboxMessage.objects.filter(pk__in=ids).update(state=state, reason=reason, processed_at=now)
        for recorder_id, (first, last) in seen.items():
            Recorder.objects.filter(pk=recorder_id).exclude(last_seen_at__gte=last).update(last_seen_at=last)
            silence_ended(recorder_id=recorder_id, at=first)
        if rows:
            audit_record(actor=None, action="cameras.inbox_process", target_label=f"{len(rows)} messages", after=counts)
    return counts
