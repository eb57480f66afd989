"""How results follow dossiers: issuing a result signs it, in the same transaction (docs/adr/0011)."""

from typing import Any

ACTION = "issue_result"


def refuse_issue_without_key(sender: Any, *, dossier: Any, action: str, actor: Any, **kwargs: Any) -> None:
    """Before anything is written: a unit without a usable key cannot issue (clear error, nothing changes)."""
    if action == ACTION:
        from precinct.results import services  # pyHanko loads only when a result is issued

        services.signer_for(dossier.unit)


def sign_issued_result(sender: Any, *, dossier: Any, event: Any, actor: Any, **kwargs: Any) -> None:
    if event.action == ACTION:
        from precinct.results import services

        services.result_issue(actor=actor, dossier=dossier)
