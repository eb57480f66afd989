"""Dates and times as people read them, in every page, PDF, XLSX and message: one helper (ADR 0027).

Dates are dd/mm/yyyy, times 24-hour in the force's local time (Asia/Ho_Chi_Minh), whatever the language
and whatever the server's clock: an aware datetime is converted first, a naive one is taken as local. A
date given as an ISO string (how forms and history events store dates in JSON) is read first, so a form's
"2026-12-10" prints as "10/12/2026". Machine formats (the API, JSON, file names) stay ISO and do not come here.
The template filters in `core/templatetags/formats.py` (a builtin: no `{% load %}`) call these functions.
"""

import datetime
from typing import Any

from django.utils import timezone

from precinct.core.calendar import LOCAL_TZ

DATE = "%d/%m/%Y"
TIME = "%H:%M"
MONTH = "%m/%Y"
EMPTY = ""


def local(value: datetime.datetime) -> datetime.datetime:
    """The moment in the force's local time (a naive datetime is taken as already local)."""
    if timezone.is_naive(value):
        return value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(LOCAL_TZ)


def _parse(value: Any) -> datetime.date | datetime.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):  # datetime is a date too
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 7:  # a month, "2026-12"
                return datetime.date.fromisoformat(text + "-01")
            if len(text) == 10:
                return datetime.date.fromisoformat(text)
            return datetime.datetime.fromisoformat(text)
        except ValueError:
            return None
    return None


def format_date(value: Any, empty: str = EMPTY) -> str:
    """dd/mm/yyyy; a datetime gives its local date. Anything unreadable gives `empty`."""
    parsed = _parse(value)
    if parsed is None:
        return value if isinstance(value, str) and value else empty
    if isinstance(parsed, datetime.datetime):
        parsed = local(parsed)
    return parsed.strftime(DATE)


def format_datetime(value: Any, empty: str = EMPTY, *, seconds: bool = False) -> str:
    """dd/mm/yyyy HH:MM (24 h, local time); a bare date gives the date alone."""
    parsed = _parse(value)
    if parsed is None:
        return value if isinstance(value, str) and value else empty
    if not isinstance(parsed, datetime.datetime):
        return parsed.strftime(DATE)
    return local(parsed).strftime(DATE + " " + TIME + (":%S" if seconds else ""))


def format_time(value: Any, empty: str = EMPTY) -> str:
    """HH:MM (24 h); a datetime is converted to local time first."""
    if isinstance(value, datetime.datetime):
        value = local(value)
    if isinstance(value, datetime.datetime | datetime.time):
        return value.strftime(TIME)
    return empty


def format_month(value: Any, empty: str = EMPTY) -> str:
    """mm/yyyy."""
    parsed = _parse(value)
    if parsed is None:
        return empty
    if isinstance(parsed, datetime.datetime):
        parsed = local(parsed)
    return parsed.strftime(MONTH)


def format_value(value: Any) -> Any:
    """A value shown to people: dates and datetimes formatted, anything else unchanged (for form data)."""
    if isinstance(value, datetime.datetime):
        return format_datetime(value)
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return format_date(value, empty=value)
    return value
