from typing import Any

from precinct.eservices.signals import DossierChange
from precinct.portalsync.services import outbox_record


def record_dossier_change(sender: Any, *, change: DossierChange, **kwargs: Any) -> None:
    """Every submission and transition: one outbox row, in the dossier's own transaction. An overdue mark
    writes none: it changes nothing the portal is sent (status, dates), and the portal judges lateness
    from the due date it already has (ADR 0015)."""
    if change.is_mark:
        return
    outbox_record(dossier=change.dossier, event=change.event)
