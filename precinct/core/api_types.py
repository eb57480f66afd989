"""Bounded types for what the API reads: every integer and date an API schema takes is one of these.

An unbounded `int` lets `offset=10**20` or `due_within_days=3000000` through to a slice, a timedelta or
a database column, which overflow (500); a date of year 9999 overflows when moved to local time or shifted
by a deadline. These annotated types carry the bounds into validation (422 naming the field) and into the
OpenAPI document (`minimum`/`maximum`), so clients and the fuzzing in CI see them. A test walks the
OpenAPI document and fails on an integer parameter or body field without both bounds.
"""

import datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

INT64_MAX = 2**63 - 1
# Far beyond any real list, far below what `offset + limit` could overflow.
OFFSET_MAX = 2**31 - 1
# Ten years of days: deadlines, look-aheads, retention.
DAYS_MAX = 3660
LIMIT_MAX = 500

# Dates a police record can carry: births a century and more back, plans and retention decades ahead.
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2199, 12, 31)

Int64 = Annotated[int, Field(ge=-INT64_MAX - 1, le=INT64_MAX)]
# A row's id in a path or a body: positive, and within a 64-bit column.
Id = Annotated[int, Field(ge=1, le=INT64_MAX)]
Offset = Annotated[int, Field(ge=0, le=OFFSET_MAX)]
Limit = Annotated[int, Field(ge=1, le=LIMIT_MAX)]
PageNumber = Annotated[int, Field(ge=1, le=OFFSET_MAX)]
Days = Annotated[int, Field(ge=0, le=DAYS_MAX)]
Percent = Annotated[int, Field(ge=0, le=100)]
Year = Annotated[int, Field(ge=DATE_MIN.year, le=DATE_MAX.year)]
# A count or an amount that is never negative (priorities, money in VND, sizes).
Count = Annotated[int, Field(ge=0, le=INT64_MAX)]


def _date_in_range(value: datetime.date) -> datetime.date:
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise PydanticCustomError(
            "date_out_of_range",
            "Enter a date between {min} and {max}.",
            {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
        )
    return value


def _datetime_in_range(value: datetime.datetime) -> datetime.datetime:
    # The date as written (no conversion: a year-9999 time with an offset would overflow moving to UTC); the
    # bounds are centuries from the calendar's ends, so a later conversion to local time cannot overflow.
    _date_in_range(value.date())
    return value


_RANGE_NOTE = f" Between {DATE_MIN.isoformat()} and {DATE_MAX.isoformat()}."
Date = Annotated[datetime.date, AfterValidator(_date_in_range), Field(description=_RANGE_NOTE.strip())]
DateTime = Annotated[datetime.datetime, AfterValidator(_datetime_in_range), Field(description=_RANGE_NOTE.strip())]


class Pagination(LimitOffsetPagination):
    """ninja's limit/offset pagination with both numbers bounded (its own offset has no maximum)."""

    class Input(Schema):
        limit: Limit = 100
        offset: Offset = 0


# Pages parse their GET filters and form fields by hand; these give them the same bounds.


def date_param(text: str | None, *, field: str) -> datetime.date | None:
    """A page's date parameter (YYYY-MM-DD…): None when empty or not a date (the filter is ignored, as pages
    always did), BadInput (400, naming the field) when a real date outside DATE_MIN–DATE_MAX."""
    from precinct.core.input_guard import BadInput

    try:
        value = datetime.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None
    if value is not None and not DATE_MIN <= value <= DATE_MAX:
        raise BadInput(_("Enter a date between 1900-01-01 and 2199-12-31."), field=field)
    return value


def int_param(text: str | None, *, low: int = -INT64_MAX - 1, high: int = INT64_MAX) -> int | None:
    """A page's whole-number parameter: None unless plain decimal digits (no sign, no '²') within low–high."""
    if not text or not text.isascii() or not text.isdecimal() or len(text) > 19:
        return None
    value = int(text)
    return value if low <= value <= high else None
