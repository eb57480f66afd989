from django import forms
from django.contrib import messages as flash
from django.http import HttpRequest

from precinct.core.errors import DomainError, ValidationFailed


def add_validation_errors(form: forms.BaseForm, exc: ValidationFailed) -> None:
    """Show a service's per-field messages on the form (fields it does not have go to the top)."""
    for field, messages in exc.fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, str(message))


def flash_error(request: HttpRequest, exc: DomainError) -> None:
    """Show a refused service call as one error message on the next page (each field's messages, or the
    error's own message)."""
    if isinstance(exc, ValidationFailed):
        flash.error(request, " ".join(str(m) for msgs in exc.fields.values() for m in msgs))
    else:
        flash.error(request, str(exc.message))
