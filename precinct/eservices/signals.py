"""Hooks through which later apps (payments, signed results, statistics, portal sync, notifications)
follow dossiers without `eservices` knowing them. Both are sent inside the service's transaction, so
a receiver's writes commit or roll back with the dossier's. Each carries one frozen payload (ADR 0015):
a receiver reads what it needs from it and cannot change what the next receiver is told.

`dossier_transition_checking.send(sender=Dossier, check=TransitionCheck(dossier, action, actor, spec))`
    Sent by `dossier_transition()` before a transition is written, after the workflow's own checks. A
    receiver refuses the transition by raising a `DomainError` (e.g. "the fee is not paid yet"); nothing
    has changed then.

`dossier_changed.send(sender=Dossier, change=DossierChange(dossier, event, actor))`
    Sent after every change a service writes, with its history event (`action`, `from_status`,
    `to_status`, `note`, `data`): the submission (`change.is_submission`), each workflow action, and the
    marks the system makes (`change.is_mark`: overdue, by `dossier_mark_overdue()`), which change no
    status, unit, due date or clock and are sent without a `dossier_transition_checking` before them.
    The audit row is appended right after the receivers return (last, so the audit chain's lock is held
    only until the commit).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.dispatch import Signal

from precinct.core.actors import Actor
from precinct.eservices.events import MARKS, SUBMIT
from precinct.eservices.models import Dossier, DossierEvent


@dataclass(frozen=True, slots=True)
class TransitionCheck:
    """A workflow action about to be taken: the dossier (locked, still in its old state), the action's
    name and its definition from the workflow (`spec`), and who takes it."""

    dossier: Dossier
    action: str
    actor: Actor
    spec: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class DossierChange:
    """A change just written: the dossier as saved, its new history event, and who caused it (None: the
    system, e.g. the escalation sweep)."""

    dossier: Dossier
    event: DossierEvent
    actor: Actor

    @property
    def is_submission(self) -> bool:
        return self.event.action == SUBMIT

    @property
    def is_mark(self) -> bool:
        """A mark the system made (overdue) rather than a move: status, unit, due date and clock are as they
        were. Each receiver decides what a mark means to it (most ignore it)."""
        return self.event.action in MARKS


dossier_transition_checking = Signal()
dossier_changed = Signal()
