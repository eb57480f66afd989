from typing import Any

from django import template

from precinct.results.permissions import can_revoke_result
from precinct.results.selectors import result_for_dossier

register = template.Library()


@register.inclusion_tag("results/_dossier_result.html", takes_context=True)
def result_panel(context: dict[str, Any], dossier: Any) -> dict[str, Any]:
    """The signed result on a dossier's page (the page has already checked the reader may see the dossier)."""
    document = result_for_dossier(dossier=dossier)
    user = context["request"].user
    return {
        "document": document,
        "dossier": dossier,
        "can_revoke": document is not None and not document.is_revoked and can_revoke_result(user, document),
        "csrf_token": context.get("csrf_token"),
    }
