"""Procedure forms described as JSON Schema: validated on the server, rendered as HTML fields.

Supported property types: string (optionally format "date" or "person-name", enum, maxLength, pattern),
integer, number, boolean. `title` (Vietnamese) and `title_en` label the field.

Rules across fields, which JSON Schema cannot say simply, are a list under the schema's "x-rules" key
(JSON Schema ignores keywords it does not know), checked after the schema on every submission, page or API:

    {"rule": "date_order", "start": "tu_ngay", "end": "den_ngay"}       end on or after start
    {"rule": "age", "field": "ngay_sinh", "min": 14, "max": 120}       years between the date and today

A broken rule puts its message on the field it names (`end`, `field`); a rule whose fields are missing or
already wrong is skipped (the field has its own message then).
"""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from jsonschema import Draft202012Validator, FormatChecker

from precinct.core.text import is_plausible_name

RULES = "x-rules"
NAME_FORMAT = "person-name"

_MESSAGES: dict[str, Promise] = {
    "required": _("This field is required."),
    "maxLength": _("This text is too long."),
    "minLength": _("This field is required."),
    "enum": _("Choose one of the listed values."),
    "pattern": _("This value does not have the expected form."),
    "format": _("Enter a valid date (YYYY-MM-DD)."),
    NAME_FORMAT: _("A name may contain only letters, spaces, apostrophes and hyphens."),
    "minimum": _("This value is out of range."),
    "maximum": _("This value is out of range."),
    "additionalProperties": _("This field is not part of the form."),
}


_FORMATS = FormatChecker()


@_FORMATS.checks(NAME_FORMAT)
def _is_name(value: object) -> bool:
    return not isinstance(value, str) or is_plausible_name(value)


def schema_errors(schema: dict[str, Any]) -> list[str]:
    try:
        Draft202012Validator.check_schema(schema)
    except Exception as exc:
        return [str(exc).splitlines()[0]]
    return rule_errors(schema)


def _is_date(schema: dict[str, Any], name: Any) -> bool:
    spec = schema.get("properties", {}).get(name) if isinstance(name, str) else None
    return isinstance(spec, dict) and spec.get("type") == "string" and spec.get("format") == "date"


def rule_errors(schema: dict[str, Any]) -> list[str]:
    """What is wrong with the schema's cross-field rules (for the operator who edits a procedure)."""
    rules = schema.get(RULES, [])
    if not isinstance(rules, list):
        return [f"{RULES} must be a list"]
    errors = []
    for index, rule in enumerate(rules):
        kind = rule.get("rule") if isinstance(rule, dict) else None
        if kind == "date_order":
            if not (_is_date(schema, rule.get("start")) and _is_date(schema, rule.get("end"))):
                errors.append(f"{RULES}[{index}]: 'start' and 'end' must name date fields")
        elif kind == "age":
            limits = [rule.get("min"), rule.get("max")]
            if not _is_date(schema, rule.get("field")):
                errors.append(f"{RULES}[{index}]: 'field' must name a date field")
            if all(v is None for v in limits) or not all(v is None or isinstance(v, int) for v in limits):
                errors.append(f"{RULES}[{index}]: give 'min' and/or 'max' in whole years")
        else:
            errors.append(f"{RULES}[{index}]: unknown rule {kind!r} (date_order, age)")
    return errors


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _years_between(born: datetime.date, today: datetime.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _rule_messages(schema: dict[str, Any], data: dict[str, Any], today: datetime.date) -> dict[str, list[Any]]:
    properties = schema.get("properties", {})
    errors: dict[str, list[Any]] = {}
    for rule in schema.get(RULES, []):
        if rule.get("rule") == "date_order":
            start, end = _date(data.get(rule["start"])), _date(data.get(rule["end"]))
            if start and end and end < start:
                label = field_label(properties.get(rule["start"], {}), rule["start"])
                errors.setdefault(f"form.{rule['end']}", []).append(
                    _("This date must not be before “%(other)s”.") % {"other": label}
                )
        elif rule.get("rule") == "age":
            born = _date(data.get(rule["field"]))
            if born is None:
                continue
            age = _years_between(born, today)
            if rule.get("min") is not None and age < rule["min"]:
                message = _("The age must be at least %(years)d years.") % {"years": rule["min"]}
            elif rule.get("max") is not None and age > rule["max"]:
                message = _("The age must be at most %(years)d years.") % {"years": rule["max"]}
            else:
                continue
            errors.setdefault(f"form.{rule['field']}", []).append(message)
    return errors


def form_errors(
    schema: dict[str, Any], data: dict[str, Any], *, today: datetime.date | None = None
) -> dict[str, list[Any]]:
    """Messages per form field for `data` against the procedure's schema and its cross-field rules (empty
    when valid). A rule is checked only when the fields it reads passed the schema."""
    validator = Draft202012Validator(schema, format_checker=_FORMATS)
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
        key = error.validator_value if error.validator == "format" and error.validator_value == NAME_FORMAT else None
        message = _MESSAGES.get(str(key or error.validator), _("This value is not valid."))
        errors.setdefault(f"form.{name}", []).append(message)
    if isinstance(data, dict) and schema.get(RULES):
        valid = {k: v for k, v in data.items() if f"form.{k}" not in errors}
        for key, messages in _rule_messages(schema, valid, today or timezone.localdate()).items():
            errors.setdefault(key, []).extend(messages)
    return errors


def _name_validator(value: str) -> None:
    if not is_plausible_name(value):
        raise forms.ValidationError(str(_MESSAGES[NAME_FORMAT]), code="name")


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
            if spec.get("format") == NAME_FORMAT:
                field.validators.append(_name_validator)
                field.widget.attrs["autocomplete"] = "name"
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
