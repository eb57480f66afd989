"""Messages used through variables elsewhere, marked here so `makemessages` collects them."""

from django.utils.translation import gettext_noop

MARKED = [
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid date (YYYY-MM-DD)."),
    gettext_noop("Enter a valid date and time (ISO 8601)."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter text."),
    gettext_noop("The request body is not valid JSON."),
    gettext_noop("This value is out of range."),
    gettext_noop("Enter a date between 1900-01-01 and 2199-12-31."),
    gettext_noop("The request body must be a JSON object."),
]
