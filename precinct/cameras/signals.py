"""What cameras tell other apps (ADR 0015: one signal, one frozen payload)."""

from dataclasses import dataclass

from django.dispatch import Signal

from precinct.cameras.models import Alert
from precinct.core.actors import Actor


@dataclass(frozen=True, slots=True)
class AlertHandedOn:
    """An alert a duty officer handed on for handling as an incident or a crime report."""

    alert: Alert
    actor: Actor
    note: str


camera_alert_handed_on = Signal()
"""Sent by `services.alert_hand_on()` inside its transaction, after the alert is saved as handed on and
before the audit row: `camera_alert_handed_on.send(sender=Alert, handed_on=AlertHandedOn(...))`. A receiver
(incidents) may write its own rows in the same transaction, or raise a `DomainError` to refuse the hand-on
(nothing is then written); it must not change the alert."""
