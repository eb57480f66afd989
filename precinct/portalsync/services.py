"""Writes of the portal sync: the outbox row of each dossier change, and administrators' retry/discard."""

import uuid

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.core.inserts import PreparedInsert
from precinct.core.memo import Memo
from precinct.eservices.models import Dossier, DossierEvent, Procedure, ProcedureVersion
from precinct.portalsync.mapping import portal_payload
from precinct.portalsync.models import OutboxEvent, OutboxState
from precinct.portalsync.permissions import can_manage_outbox_event, can_view_portal_sync
from precinct.portalsync.selectors import outbox_list

# Procedure codes by id, for transitions (a submission has its procedure in hand already).
_procedure_codes = Memo(ttl=600)


def _procedure_code(version: ProcedureVersion) -> str:
    if ProcedureVersion.procedure.is_cached(version):  # type: ignore[attr-defined]
        return version.procedure.code
    return str(
        _procedure_codes.get(
            version.procedure_id,
            lambda: Procedure.objects.values_list("code", flat=True).get(pk=version.procedure_id),
        )
    )


# The outbox INSERT is on every submission's path: built once (core/inserts.py), not compiled per call.
_insert = PreparedInsert(
    OutboxEvent,
    (
        "key",
        "dossier",
        "dossier_event_id",
        "dossier_code",
        "unit_path",
        "action",
        "status",
        "payload",
        "state",
        "attempts",
        "created_at",
        "next_attempt_at",
        "last_error",
    ),
)


def outbox_record(*, dossier: Dossier, event: DossierEvent) -> uuid.UUID:
    """One INSERT in the transaction of the dossier change it reports: the row commits or rolls back
    with the change, so the portal hears of exactly the changes that happened. Answers the event's key."""
    if not connection.in_atomic_block:
        raise RuntimeError("outbox_record() must be called inside the transaction of the dossier change")
    key = uuid.uuid4()
    now = timezone.now()
    values = {
        "key": key,
        "dossier": dossier.pk,
        "dossier_event_id": event.pk,
        "dossier_code": dossier.code,
        "unit_path": dossier.unit_path,
        "action": event.action,
        "status": dossier.status,
        "payload": portal_payload(
            dossier=dossier, event=event, procedure_code=_procedure_code(dossier.version), key=str(key)
        ),
        "state": OutboxState.PENDING,
        "attempts": 0,
        "created_at": now,
        "next_attempt_at": now,
        "last_error": "",
    }
    _insert.run(values)
    return key


def _locked(event: OutboxEvent) -> OutboxEvent:
    # The event's row only, not its dossier and unit (which would hold up the dossier's transitions).
    return OutboxEvent.objects.select_for_update(of=("self",)).select_related("dossier__unit").get(pk=event.pk)


@transaction.atomic
def outbox_retry(*, actor: Actor, event: OutboxEvent) -> OutboxEvent:
    """Send a dead-lettered event again: its attempts start over, and it goes out at the next pass."""
    if not can_manage_outbox_event(actor, event):
        raise PermissionDenied()
    event = _locked(event)
    if event.state != OutboxState.DEAD:
        raise DomainError("not_dead", _("Only events that failed can be sent again."), status=409)
    before = {"state": event.state, "attempts": event.attempts, "last_error": event.last_error}
    event.state = OutboxState.PENDING
    event.attempts = 0
    event.next_attempt_at = timezone.now()
    event.save(update_fields=["state", "attempts", "next_attempt_at"])
    audit_record(
        actor=actor,
        action="portalsync.outbox_retry",
        target=event,
        unit=event.dossier.unit,
        before=before,
        after={"state": event.state, "key": str(event.key)},
    )
    return event


RETRY_ALL_LIMIT = 500


@transaction.atomic
def outbox_retry_all(*, actor: Actor) -> int:
    """After an outage: send every dead letter in the actor's reach again (at most 500 per call, oldest
    first; each is audited). Answers how many were queued."""
    if not can_view_portal_sync(actor):
        raise PermissionDenied()
    ids = list(outbox_list(actor=actor, state=OutboxState.DEAD).order_by("id").values_list("id", flat=True))
    events = (
        OutboxEvent.objects.select_for_update(of=("self",))  # as in _locked
        .select_related("dossier__unit")
        .filter(pk__in=ids[:RETRY_ALL_LIMIT], state=OutboxState.DEAD)
        .order_by("id")
    )
    count = 0
    for event in events:
        before = {"state": event.state, "attempts": event.attempts, "last_error": event.last_error}
        event.state, event.attempts, event.next_attempt_at = OutboxState.PENDING, 0, timezone.now()
        event.save(update_fields=["state", "attempts", "next_attempt_at"])
        audit_record(
            actor=actor,
            action="portalsync.outbox_retry",
            target=event,
            unit=event.dossier.unit,
            before=before,
            after={"state": event.state, "key": str(event.key), "bulk": True},
        )
        count += 1
    return count


@transaction.atomic
def outbox_discard(*, actor: Actor, event: OutboxEvent, reason: str) -> OutboxEvent:
    """Give up on a dead-lettered event (the portal will not hear of it); the dossier's later events then
    go out. A reason is required and kept in the audit log."""
    if not can_manage_outbox_event(actor, event):
        raise PermissionDenied()
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": [_("Give the reason for discarding this event.")]})
    event = _locked(event)
    if event.state != OutboxState.DEAD:
        raise DomainError("not_dead", _("Only events that failed can be discarded."), status=409)
    before = {"state": event.state, "attempts": event.attempts, "last_error": event.last_error}
    event.state = OutboxState.DISCARDED
    event.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action="portalsync.outbox_discard",
        target=event,
        unit=event.dossier.unit,
        before=before,
        after={"state": event.state, "key": str(event.key), "reason": reason[:500]},
    )
    return event
