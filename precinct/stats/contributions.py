"""What one dossier adds to the summary tables, in its current state.

A change to the summaries is always `contribution(after) - contribution(before)`, and the rebuild is
the sum of every dossier's contribution: both use the definitions here (and `rebuild.py` says the same
in SQL), which is why incremental and rebuilt figures agree.

Definitions (the same on the page, in the API, in the export and in the drill-down lists):
- received: the dossier counts as received (`received_on`) in the month; its channel.
- resolved: closed as done or refused, in the month it closed (local date of `completed_at`);
  early before the due date, on time on it, late after it. Refusals are also counted on their own.
- returned (as incomplete) and withdrawn: closed that way in the month; not counted as resolved.
- working days to resolve: working days from the day it counts as received to the day it closed.
- supplemented: of the dossiers received in the month, those asked for a supplement at least once.
- open: not closed; by due date, and whether the clock is paused (awaiting a supplement).
- fees (payment requests), on the dossier's month of receipt, like `received`: billed = billed and not
  cancelled (what is owed or was paid); paid = paid online (count and VND, the amount billed); the share
  paid online is paid / billed. A fee is counted once however many attempts paid it.
"""

import datetime
from collections import Counter
from typing import Any, NamedTuple

from django.db.models import Count, Q, Sum

from precinct.core.calendar import LOCAL_TZ, calendar
from precinct.eservices.models import CLOSED_STATUSES, Dossier, DossierStatus
from precinct.payments.models import PaymentRequest, RequestStatus
from precinct.stats.models import DeltaKind

RESOLVED_STATUSES = (DossierStatus.DONE, DossierStatus.REFUSED)
# A key of a summary row: (kind, day, unit, procedure, field, channel, paused, days).
Key = tuple[int, datetime.date, int, int, int, str, bool, int]
Contribution = Counter[tuple[Key, str]]


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def closed_on(dossier: Dossier) -> datetime.date | None:
    if dossier.completed_at is None:
        return None
    return dossier.completed_at.astimezone(LOCAL_TZ).date()


def timing(done_on: datetime.date, due_date: datetime.date) -> str:
    if done_on < due_date:
        return "resolved_early"
    return "resolved_on_time" if done_on == due_date else "resolved_late"


def resolve_days(received_on: datetime.date, done_on: datetime.date) -> int:
    return max(calendar().working_days_between(received_on, done_on), 0)


class Fees(NamedTuple):
    """A dossier's fees as the summaries count them (see the definitions above)."""

    billed: int = 0
    paid: int = 0
    paid_vnd: int = 0

    def columns(self) -> dict[str, int]:
        return {"billed_count": self.billed, "paid_count": self.paid, "paid_vnd": self.paid_vnd}


def fee(status: str | None, amount_vnd: int) -> Fees:
    """What one payment request in this status counts for (None: not billed yet)."""
    if status == RequestStatus.PAID:
        return Fees(1, 1, amount_vnd)
    return Fees(1, 0, 0) if status == RequestStatus.UNPAID else Fees()


def fees_of(dossier: Dossier) -> Fees:
    """The dossier's fees now (one query; only moves that change the row they are counted in need it)."""
    paid = Q(status=RequestStatus.PAID)
    totals = (
        PaymentRequest.objects.filter(dossier_id=dossier.pk)
        .exclude(status=RequestStatus.CANCELLED)
        .aggregate(billed=Count("id"), paid=Count("id", filter=paid), vnd=Sum("amount_vnd", filter=paid))
    )
    return Fees(totals["billed"], totals["paid"], totals["vnd"] or 0)


def receipt_key(dossier: Dossier) -> Key:
    """The row of the month the dossier counts as received in (received, supplemented, fees)."""
    procedure_id: Any = dossier.version.procedure_id
    field_id: Any = dossier.version.field_id
    unit_id: Any = dossier.unit_id
    return (
        DeltaKind.MONTHLY.value,
        month_of(dossier.received_on),
        unit_id,
        procedure_id,
        field_id,
        dossier.channel,
        False,
        0,
    )


def contribution(dossier: Dossier, *, supplemented: bool, fees: Fees | None = None) -> Contribution:
    """The counters this dossier adds, keyed by summary row and column. `fees` only matter (and are only
    read) when the change can move the dossier to another row: a transfer (they cancel out otherwise)."""
    procedure_id: Any = dossier.version.procedure_id
    field_id: Any = dossier.version.field_id
    unit_id: Any = dossier.unit_id
    out: Contribution = Counter()
    received_key = receipt_key(dossier)
    out[(received_key, "received")] += 1
    if supplemented:
        out[(received_key, "supplemented")] += 1
    for column, value in (fees or Fees()).columns().items():
        if value:
            out[(received_key, column)] += value
    done_on = closed_on(dossier) if dossier.status in CLOSED_STATUSES else None
    if done_on is None:
        paused = dossier.paused_days_left is not None
        out[((DeltaKind.OPEN.value, dossier.due_date, unit_id, procedure_id, field_id, "", paused, 0), "n")] += 1
        return out
    month = month_of(done_on)
    closed_key: Key = (DeltaKind.MONTHLY.value, month, unit_id, procedure_id, field_id, dossier.channel, False, 0)
    if dossier.status in RESOLVED_STATUSES:
        days = resolve_days(dossier.received_on, done_on)
        out[(closed_key, timing(done_on, dossier.due_date))] += 1
        out[(closed_key, "resolve_days_total")] += days
        out[((DeltaKind.DAYS.value, month, unit_id, procedure_id, field_id, "", False, days), "n")] += 1
        if dossier.status == DossierStatus.REFUSED:
            out[(closed_key, "refused")] += 1
    elif dossier.status == DossierStatus.RETURNED:
        out[(closed_key, "returned")] += 1
    elif dossier.status == DossierStatus.WITHDRAWN:
        out[(closed_key, "withdrawn")] += 1
    return out


def difference(after: Contribution, before: Contribution) -> dict[Key, dict[str, int]]:
    """after - before, as {row: {column: change}} without the rows and columns that do not change."""
    rows: dict[Key, dict[str, int]] = {}
    for (key, column), value in after.items():
        rows.setdefault(key, {})[column] = value
    for (key, column), value in before.items():
        row = rows.setdefault(key, {})
        row[column] = row.get(column, 0) - value
    return {key: cols for key, row in rows.items() if (cols := {c: v for c, v in row.items() if v})}
