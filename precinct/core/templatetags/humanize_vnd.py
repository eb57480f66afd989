from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    """150000 -> '150.000 ₫'; 0 -> 'Free' (translated)."""
    if not amount:
        return _("Free")
    return f"{amount:,}".replace(",", ".") + " ₫"
