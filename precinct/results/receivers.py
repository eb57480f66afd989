"""How results follow dossiers: issuing a result signs it, in the same transaction (docs/adr/0011)."""

from typing import Any

from precinct.eservices.signals import DossierChange, TransitionCheck

ACTION = "issue_result"


def refuse_issue_without_key(sender: Any, *, check: TransitionCheck, **kwargs: Any) -> None:
    """Before anything is written: a unit without a usable key cannot issue (clear error, nothing changes)."""
    if check.action == ACTION:
        from precinct.results import services  # pyHanko loads only when a result is issued

        services.signer_for(check.dossier.unit)


def sign_issued_result(sender: Any, *, change: DossierChange, **kwargs: Any) -> None:
    if change.event.action == ACTION:
        from precinct.results import services

        services.result_issue(actor=change.actor, dossier=change.dossier)
