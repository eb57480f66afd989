from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()
MISSING = "—"


@register.filter
def stat(value: Any, decimals: int = 0) -> str:
    """A figure in the page's language (12.345 / 99,92 in Vietnamese); an unavailable one as a dash."""
    if value is None or value == "":
        return MISSING
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def pct(value: Any) -> str:
    return MISSING if value is None else f"{stat(value, 2)} %"


@register.filter
def get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if mapping else None
