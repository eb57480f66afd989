"""The worker's set-based path for Frigate `events` messages (ADR 0035, "The worker, set-based").

`events_record(rows)` does for a whole batch what `ingest.event_record` does for one row, in a handful of
statements instead of about a dozen per row:
1. every payload is read in Python; a row without recorder, camera or label is refused `malformed`;
2. the cameras the batch names are read and locked in one query (in id order, so two workers never deadlock),
   with their status and whether a consent is in force: unknown, inactive and no-consent rows get the codes
   `camera_for` gives; a bad score is refused `malformed` after that, as row by row;
3. the messages of one Frigate id are collapsed into its final state (the last message's fields, the best
   score, the first message's start), the existing events of those (camera, id) pairs read in one query, the
   new ones inserted in one statement (a pair another writer inserted meanwhile is ignored there and merged
   after), the changed ones updated in one statement, and the cameras' `last_event_at` in one;
4. the reviews naming these events are linked, and the ward's rules (read once) evaluated in Python on each
   event's final state; only an event that has no alert, no review with one, and matches a rule goes through
   `reviews.event_alert` (per row, rare), which decides again under the camera's lock: an event and its
   review still make one alert.
A refused row changes nothing. Should the database refuse the batch's statements (a value Python accepted),
its rows are done one by one by `event_record` instead, each in its own savepoint."""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, OuterRef, Q

from precinct.cameras.models import (
    Alert,
    AlertRule,
    Camera,
    CameraEvent,
    CameraStatus,
    Consent,
    InboxMessage,
    Review,
    ReviewDetection,
)
from precinct.cameras.partitions import event_moments, events_by_id_q
from precinct.cameras.reviews import event_alert
from precinct.cameras.services import rule_matches
from precinct.cameras.sources import Refused, parse_time

__all__ = ["events_record"]

_FIELDS = ("unit_path", "label", "sub_label", "zones", "has_snapshot", "has_clip", "ended_at")


@dataclass(slots=True)
class _Message:
    row: InboxMessage
    after: dict[str, Any]
    key: tuple[int, str]  # (recorder, camera name)


@dataclass(slots=True)
class _State:
    """One Frigate id's final state after the batch's messages of it."""

    camera: Camera
    external_id: str
    values: dict[str, Any]
    score: Decimal
    started_at: datetime.datetime
    rows: list[InboxMessage] = field(default_factory=list)


def _read(row: InboxMessage) -> _Message:
    payload = row.payload if isinstance(row.payload, dict) else {}
    after = payload.get("after")
    if row.recorder_id is None or not isinstance(after, dict) or not after.get("camera") or not after.get("label"):
        raise Refused("malformed")
    return _Message(row, after, (row.recorder_id, str(after["camera"])))


def _cameras(messages: list[_Message]) -> dict[tuple[int, str], Camera]:
    """The cameras named, locked in id order, each with `has_consent`."""
    if not messages:
        return {}
    in_force = Consent.objects.filter(camera=OuterRef("pk"), withdrawn_at__isnull=True)
    names: dict[int, set[str]] = {}
    for message in messages:
        names.setdefault(message.key[0], set()).add(message.key[1])
    named = Q()  # exactly the cameras named, so workers on other cameras are not held up
    for recorder_id, sources in names.items():
        named |= Q(recorder_id=recorder_id, source_name__in=sources)
    query = (
        Camera.objects.select_related("unit")
        .select_for_update(of=("self",))
        .filter(named)
        .annotate(has_consent=Exists(in_force))
        .order_by("pk")
    )
    return {(c.recorder_id, c.source_name): c for c in query if c.recorder_id is not None}


def _camera(cameras: dict[tuple[int, str], Camera], message: _Message) -> Camera:
    camera = cameras.get(message.key)
    if camera is None:
        raise Refused("unknown_camera")
    if camera.status != CameraStatus.ACTIVE:
        raise Refused("camera_inactive")
    if not getattr(camera, "has_consent", False):
        raise Refused("no_consent")
    return camera


def _collapse(messages: list[tuple[_Message, Camera, Decimal]]) -> dict[tuple[int, str], _State]:
    """Row order kept: the first message of an id gives its start, the last its fields, the best its score."""
    # Imported here: ingest imports this module.
    from precinct.cameras.ingest import event_values

    states: dict[tuple[int, str], _State] = {}
    for message, camera, score in messages:
        external_id = str(message.after.get("id"))[:80]
        values = event_values(camera, message.after)
        state = states.get((camera.pk, external_id))
        if state is None:
            started = parse_time(message.after.get("start_time")) or message.row.received_at
            state = states[(camera.pk, external_id)] = _State(camera, external_id, values, score, started)
        else:
            state.values, state.score = values, max(state.score, score)
        state.rows.append(message.row)
    return states


def _existing(states: dict[tuple[int, str], _State], *, lock: bool) -> dict[tuple[int, str], CameraEvent]:
    # Within the windows of time the ids and starts give (partitions.py): only those months are read.
    moments = [m for state in states.values() for m in event_moments(state.external_id, state.started_at)]
    query = CameraEvent.objects.filter(
        events_by_id_q({k[0] for k in states}, {k[1] for k in states}, moments)
    ).order_by("pk")
    if lock:
        query = query.select_for_update(of=("self",))
    found = {(e.camera_id, e.external_id): e for e in query}
    return {key: event for key, event in found.items() if key in states}


def _write(states: dict[tuple[int, str], _State]) -> list[tuple[_State, CameraEvent]]:
    """Insert the new events, update the known ones; answers each state with its saved event."""
    existing = _existing(states, lock=True)
    fresh = [
        CameraEvent(
            camera=state.camera,
            external_id=state.external_id,
            score=state.score,
            started_at=state.started_at,
            **state.values,
        )
        for key, state in sorted(states.items())
        if key not in existing
    ]
    if fresh:
        # Conflicts ignored: a pair inserted meanwhile by another writer is read back below and merged.
        CameraEvent.objects.bulk_create(fresh, ignore_conflicts=True)
        inserted = {(e.camera_id, e.external_id): e for e in fresh}
        for key, event in _existing({k: states[k] for k in inserted}, lock=True).items():
            mine = inserted[key]
            if (event.score, event.started_at, *(getattr(event, f) for f in _FIELDS)) != (
                mine.score,
                mine.started_at,
                *(getattr(mine, f) for f in _FIELDS),
            ):
                existing[key] = event  # someone else's row: merged below as a known event
            else:
                mine.pk = event.pk
                mine._state.adding, mine._state.db = False, event._state.db
    changed = []
    for key, event in existing.items():
        state = states[key]
        for name, value in state.values.items():
            setattr(event, name, value)
        event.score = max(event.score, state.score)
        changed.append(event)
    if changed:
        _update_events(changed)
    saved = {**{(e.camera_id, e.external_id): e for e in fresh if e.pk is not None}, **existing}
    answer = []
    for key, state in states.items():
        event = saved[key]
        event.camera = state.camera  # rule_matches and event_alert read it: no query
        answer.append((state, event))
    return answer


# On PostgreSQL one UPDATE … FROM unnest(arrays) per batch: Django's bulk_update builds a CASE per row and
# field, which cost more CPU than everything else in the worker together.
_UPDATE_EVENTS = """
UPDATE cameras_cameraevent AS e
SET unit_path = v.unit_path, label = v.label, sub_label = v.sub_label, zones = v.zones::jsonb,
    has_snapshot = v.has_snapshot, has_clip = v.has_clip, ended_at = v.ended_at, score = v.score
FROM unnest(%s::bigint[], %s::varchar[], %s::varchar[], %s::varchar[], %s::text[], %s::boolean[], %s::boolean[],
            %s::timestamptz[], %s::numeric[])
     AS v(id, unit_path, label, sub_label, zones, has_snapshot, has_clip, ended_at, score)
WHERE e.id = v.id
"""
_LAST_EVENT_AT = """
UPDATE cameras_camera AS c SET last_event_at = v.at
FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) WHERE c.id = v.id
"""


def _execute(sql: str, arrays: list[list]) -> None:
    import psycopg  # PostgreSQL only

    connection.ensure_connection()  # server-side binding: no quoting of every array element in Python
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, arrays)


def _update_events(events: list[CameraEvent]) -> None:
    if connection.vendor != "postgresql":
        CameraEvent.objects.bulk_update(events, [*_FIELDS, "score"])
        return
    columns: list[list] = [[e.pk for e in events]]
    for name in _FIELDS:
        columns.append([json.dumps(getattr(e, name)) if name == "zones" else getattr(e, name) for e in events])
    columns.append([e.score for e in events])
    _execute(_UPDATE_EVENTS, columns)


def _last_event_at(states: dict[tuple[int, str], _State]) -> None:
    latest: dict[int, tuple[Camera, datetime.datetime]] = {}
    for state in states.values():
        at = max(row.received_at for row in state.rows)
        if state.camera.pk not in latest or latest[state.camera.pk][1] < at:
            latest[state.camera.pk] = (state.camera, at)
    moved = []
    for camera, at in latest.values():
        if camera.last_event_at is None or camera.last_event_at < at:
            camera.last_event_at = at  # the camera is locked: its value read above is the current one
            moved.append(camera)
    if moved and connection.vendor == "postgresql":
        _execute(_LAST_EVENT_AT, [[c.pk for c in moved], [c.last_event_at for c in moved]])
    elif moved:
        Camera.objects.bulk_update(moved, ["last_event_at"])


def _alerts(saved: list[tuple[_State, CameraEvent]]) -> None:
    events = [event for _, event in saved]
    cameras = {event.camera_id for event in events}
    ids = {event.external_id for event in events}
    by_pair = {(e.camera_id, e.external_id): e for e in events}
    links = [
        d
        for d in ReviewDetection.objects.filter(camera_id__in=cameras, external_id__in=ids, event__isnull=True)
        if (d.camera_id, d.external_id) in by_pair
    ]
    for detection in links:
        detection.event_id = by_pair[(detection.camera_id, detection.external_id)].pk
    if links:
        ReviewDetection.objects.bulk_update(links, ["event"])
    alerted = set(Alert.objects.filter(event__in=events).values_list("event_id", flat=True))
    reviewed = set(
        Review.objects.filter(camera_id__in=cameras, alert__isnull=False, detections__external_id__in=ids).values_list(
            "camera_id", "detections__external_id"
        )
    )
    rules: dict[str, list[AlertRule]] = {}
    for rule in AlertRule.objects.filter(unit_path__in={e.camera.unit_path for e in events}, is_active=True).order_by(
        "id"
    ):
        rules.setdefault(rule.unit_path, []).append(rule)
    for event in events:
        if event.pk in alerted:
            continue
        pair = (event.camera_id, event.external_id)
        if pair in reviewed or any(rule_matches(r, event) for r in rules.get(event.camera.unit_path, ())):
            # The situation's review has an alert (this event is given to it), or a rule matches: the one
            # path that decides, again, under the camera's lock (held since _cameras).
            event_alert(event.camera, event)


def _row_by_row(rows: list[InboxMessage]) -> dict[int, str]:
    from precinct.cameras.ingest import event_record

    outcome = {}
    for row in rows:
        try:
            with transaction.atomic():
                event_record(row=row)
        except Refused as refused:
            outcome[row.pk] = refused.code
        else:
            outcome[row.pk] = ""
    return outcome


def events_record(rows: list[InboxMessage]) -> dict[int, str]:
    """Record a batch of `events` rows; answers each row's refusal code ("" when done). Runs inside the
    worker's transaction (the cameras stay locked until it commits)."""
    from precinct.cameras.ingest import event_score

    outcome: dict[int, str] = {}
    messages = []
    for row in rows:
        try:
            messages.append(_read(row))
        except Refused as refused:
            outcome[row.pk] = refused.code
    cameras = _cameras(messages)
    good = []
    for message in messages:
        try:
            camera = _camera(cameras, message)
            good.append((message, camera, event_score(message.after)))
        except Refused as refused:
            outcome[message.row.pk] = refused.code
    if not good:
        return outcome
    states = _collapse(good)
    try:
        with transaction.atomic():
            saved = _write(states)
            _last_event_at(states)
            _alerts(saved)
    except DatabaseError:
        # The cameras' locks are kept (taken before the savepoint): the rows one by one, each refused alone.
        outcome.update(_row_by_row([m.row for m, _, _ in good]))
        return outcome
    outcome.update({m.row.pk: "" for m, _, _ in good})
    return outcome
