"""A dossier's history (`DossierEvent`, what the citizen and officers see on its page) is written here, one
helper per kind of event, whoever causes it (Saleor's `<domain>/events.py`). The services call them inside
their transaction and then send `signals.dossier_changed` with the event they return."""

from typing import Any

from django.utils import timezone

from precinct.accounts.actors import as_user
from precinct.core.actors import Actor
from precinct.core.inserts import PreparedInsert
from precinct.eservices.models import Dossier, DossierEvent

SUBMIT = "submit"
MARK_OVERDUE = "mark_overdue"
# Events the system writes that change no status, unit, due date or clock: marks, not moves.
MARKS = frozenset({MARK_OVERDUE})

# Every submission writes one: the INSERT is built once (core/inserts.py), not compiled per call.
_insert = PreparedInsert(DossierEvent, returning="id")


def _write(
    dossier: Dossier, *, actor: Actor, action: str, from_status: str, note: str = "", data: dict[str, Any] | None = None
) -> DossierEvent:
    event = DossierEvent(
        dossier=dossier,
        at=timezone.now(),
        actor=as_user(actor),
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        note=note,
        data=data or {},
    )
    _insert.save(event)
    return event


def submitted_event(dossier: Dossier, *, actor: Actor) -> DossierEvent:
    """The citizen submitted the dossier: its history starts (no status before)."""
    return _write(dossier, actor=actor, action=SUBMIT, from_status="")


def transition_event(
    dossier: Dossier, *, actor: Actor, action: str, from_status: str, note: str = "", data: dict[str, Any]
) -> DossierEvent:
    """A workflow action was taken (the dossier is already in its new state); `data` is what the action's
    effect changed (`workflow.apply_effect`), e.g. the new due date."""
    return _write(dossier, actor=actor, action=action, from_status=from_status, note=note, data=data)


def overdue_marked_event(dossier: Dossier) -> DossierEvent:
    """The escalation sweep found the dossier past its due date without a result (the system: no actor)."""
    return _write(
        dossier,
        actor=None,
        action=MARK_OVERDUE,
        from_status=dossier.status,
        data={"due_date": dossier.due_date.isoformat()},
    )
