"""Workflows as data: each action names the states it may start from, the state it leads to, who may
take it, and its effect on the clock. Stored in `Workflow.definition`; the default serves most
procedures, and a procedure version may point at another.

    {"actions": {
        "<action>": {"from": ["<state>", ...], "to": "<state>" | null (stays),
                     "by": "officer" | "applicant", "roles": ["officer", "leader", ...],
                     "note": true (a reason is required), "effect": "<effect>" (optional)}}}

Effects: "pause" (supplement requested: the clock stops), "resume" (supplement given: it restarts),
"transfer" (to another unit), "extend" (new due date with a written apology), "close" (done).
"""

from typing import Any

from precinct.eservices.models import DossierStatus

EFFECTS = {"pause", "resume", "transfer", "extend", "close"}
STAFF = ["officer", "leader", "duty_officer", "administrator"]
DECIDERS = ["officer", "leader"]
OPEN = ["submitted", "received", "in_review", "supplement_requested"]

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
        "approve": {"from": ["in_review"], "to": "approved", "by": "officer", "roles": DECIDERS},
        "refuse": {
            "from": ["received", "in_review"],
            "to": "refused",
            "by": "officer",
            "roles": DECIDERS,
            "note": True,
            "effect": "close",
        },
        "issue_result": {"from": ["approved"], "to": "result_issued", "by": "officer", "roles": DECIDERS},
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
