"""An alert's timeline, one helper per kind of line, whoever writes it (a service, the evidence fetcher, the
escalation sweep). Lines are appended, never edited: a note is a line too."""

from django.utils import timezone

from precinct.cameras.models import Alert, AlertEntry, AlertEntryKind
from precinct.core.actors import Actor


def _add(alert: Alert, kind: str, actor: Actor = None, text: str = "") -> AlertEntry:
    return AlertEntry.objects.create(
        alert=alert,
        kind=kind,
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        text=text,
        at=timezone.now(),
    )


def raised(alert: Alert) -> AlertEntry:
    return _add(alert, AlertEntryKind.RAISED, text=alert.note)


def snapshot(alert: Alert, text: str) -> AlertEntry:
    return _add(alert, AlertEntryKind.SNAPSHOT, text=text)


def acknowledged(alert: Alert, actor: Actor) -> AlertEntry:
    return _add(alert, AlertEntryKind.ACKNOWLEDGED, actor)


def escalated(alert: Alert, leaders: list[str]) -> AlertEntry:
    return _add(alert, AlertEntryKind.ESCALATED, text=", ".join(leaders))


def dispatched(alert: Alert, actor: Actor, text: str) -> AlertEntry:
    return _add(alert, AlertEntryKind.DISPATCHED, actor, text)


def noted(alert: Alert, actor: Actor, text: str) -> AlertEntry:
    return _add(alert, AlertEntryKind.NOTE, actor, text)


def closed(alert: Alert, actor: Actor, text: str) -> AlertEntry:
    return _add(alert, AlertEntryKind.CLOSED, actor, text)
