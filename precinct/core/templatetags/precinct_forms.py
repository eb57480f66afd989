"""Form fields tied to their messages for assistive technology (a builtin: no `{% load %}`; ADR 0027)."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def described_by_errors(field: Any) -> SafeString:
    """The field's widget with aria-describedby naming its error list (and its help text), as `_field.html`
    renders them; Django marks it aria-invalid itself."""
    ids = [f"{field.id_for_label}-errors"]
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    return field.as_widget(attrs={"aria-describedby": " ".join(ids)})
