"""Which fees a dossier owes, and which workflow actions wait for them. The rules are data:

- The procedure's fee (`ProcedureVersion.fee_vnd` > 0) is billed when the dossier is submitted. It must be
  paid before the actions listed in the workflow definition's optional top-level `"fee_required_for"`
  (default: `["approve", "issue_result"]`): officers may receive and review an unpaid dossier, so no time is
  lost, but the decision and the result wait for the money.
- An action of the workflow may carry a fee of its own, billed when the action is taken, e.g. a fee due
  after review: `"approve": {..., "fee_vnd": 50000, "fee_required_for": ["issue_result"]}`. Its
  `"fee_required_for"` defaults to `["issue_result", "complete"]`.
"""

from typing import Any

from django.utils.translation import gettext as _

PROCEDURE_FEE = "fee"
DEFAULT_FEE_REQUIRED_FOR = ["approve", "issue_result"]
DEFAULT_ACTION_FEE_REQUIRED_FOR = ["issue_result", "complete"]


def procedure_fee_required_for(definition: dict[str, Any]) -> list[str]:
    return list(definition.get("fee_required_for") or DEFAULT_FEE_REQUIRED_FOR)


def action_fee(spec: dict[str, Any]) -> tuple[int, list[str]] | None:
    """The fee an action puts on the dossier and the actions it blocks, or None when it has none."""
    amount = spec.get("fee_vnd")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        return None
    return amount, list(spec.get("fee_required_for") or DEFAULT_ACTION_FEE_REQUIRED_FOR)


def purpose_label(purpose: str) -> str:
    if purpose == PROCEDURE_FEE:
        return _("Procedure fee")
    return _("Fee after “%(action)s”") % {"action": action_label(purpose)}


def action_label(action: str) -> str:
    labels = {
        "receive": _("Receive"),
        "start_review": _("Start review"),
        "approve": _("Approve"),
        "issue_result": _("Issue the result"),
        "complete": _("Mark as done"),
    }
    return str(labels.get(action, action))


def vnd(amount: int) -> str:
    """12345678 -> '12.345.678 ₫' (Vietnamese grouping)."""
    return f"{amount:,}".replace(",", ".") + " ₫"
