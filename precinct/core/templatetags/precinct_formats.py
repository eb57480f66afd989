"""Template filters for dates and times: the one helper, `precinct.core.formats` (a builtin: no `{% load %}`).

{{ d|as_date }} → 10/12/2026 · {{ t|as_datetime }} → 10/12/2026 14:05 · {{ t|as_datetime:"s" }} with seconds ·
{{ t|as_time }} → 14:05 · {{ d|as_month }} → 12/2026 · {{ v|as_value }}: a form's value, dates formatted.
"""

from typing import Any

from django import template

from precinct.core import formats

register = template.Library()


@register.filter
def as_date(value: Any) -> str:
    return formats.format_date(value)


@register.filter
def as_datetime(value: Any, arg: str = "") -> str:
    return formats.format_datetime(value, seconds=arg == "s")


@register.filter
def as_time(value: Any) -> str:
    return formats.format_time(value)


@register.filter
def as_month(value: Any) -> str:
    return formats.format_month(value)


@register.filter
def as_value(value: Any) -> Any:
    return formats.format_value(value)
