"""How the register follows the one-stop shop (connected in ResidenceConfig.ready): when a residence
dossier's result is issued, the register changes inside the dossier's own transaction. Submissions, marks,
every other action and every other procedure return at once without a query (the submission path's
statement count is pinned by eservices/tests/test_api.py)."""

from typing import Any

from precinct.eservices.signals import DossierChange
from precinct.residence import changes, selectors, services


def on_dossier_changed(sender: Any, *, change: DossierChange, **kwargs: Any) -> None:
    if change.is_submission or change.is_mark or change.event.action != changes.RESULT_ACTION:
        return
    code = selectors.residence_procedure_code(change.dossier.version.procedure_id)  # a memo: no query
    if code is None:
        return
    services.dossier_apply(actor=change.actor, dossier=change.dossier, code=code)
