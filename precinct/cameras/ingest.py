"""Ingest in the inbox shape (ADR 0013, 0017): receivers (the MQTT listener, the webhook) only store raw
recorder messages as InboxMessage rows keyed by the sender's ids; `inbox_process()` (the worker) turns them
into CameraEvent rows and alerts through this module's services. The connection thread writes no domain row.

Frigate's topics understood: `<prefix>/events` (JSON: `type` new/update/end, `before`/`after` with `id`,
`camera`, `label`, `sub_label`, `score`/`top_score`, `current_zones`/`entered_zones`, `has_snapshot`,
`has_clip`, `start_time`/`end_time`) and `<prefix>/available` (`online`/`offline`, the recorder's last will)."""

import datetime
import hashlib
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from precinct.audit.services import audit_record
from precinct.cameras.models import (
    Alert,
    AlertKind,
    AlertRule,
    Camera,
    CameraEvent,
    CameraStatus,
    Consent,
    InboxMessage,
    InboxState,
    Recorder,
)
from precinct.cameras.services import alert_raise, rule_matches
from precinct.core.errors import DomainError

MAX_PAYLOAD_BYTES = 64 * 1024  # a Frigate event is about 2 kB; anything far larger is refused unread


@dataclass(frozen=True)
class Received:
    """One message as the receiver got it."""

    topic: str
    body: bytes
    received_at: datetime.datetime


class Refused(DomainError):
    """An inbox message that cannot become an event; `code` is the reason counted."""

    def __init__(self, code: str) -> None:
        super().__init__(code, code, status=422)


def _recorders_by_prefix() -> dict[str, Recorder]:
    return {r.mqtt_prefix: r for r in Recorder.objects.exclude(mqtt_prefix=None) if r.mqtt_prefix}


def subscriptions() -> list[str]:
    """The topics the listener subscribes to: each registered recorder's events and availability."""
    return sorted(f"{prefix}/{kind}" for prefix in _recorders_by_prefix() for kind in ("events", "available"))


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:24]


def _row(message: Received, recorder: Recorder | None) -> InboxMessage:
    """The inbox row for one message: never raises, a message that cannot be read is stored refused."""
    path = recorder.unit_path if recorder else ""
    base = {"recorder": recorder, "unit_path": path, "topic": message.topic[:200], "received_at": message.received_at}
    if recorder is None:
        return InboxMessage(
            key=f"x:{uuid.uuid4()}", payload={}, state=InboxState.REFUSED, reason="unknown_source", **base
        )
    if len(message.body) > MAX_PAYLOAD_BYTES:
        return InboxMessage(key=f"x:{uuid.uuid4()}", payload={}, state=InboxState.REFUSED, reason="too_large", **base)
    kind = message.topic.rsplit("/", 1)[-1]
    if kind == "available":
        text = message.body.decode("utf-8", "replace").strip()[:20]
        # Every availability message counts (offline, online, offline again are all news).
        return InboxMessage(key=f"{recorder.pk}:available:{uuid.uuid4()}", payload={"available": text}, **base)
    try:
        payload = json.loads(message.body)
        event_id = str(payload["after"]["id"])[:80]
        kind = str(payload.get("type", ""))[:10]
    except (ValueError, KeyError, TypeError):
        return InboxMessage(key=f"x:{uuid.uuid4()}", payload={}, state=InboxState.REFUSED, reason="malformed", **base)
    # Keyed by the sender's id and message type; the digest tells two updates of one event apart while a
    # repeat of the same message (QoS 1 redelivery, a retried webhook) has the same key and is ignored.
    return InboxMessage(key=f"{recorder.pk}:{event_id}:{kind}:{_digest(message.body)}", payload=payload, **base)


def inbox_store(messages: list[Received], *, recorder: Recorder | None = None) -> list[InboxMessage]:
    """Store a batch of raw messages (one INSERT; repeats ignored). The recorder is found by the topic's
    prefix unless given (the webhook knows it from the signature). Answers the rows offered (unsaved copies)."""
    by_prefix = _recorders_by_prefix() if recorder is None else {}
    rows = []
    for message in messages:
        source = recorder if recorder is not None else by_prefix.get(message.topic.rsplit("/", 1)[0])
        rows.append(_row(message, source))
    InboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def _parse_time(value: Any) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromtimestamp(float(value), tz=datetime.UTC) if value else None
    except (TypeError, ValueError, OverflowError):
        return None


def _score(after: dict) -> Decimal:
    try:
        value = Decimal(str(after.get("top_score") or after.get("score") or 0))
    except InvalidOperation:
        raise Refused("malformed") from None
    if not Decimal(0) <= value <= Decimal(1):
        raise Refused("malformed")
    return value.quantize(Decimal("0.001"))


def event_record(*, row: InboxMessage) -> CameraEvent:
    """Turn one Frigate `events` message into the event it reports (created by `new`, updated in place by
    `update`/`end`), and raise an alert when a rule of the ward matches. Refused (`Refused`) when the camera
    is unknown, suspended or retired, or has no consent in force."""
    after = row.payload.get("after")
    if row.recorder_id is None or not isinstance(after, dict) or not after.get("camera") or not after.get("label"):
        raise Refused("malformed")
    camera = (
        Camera.objects.select_related("unit")
        .filter(recorder_id=row.recorder_id, source_name=str(after["camera"]))
        .first()
    )
    if camera is None:
        raise Refused("unknown_camera")
    if camera.status != CameraStatus.ACTIVE:
        raise Refused("camera_inactive")
    if not Consent.objects.filter(camera=camera, withdrawn_at__isnull=True).exists():
        raise Refused("no_consent")
    score = _score(after)
    started = _parse_time(after.get("start_time")) or row.received_at
    zones = after.get("entered_zones") or after.get("current_zones") or []
    values = {
        "unit_path": camera.unit_path,
        "label": str(after["label"])[:40],
        "sub_label": str(after.get("sub_label") or "")[:80],
        "zones": [str(z)[:60] for z in zones][:20] if isinstance(zones, list) else [],
        "has_snapshot": bool(after.get("has_snapshot")),
        "has_clip": bool(after.get("has_clip")),
        "ended_at": _parse_time(after.get("end_time")),
    }
    event, created = CameraEvent.objects.select_for_update().get_or_create(
        camera=camera, external_id=str(after.get("id"))[:80], defaults={**values, "score": score, "started_at": started}
    )
    if not created:
        for field, value in values.items():
            setattr(event, field, value)
        event.score = max(event.score, score)
        event.save()
    Camera.objects.filter(pk=camera.pk).exclude(last_event_at__gte=row.received_at).update(
        last_event_at=row.received_at
    )
    _maybe_alert(camera, event)
    return event


def _maybe_alert(camera: Camera, event: CameraEvent) -> None:
    if Alert.objects.filter(event=event).exists():
        return
    rules = AlertRule.objects.filter(unit_path=camera.unit_path, is_active=True).order_by("id")
    for rule in rules:
        if rule_matches(rule, event):
            alert_raise(kind=AlertKind.DETECTION, unit=camera.unit, camera=camera, event=event, rule=rule)
            return


def _availability(row: InboxMessage) -> None:
    if row.recorder_id is None:
        raise Refused("unknown_source")
    recorder = Recorder.objects.select_for_update().get(pk=row.recorder_id)
    if row.payload.get("available") == "offline":
        recorder.reported_offline_at = recorder.reported_offline_at or row.received_at
    else:
        recorder.reported_offline_at = None
        recorder.last_seen_at = max(filter(None, (recorder.last_seen_at, row.received_at)))
    recorder.save(update_fields=["reported_offline_at", "last_seen_at"])


def inbox_process(*, limit: int = 500) -> dict[str, int]:
    """The worker: one batch of waiting rows, oldest first, locked with SKIP LOCKED so several workers can
    run. Each row in its own savepoint: a refused row changes nothing but its own state and reason."""
    counts = {"done": 0, "refused": 0}
    with transaction.atomic():
        rows = list(
            InboxMessage.objects.select_for_update(skip_locked=True)
            .filter(state=InboxState.PENDING)
            .order_by("id")[:limit]
        )
        seen: dict[int, datetime.datetime] = {}
        now = timezone.now()
        for row in rows:
            try:
                with transaction.atomic():
                    if row.topic.endswith("/available"):
                        _availability(row)
                    else:
                        event_record(row=row)
            except Refused as refused:
                row.state, row.reason = InboxState.REFUSED, refused.code
            else:
                row.state = InboxState.DONE
                if not row.topic.endswith("/available") and row.recorder_id:
                    seen[row.recorder_id] = max(seen.get(row.recorder_id, row.received_at), row.received_at)
            row.processed_at = now
            counts[str(row.state)] += 1
        InboxMessage.objects.bulk_update(rows, ["state", "reason", "processed_at"])
        for recorder_id, at in seen.items():
            Recorder.objects.filter(pk=recorder_id).exclude(last_seen_at__gte=at).update(last_seen_at=at)
        if rows:
            audit_record(actor=None, action="cameras.inbox_process", target_label=f"{len(rows)} messages", after=counts)
    return counts
