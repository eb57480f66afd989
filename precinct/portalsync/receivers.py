from typing import Any

from precinct.portalsync.services import outbox_record


def record_dossier_change(sender: Any, *, dossier: Any, event: Any, actor: Any, **kwargs: Any) -> None:
    """Every submission and transition: one outbox row, in the dossier's own transaction."""
    outbox_record(dossier=dossier, event=event)
