from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()
MISSING = "—"


def format_number(value: Any, decimals: int = 0, *, english: bool | None = None) -> str:
    """12.345 and 99,92 in Vietnamese, 12,345 and 99.92 in English; an unavailable figure as a dash."""
    if value is None or value == "":
        return MISSING
    text = f"{float(value):,.{decimals}f}"
    if english is None:
        english = (get_language() or "vi").startswith("en")
    return text if english else text.replace(",", " ").replace(".", ",").replace(" ", ".")


def format_percent(value: Any, *, english: bool | None = None) -> str:
    return MISSING if value is None else f"{format_number(value, 2, english=english)} %"


@register.filter
def stat(value: Any, decimals: int = 0) -> str:
    return format_number(value, decimals)


@register.filter
def pct(value: Any) -> str:
    return format_percent(value)


@register.filter
def get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if mapping else None
