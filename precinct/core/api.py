import datetime

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from pydantic import Field

from precinct.core.api_types import DateTime
from precinct.core.calendar import LOCAL_TZ, calendar
from precinct.core.errors import ValidationFailed

router = Router(tags=["calendar"])


class DueDateQuery(Schema):
    received_at: DateTime
    working_days: int = Field(ge=0, le=365)


class DueDateOut(Schema):
    received_on: datetime.date
    due_date: datetime.date


@router.get("/calendar/due-date", response=DueDateOut, auth=None)
def due_date(request: HttpRequest, query: Query[DueDateQuery]) -> DueDateOut:
    """When will I get it? The working day a submission at `received_at` counts from, and its due date
    after `working_days` working days (Vietnam's holidays, swapped days and the province's days off;
    submissions at or after 17:00 local time count from the next working day). A time without an
    offset is read as Vietnam's local time."""
    received_at = query.received_at if query.received_at.tzinfo else query.received_at.replace(tzinfo=LOCAL_TZ)
    try:
        received_on, due = calendar().due_date(received_at, query.working_days)
    except ValueError as exc:
        raise ValidationFailed({"received_at": [_("This date is outside the calendar's range.")]}) from exc
    return DueDateOut(received_on=received_on, due_date=due)
