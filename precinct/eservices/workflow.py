"""Workflows as data: each action names the states it may start from, the state it leads to, who may
take it, and its effect on the clock. Stored in `Workflow.definition`; the default serves most
procedures, and a procedure version may point at another.

    {"actions": {
        "<action>": {"from": ["<state>", ...], "to": "<state>" | null (stays),
                     "by": "officer" | "applicant", "roles": ["officer", "leader", ...],
                     "note": true (a reason is required), "effect": "<effect>" (optional)}}}

Effects are code, one function each in `APPLY_EFFECT` (ADR 0004, 0015): "pause" (supplement requested: the
clock stops), "resume" (supplement given: it restarts), "transfer" (to another unit), "extend" (new due date
with a written apology), "close" (done).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from precinct.core.calendar import calendar
from precinct.core.errors import ValidationFailed
from precinct.eservices.models import Dossier, DossierStatus
from precinct.organisation.models import Unit

STAFF = ["officer", "leader", "duty_officer", "administrator"]
DECIDERS = ["officer", "leader"]
# Officers examine and propose; a leader of the unit decides and signs the result (the demo procedures, as
# the one-stop shop works: "cán bộ đề xuất, lãnh đạo phê duyệt").
LEADERS = ["leader"]
OPEN = ["submitted", "received", "in_review", "supplement_requested"]
# Open states whose clock runs (a dossier waiting for the citizen's supplement is not late).
RUNNING = [DossierStatus.SUBMITTED, DossierStatus.RECEIVED, DossierStatus.IN_REVIEW, DossierStatus.APPROVED]

DEFAULT_DEFINITION: dict[str, Any] = {
    "actions": {
        "receive": {"from": ["submitted"], "to": "received", "by": "officer", "roles": STAFF},
        "return_incomplete": {
            "from": ["submitted"],
            "to": "returned",
            "by": "officer",
            "roles": STAFF,
            "note": True,
            "effect": "close",
        },
        "start_review": {"from": ["received"], "to": "in_review", "by": "officer", "roles": DECIDERS},
        "request_supplement": {
            "from": ["received", "in_review"],
            "to": "supplement_requested",
            "by": "officer",
            "roles": DECIDERS,
            "note": True,
            "effect": "pause",
        },
        "supplement": {
            "from": ["supplement_requested"],
            "to": "in_review",
            "by": "applicant",
            "note": True,
            "effect": "resume",
        },
        "propose": {"from": ["in_review"], "to": None, "by": "officer", "roles": ["officer"]},
        "approve": {"from": ["in_review"], "to": "approved", "by": "officer", "roles": LEADERS},
        "refuse": {
            "from": ["received", "in_review"],
            "to": "refused",
            "by": "officer",
            "roles": LEADERS,
            "note": True,
            "effect": "close",
        },
        "issue_result": {"from": ["approved"], "to": "result_issued", "by": "officer", "roles": LEADERS},
        "complete": {"from": ["result_issued"], "to": "done", "by": "officer", "roles": STAFF, "effect": "close"},
        "withdraw": {"from": OPEN, "to": "withdrawn", "by": "applicant", "effect": "close"},
        "transfer": {
            "from": ["submitted", "received", "in_review"],
            "to": None,
            "by": "officer",
            "roles": ["leader", "administrator", "officer"],
            "note": True,
            "effect": "transfer",
        },
        "extend": {
            "from": ["received", "in_review"],
            "to": None,
            "by": "officer",
            "roles": ["leader"],
            "note": True,
            "effect": "extend",
        },
    }
}


@dataclass(frozen=True, slots=True)
class Move:
    """What an effect may use besides the dossier: the action's input and the moment it is taken."""

    now: datetime.datetime
    today: datetime.date  # local date of `now`
    note: str = ""
    target_unit: Unit | None = None
    new_due_date: datetime.date | None = None


def _pause(dossier: Dossier, move: Move) -> dict[str, Any]:
    dossier.paused_days_left = max(calendar().working_days_between(move.today, dossier.due_date), 0)
    return {"days_left": dossier.paused_days_left}


def _resume(dossier: Dossier, move: Move) -> dict[str, Any]:
    cal = calendar()
    restart = cal.received_on(move.now, cutoff=dossier.version.cutoff)
    dossier.due_date = cal.add_working_days(restart, dossier.paused_days_left or 0)
    dossier.paused_days_left = None
    return {"due_date": dossier.due_date.isoformat()}


def _transfer(dossier: Dossier, move: Move) -> dict[str, Any]:
    target = move.target_unit
    if target is None or target.pk == dossier.unit_id or not target.is_active:
        raise ValidationFailed({"target_unit": [_("Choose another unit to transfer the dossier to.")]})
    dossier.unit, dossier.unit_path = target, target.path
    dossier.assignee = None  # the receiving unit assigns its own officer
    return {"to_unit": target.code}


def _extend(dossier: Dossier, move: Move) -> dict[str, Any]:
    new = move.new_due_date
    if new is None or new <= dossier.due_date or not calendar().is_working_day(new):
        raise ValidationFailed({"new_due_date": [_("Choose a working day after the current due date.")]})
    previous, dossier.due_date = dossier.due_date, new
    dossier.overdue_on = None  # an extended dossier is no longer late
    return {"previous_due_date": previous.isoformat(), "due_date": new.isoformat()}


def _close(dossier: Dossier, move: Move) -> dict[str, Any]:
    dossier.completed_at = move.now
    if move.note:
        dossier.decision_note = move.note  # the reason for a refusal or a return, shown to the citizen
    return {}


# Effect name -> the function that applies it to the dossier in memory (the service saves it) and answers
# what it changed, for the history event. A function refuses input that does not fit with ValidationFailed,
# before anything is written.
APPLY_EFFECT: dict[str, Callable[[Dossier, Move], dict[str, Any]]] = {
    "pause": _pause,
    "resume": _resume,
    "transfer": _transfer,
    "extend": _extend,
    "close": _close,
}
EFFECTS = frozenset(APPLY_EFFECT)


def apply_effect(effect: str | None, dossier: Dossier, move: Move) -> dict[str, Any]:
    """Apply an action's effect (None: the action has none) and answer the history event's data."""
    return APPLY_EFFECT[effect](dossier, move) if effect else {}


def definition_errors(definition: dict[str, Any]) -> list[str]:
    """What is wrong with a workflow definition (empty when it is usable)."""
    states = set(DossierStatus.values)
    errors = []
    actions = definition.get("actions")
    if not isinstance(actions, dict) or not actions:
        return ["a workflow needs an 'actions' object"]
    for name, spec in actions.items():
        for state in spec.get("from", []):
            if state not in states:
                errors.append(f"{name}: unknown state {state!r}")
        if spec.get("to") is not None and spec["to"] not in states:
            errors.append(f"{name}: unknown target state {spec['to']!r}")
        if spec.get("by") not in ("officer", "applicant"):
            errors.append(f"{name}: 'by' must be 'officer' or 'applicant'")
        if spec.get("effect") is not None and spec["effect"] not in EFFECTS:
            errors.append(f"{name}: unknown effect {spec['effect']!r}")
    return errors


def default_workflow() -> Any:
    """The default workflow row, created from DEFAULT_DEFINITION the first time it is needed."""
    from precinct.eservices.models import Workflow

    workflow, _created = Workflow.objects.get_or_create(
        key="default", defaults={"name": "Quy trình mặc định", "definition": DEFAULT_DEFINITION}
    )
    return workflow


# The actions the default workflow leaves to leaders (tests and demo data take them as a leader).
LEADER_ACTIONS = frozenset(name for name, spec in DEFAULT_DEFINITION["actions"].items() if spec.get("roles") == LEADERS)
