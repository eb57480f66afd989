"""Hooks through which later apps (payments, signed results, statistics, portal sync, notifications)
follow dossiers without `eservices` knowing them. Both are sent inside the service's transaction, so
a receiver's writes commit or roll back with the dossier's.

`dossier_transition_checking(sender=Dossier, dossier, action, actor, spec)`
    Sent before a transition is written, after the workflow's own checks. A receiver refuses the
    transition by raising a `DomainError` (e.g. "the fee is not paid yet"); nothing has changed then.

`dossier_changed(sender=Dossier, dossier, event, actor)`
    Sent after a submission (`event.action == "submit"`) or a transition is written, with its
    history event (`from_status`, `to_status`, `note`, `data`). The audit row is appended right
    after the receivers return (last, so the audit chain's lock is held only until the commit).
"""

from django.dispatch import Signal

dossier_transition_checking = Signal()
dossier_changed = Signal()
