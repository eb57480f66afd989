"""A procedure's guide: what the national public-service portal shows of it besides its name, deadline, fee
and documents (which have their own fields). Kept as one JSON object on the procedure version, carried by
the catalogue's import and export, Vietnamese with optional English:

    {"legal_basis": ["Luật Cư trú số 68/2020/QH14", ...],
     "applicants": "...", "applicants_en": "...",          who may apply
     "steps": [{"text": "...", "text_en": "..."}, ...],     how the procedure goes
     "result": "...", "result_en": "...",                  what the applicant receives
     "where": "...", "where_en": "..."}                    where to submit besides online

A required document may name a form template (`"template": true`): the portal offers the blank form to
download, drawn from the procedure's own form (eservices.templates_pdf).
"""

from typing import Any

from django.utils.translation import get_language

TEXTS = ("applicants", "result", "where")


def guide_errors(guide: Any) -> list[str]:
    """What is wrong with a guide (for the operator who edits or imports a procedure)."""
    if not isinstance(guide, dict):
        return ["the guide must be a JSON object"]
    errors = []
    basis = guide.get("legal_basis", [])
    if not isinstance(basis, list) or not all(isinstance(b, str) for b in basis):
        errors.append("legal_basis: a list of texts")
    steps = guide.get("steps", [])
    if not isinstance(steps, list) or not all(isinstance(s, dict) and isinstance(s.get("text"), str) for s in steps):
        errors.append('steps: a list of {"text": …, "text_en": …}')
    for key in TEXTS:
        for name in (key, f"{key}_en"):
            if not isinstance(guide.get(name, ""), str):
                errors.append(f"{name}: a text")
    unknown = set(guide) - {"legal_basis", "steps", *TEXTS, *(f"{k}_en" for k in TEXTS)}
    if unknown:
        errors.append(f"unknown keys: {', '.join(sorted(unknown))}")
    return errors


def _pick(item: dict[str, Any], key: str) -> str:
    english = (get_language() or "vi").startswith("en")
    return str(item.get(f"{key}_en") if english and item.get(f"{key}_en") else item.get(key, ""))


def guide_display(guide: dict[str, Any]) -> dict[str, Any]:
    """The guide in the current language, for the procedure's page."""
    guide = guide or {}
    return {
        "legal_basis": list(guide.get("legal_basis", [])),
        "steps": [_pick(step, "text") for step in guide.get("steps", [])],
        **{key: _pick(guide, key) for key in TEXTS},
    }
