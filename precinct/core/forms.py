from django import forms

from precinct.core.errors import ValidationFailed


def add_validation_errors(form: forms.BaseForm, exc: ValidationFailed) -> None:
    """Show a service's per-field messages on the form (fields it does not have go to the top)."""
    for field, messages in exc.fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, str(message))
