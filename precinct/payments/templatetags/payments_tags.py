"""Small pieces other apps' pages show: the payment block of a dossier page and paid/unpaid in the inbox."""

from typing import Any

from django import template
from django.utils import timezone

from precinct.payments import selectors
from precinct.payments.fees import vnd
from precinct.payments.permissions import can_pay

register = template.Library()


@register.inclusion_tag("payments/_dossier_block.html", takes_context=True)
def payment_block(context: dict[str, Any], dossier: Any) -> dict[str, Any]:
    """The dossier's fees (the page already checked the viewer may see the dossier)."""
    user = context["request"].user
    requests = list(selectors.payment_request_list(actor=user, dossier=dossier))
    now = timezone.now()
    rows = [
        {
            "request": r,
            "amount": vnd(r.amount_vnd),
            "can_pay": can_pay(user, r),
            "payments": selectors.attempts_for_display(r, now),
        }
        for r in requests
    ]
    return {"rows": rows, "csrf_token": context.get("csrf_token"), "is_applicant": dossier.applicant_id == user.pk}


@register.simple_tag
def fee_states(dossiers: Any) -> dict[int, str]:
    """Paid/unpaid for a page of dossiers (already scoped by the page's selector), in one query."""
    return selectors.fee_states(dossier_ids=[d.pk for d in dossiers])


@register.inclusion_tag("payments/_fee_badge.html")
def fee_badge(states: dict[int, str], dossier: Any) -> dict[str, Any]:
    return {"state": states.get(dossier.pk, "")}
