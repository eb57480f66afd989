"""Procedure forms described as JSON Schema: validated on the server, rendered as HTML fields.

Supported property types: string (optionally format "date", enum, maxLength, pattern), integer,
number, boolean. `title` (Vietnamese) and `title_en` label the field.
"""

import datetime
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from jsonschema import Draft202012Validator, FormatChecker

_MESSAGES: dict[str, Promise] = {
    "required": _("This field is required."),
    "maxLength": _("This text is too long."),
    "minLength": _("This field is required."),
    "enum": _("Choose one of the listed values."),
    "pattern": _("This value does not have the expected form."),
    "format": _("Enter a valid date (YYYY-MM-DD)."),
    "minimum": _("This value is out of range."),
    "maximum": _("This value is out of range."),
    "additionalProperties": _("This field is not part of the form."),
}


def schema_errors(schema: dict[str, Any]) -> list[str]:
    try:
        Draft202012Validator.check_schema(schema)
    except Exception as exc:
        return [str(exc).splitlines()[0]]
    return []


def form_errors(schema: dict[str, Any], data: dict[str, Any]) -> dict[str, list[Any]]:
    """Messages per form field for `data` against the procedure's schema (empty when valid)."""
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors: dict[str, list[Any]] = {}
    for error in validator.iter_errors(data):
        if error.validator == "required":
            missing = [name for name in error.validator_value if name not in error.instance]
            for name in missing:
                errors.setdefault(f"form.{name}", []).append(_MESSAGES["required"])
            continue
        if error.validator == "additionalProperties":
            extra = set(error.instance) - set(schema.get("properties", {}))
            for name in sorted(extra):
                errors.setdefault(f"form.{name}", []).append(_MESSAGES["additionalProperties"])
            continue
        name = str(error.path[0]) if error.path else "__all__"
        errors.setdefault(f"form.{name}", []).append(_MESSAGES.get(str(error.validator), _("This value is not valid.")))
    return errors


def field_label(spec: dict[str, Any], name: str) -> str:
    """A form field's label in the current language (title / title_en)."""
    english = (get_language() or "vi").startswith("en")
    return str(spec.get("title_en") if english and spec.get("title_en") else spec.get("title", name))


def django_form_fields(schema: dict[str, Any]) -> dict[str, forms.Field]:
    """HTML form fields for the schema's properties, named form.<property>."""
    required = set(schema.get("required", []))
    fields: dict[str, forms.Field] = {}
    for name, spec in schema.get("properties", {}).items():
        common = {
            "label": field_label(spec, name),
            "required": name in required,
            "help_text": spec.get("description", ""),
        }
        kind = spec.get("type")
        field: forms.Field
        if "enum" in spec:
            choices = [("", "—"), *[(v, v) for v in spec["enum"]]]
            field = forms.ChoiceField(choices=choices, **common)
        elif kind == "string" and spec.get("format") == "date":
            field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        elif kind == "string":
            max_length = spec.get("maxLength")
            widget = forms.Textarea(attrs={"rows": 3}) if (max_length or 0) > 200 else None
            field = forms.CharField(max_length=max_length, widget=widget, **common)
        elif kind == "integer":
            field = forms.IntegerField(min_value=spec.get("minimum"), max_value=spec.get("maximum"), **common)
        elif kind == "number":
            field = forms.FloatField(**common)
        elif kind == "boolean":
            field = forms.BooleanField(**{**common, "required": False})
        else:
            continue
        fields[f"form.{name}"] = field
    return fields


def to_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value
