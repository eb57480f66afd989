"""audit_record(): the one way to write an audit row, inside the caller's transaction."""

import json
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

from precinct.audit.models import GENESIS_HASH, AuditEvent, ChainHead
from precinct.core.actors import Actor
from precinct.core.inserts import PreparedInsert
from precinct.core.request_context import current_request_id

# Any constant: every audit append in the cluster takes this lock so the chain stays linear.
_CHAIN_LOCK_KEY = 7_031_962_001


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of `obj` as JSON-ready values, for an audit row's before/after."""
    data: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            data[name] = getattr(obj, field.attname)
        else:
            data[name] = getattr(obj, name)
    return _jsonable(data)


def _jsonable(value: Any) -> Any:
    # Store exactly what is hashed: dates, decimals and UUIDs become strings once, here.
    return None if value is None else json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _json_param(name: str, value: Any) -> Any:
    return AuditEvent._meta.get_field(name).get_db_prep_save(value, connection)  # type: ignore[union-attr]


def _append_postgresql(event: AuditEvent) -> None:
    """Lock, previous hash (from the chain's head), hash, insert and the head moved on, in one statement
    (migrations audit 0002 and 0005); the lock is then held only for that statement and the commit that follows."""
    before, after = event.canonical_parts()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM precinct_audit_append(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                _CHAIN_LOCK_KEY,
                before,
                after,
                event.occurred_at,
                event.actor_id,
                event.actor_label,
                event.unit_id,
                event.unit_path,
                event.action,
                event.target_type,
                event.target_id,
                event.target_label,
                _json_param("before", event.before),
                _json_param("after", event.after),
                event.request_id,
            ],
        )
        event.pk, event.prev_hash, event.hash = cursor.fetchone()
    event._state.adding = False
    event._state.db = connection.alias


# SQLite runs write transactions one at a time (BEGIN IMMEDIATE), which serialises appends.
_insert = PreparedInsert(AuditEvent, returning="id")


def _append_in_python(event: AuditEvent) -> None:
    """The same as PostgreSQL's function: the previous hash from the chain's head (rebuilt from the table when
    missing), then the row, then the head moved on to it."""
    head = ChainHead.objects.filter(pk=1).values_list("hash", flat=True).first()
    last = head if head is not None else AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event.prev_hash = last or GENESIS_HASH
    event.hash = event.compute_hash()
    _insert.save(event)
    if head is not None:
        ChainHead.objects.filter(pk=1).update(last_id=event.pk, hash=event.hash)
    else:
        ChainHead.objects.create(pk=1, last_id=event.pk, hash=event.hash)


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    target_label: str = "",
    unit: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Must run inside the transaction of the write it records."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record() must be called inside the transaction of the write")
    # A signed-in user is recorded by row and name; anonymous visitors and the system (None) as "system".
    # The user model is found at run time (audit sits below accounts); the type checker knows it as User.
    user = actor if isinstance(actor, get_user_model()) and actor.is_authenticated else None
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor=user,
        actor_label=(user.get_username() if user else "system"),
        unit=unit,
        unit_path=getattr(unit, "path", "") or "",
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label or (str(target) if target is not None else ""))[:300],
        before=_jsonable(before),
        after=_jsonable(after),
        request_id=current_request_id() or "",
    )
    if connection.vendor == "postgresql":
        _append_postgresql(event)
    else:
        _append_in_python(event)
    return event
