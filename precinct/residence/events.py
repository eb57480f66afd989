"""The history of residence records: one helper per kind of event, whoever writes it (a service, the dossier
receiver, an import)."""

from typing import Any

from django.utils import timezone

from precinct.core.actors import Actor
from precinct.eservices.models import Dossier
from precinct.residence.models import ResidenceEvent, ResidenceRecord

REGISTERED = "registered"
ENDED = "ended"
EXTENDED = "extended"


def _actor_id(actor: Actor) -> int | None:
    return actor.pk if actor is not None and actor.is_authenticated else None


def _write(
    record: ResidenceRecord, *, actor: Actor, action: str, data: dict[str, Any], dossier: Dossier | None
) -> ResidenceEvent:
    return ResidenceEvent.objects.create(
        record=record, at=timezone.now(), actor_id=_actor_id(actor), action=action, data=data, dossier=dossier
    )


def registered_event(
    record: ResidenceRecord, *, actor: Actor, before: dict[str, Any] | None, dossier: Dossier | None = None
) -> ResidenceEvent:
    data = {"before": before, "after": record_state(record)}
    return _write(record, actor=actor, action=REGISTERED, data=data, dossier=dossier)


def ended_event(
    record: ResidenceRecord, *, actor: Actor, reason: str, dossier: Dossier | None = None
) -> ResidenceEvent:
    data = {"reason": reason, "ended_on": str(record.ended_on)}
    return _write(record, actor=actor, action=ENDED, data=data, dossier=dossier)


def extended_event(
    record: ResidenceRecord, *, actor: Actor, previous_end: str, dossier: Dossier | None = None
) -> ResidenceEvent:
    data = {"before": previous_end, "after": str(record.end)}
    return _write(record, actor=actor, action=EXTENDED, data=data, dossier=dossier)


def record_state(record: ResidenceRecord | None) -> dict[str, Any] | None:
    """What before → after shows of a record."""
    if record is None:
        return None
    return {
        "kind": record.kind,
        "address": record.address,
        "unit": record.unit.code,
        "start": str(record.start),
        "end": str(record.end) if record.end else None,
    }
