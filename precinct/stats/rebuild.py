# ruff: noqa: S608  (the SQL below is built from model table names and status constants, never from input)
"""Rebuild the summary tables from the dossiers themselves, in SQL (the same definitions as
`contributions.py`), in one transaction. On PostgreSQL it runs in one snapshot (REPEATABLE READ), so
changes committed while it runs are neither lost nor counted twice: their deltas stay for the next fold.
"""

import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.calendar import calendar
from precinct.eservices.models import (
    CLOSED_STATUSES,
    Dossier,
    DossierEvent,
    DossierRating,
    DossierStatus,
    ProcedureVersion,
)
from precinct.payments.models import PaymentRequest, RequestStatus
from precinct.stats.folding import locked_state
from precinct.stats.models import (
    COUNTERS,
    MonthlyStat,
    OpenStat,
    ResolveDaysStat,
    StatDelta,
    UnitDaysStat,
    UnitMonthlyStat,
    WorkdayNumber,
)


def workday_numbers_refresh() -> None:
    """Number every day of the calendar's span by the working days on or before it."""
    cal = calendar()
    start = datetime.date(cal.first_year, 1, 1)
    end = datetime.date(cal.last_year, 12, 31)
    before_start = start - datetime.timedelta(days=1)
    rows, day = [], start
    while day <= end:
        rows.append(WorkdayNumber(day=day, number=cal.working_days_between(before_start, day)))
        day += datetime.timedelta(days=1)
    WorkdayNumber.objects.all().delete()
    WorkdayNumber.objects.bulk_create(rows, batch_size=5000)


def _sql() -> dict[str, str]:
    if connection.vendor == "postgresql":
        return {
            "done_on": "(d.completed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date",
            "month_received": "date_trunc('month', d.received_on)::date",
            "month_done": "date_trunc('month', c.done_on)::date",
        }
    # Django registers this function on SQLite connections (it is what TruncDate uses there).
    return {
        "done_on": "django_datetime_cast_date(d.completed_at, 'Asia/Ho_Chi_Minh', 'UTC')",
        "month_received": "strftime('%%Y-%%m-01', d.received_on)",
        "month_done": "strftime('%%Y-%%m-01', c.done_on)",
    }


def _quoted(values: Any) -> str:
    return ", ".join(f"'{v}'" for v in values)  # our own status constants, not input


def _counters(**expressions: str) -> str:
    """The SELECT list for COUNTERS, in their order: the given expressions, 0 for the others."""
    if unknown := set(expressions) - set(COUNTERS):
        raise ValueError(f"not a counter: {sorted(unknown)}")
    return ", ".join(expressions.get(c, "0") for c in COUNTERS)


def _replace(*columns: str) -> str:
    return ", ".join(f"{c} = excluded.{c}" for c in columns)


def rebuild_tables() -> None:
    sql = _sql()
    dossier, version = Dossier._meta.db_table, ProcedureVersion._meta.db_table
    event, workday = DossierEvent._meta.db_table, WorkdayNumber._meta.db_table
    monthly, open_, days = MonthlyStat._meta.db_table, OpenStat._meta.db_table, ResolveDaysStat._meta.db_table
    unit_monthly, unit_days = UnitMonthlyStat._meta.db_table, UnitDaysStat._meta.db_table
    rating, fee = DossierRating._meta.db_table, PaymentRequest._meta.db_table
    resolved = _quoted([DossierStatus.DONE, DossierStatus.REFUSED])
    closed = _quoted(CLOSED_STATUSES)
    closed_rows = f"""
        SELECT d.unit_id, v.procedure_id, v.field_id, d.channel, d.status, d.due_date, c0.done_on,
               CASE WHEN w2.number - w1.number < 0 THEN 0 ELSE w2.number - w1.number END AS days
        FROM (SELECT d.id, {sql["done_on"]} AS done_on FROM {dossier} d
              WHERE d.status IN ({closed}) AND d.completed_at IS NOT NULL) c0
        JOIN {dossier} d ON d.id = c0.id
        JOIN {version} v ON v.id = d.version_id
        JOIN {workday} w1 ON w1.day = d.received_on
        JOIN {workday} w2 ON w2.day = c0.done_on"""
    counters = ", ".join(COUNTERS)
    monthly_key = "ON CONFLICT (month, unit_id, procedure_id, field_id, channel) DO UPDATE SET"
    outcomes = {
        "resolved_early": f"SUM(CASE WHEN c.status IN ({resolved}) AND c.done_on < c.due_date THEN 1 ELSE 0 END)",
        "resolved_on_time": f"SUM(CASE WHEN c.status IN ({resolved}) AND c.done_on = c.due_date THEN 1 ELSE 0 END)",
        "resolved_late": f"SUM(CASE WHEN c.status IN ({resolved}) AND c.done_on > c.due_date THEN 1 ELSE 0 END)",
        "refused": f"SUM(CASE WHEN c.status = '{DossierStatus.REFUSED}' THEN 1 ELSE 0 END)",
        "returned": f"SUM(CASE WHEN c.status = '{DossierStatus.RETURNED}' THEN 1 ELSE 0 END)",
        "withdrawn": f"SUM(CASE WHEN c.status = '{DossierStatus.WITHDRAWN}' THEN 1 ELSE 0 END)",
        "resolve_days_total": f"SUM(CASE WHEN c.status IN ({resolved}) THEN c.days ELSE 0 END)",
    }
    paid = f"f.status = '{RequestStatus.PAID}'"
    fees = {
        "billed_count": "COUNT(*)",
        "paid_count": f"SUM(CASE WHEN {paid} THEN 1 ELSE 0 END)",
        "paid_vnd": f"SUM(CASE WHEN {paid} THEN f.amount_vnd ELSE 0 END)",
    }
    received = {"received": "COUNT(*)", "supplemented": "SUM(CASE WHEN s.dossier_id IS NULL THEN 0 ELSE 1 END)"}
    statements = [
        f"DELETE FROM {StatDelta._meta.db_table}",
        f"DELETE FROM {monthly}",
        f"DELETE FROM {open_}",
        f"DELETE FROM {days}",
        f"DELETE FROM {unit_monthly}",
        f"DELETE FROM {unit_days}",
        # Received, per month of receipt (and whether a supplement was ever asked for).
        f"""INSERT INTO {monthly} (month, unit_id, procedure_id, field_id, channel, {counters})
            SELECT {sql["month_received"]}, d.unit_id, v.procedure_id, v.field_id, d.channel,
                   {_counters(**received)}
            FROM {dossier} d JOIN {version} v ON v.id = d.version_id
            LEFT JOIN (SELECT DISTINCT dossier_id FROM {event} WHERE to_status = %s) s ON s.dossier_id = d.id
            WHERE 1 = 1
            GROUP BY 1, 2, 3, 4, 5""",
        # Fees billed on the dossiers received in the month (not cancelled) and those paid online: always
        # a row the statement above wrote (the dossier's), wherever the dossier is now (transfers included).
        f"""INSERT INTO {monthly} (month, unit_id, procedure_id, field_id, channel, {counters})
            SELECT {sql["month_received"]}, d.unit_id, v.procedure_id, v.field_id, d.channel, {_counters(**fees)}
            FROM {fee} f JOIN {dossier} d ON d.id = f.dossier_id JOIN {version} v ON v.id = d.version_id
            WHERE f.status <> '{RequestStatus.CANCELLED}'
            GROUP BY 1, 2, 3, 4, 5
            {monthly_key} {_replace(*fees)}""",
        # Closed, per month of closing, by outcome; working days to resolve.
        f"""INSERT INTO {monthly} (month, unit_id, procedure_id, field_id, channel, {counters})
            SELECT {sql["month_done"]}, c.unit_id, c.procedure_id, c.field_id, c.channel, {_counters(**outcomes)}
            FROM ({closed_rows}) c
            WHERE 1 = 1
            GROUP BY 1, 2, 3, 4, 5
            {monthly_key} {_replace(*outcomes)}""",
        # Ratings, on the month the rated dossier was resolved in.
        f"""INSERT INTO {monthly} (month, unit_id, procedure_id, field_id, channel, {counters})
            SELECT {sql["month_done"]}, c.unit_id, c.procedure_id, c.field_id, c.channel,
                   {_counters(rating_count="COUNT(*)", rating_total="SUM(c.score)")}
            FROM (SELECT d.unit_id, v.procedure_id, v.field_id, d.channel, r.score, {sql["done_on"]} AS done_on
                  FROM {rating} r JOIN {dossier} d ON d.id = r.dossier_id JOIN {version} v ON v.id = d.version_id
                  WHERE d.completed_at IS NOT NULL) c
            WHERE 1 = 1
            GROUP BY 1, 2, 3, 4, 5
            {monthly_key} {_replace("rating_count", "rating_total")}""",
        f"""INSERT INTO {days} (month, unit_id, procedure_id, field_id, days, n)
            SELECT {sql["month_done"]}, c.unit_id, c.procedure_id, c.field_id, c.days, COUNT(*)
            FROM ({closed_rows}) c
            WHERE c.status IN ({resolved})
            GROUP BY 1, 2, 3, 4, 5""",
        f"""INSERT INTO {open_} (unit_id, procedure_id, field_id, due_date, paused, n)
            SELECT d.unit_id, v.procedure_id, v.field_id, d.due_date,
                   CASE WHEN d.paused_days_left IS NULL THEN FALSE ELSE TRUE END, COUNT(*)
            FROM {dossier} d JOIN {version} v ON v.id = d.version_id
            WHERE d.status NOT IN ({closed})
            GROUP BY 1, 2, 3, 4, 5""",
        f"""INSERT INTO {unit_monthly} (month, unit_id, channel, {counters})
            SELECT month, unit_id, channel, {", ".join(f"SUM({c})" for c in COUNTERS)}
            FROM {monthly} GROUP BY 1, 2, 3""",
        f"""INSERT INTO {unit_days} (month, unit_id, days, n)
            SELECT month, unit_id, days, SUM(n) FROM {days} GROUP BY 1, 2, 3""",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            params = [DossierStatus.SUPPLEMENT_REQUESTED] if "%s" in statement else []
            cursor.execute(statement, params)


def stats_rebuild(*, actor: Actor = None) -> dict[str, int]:
    """Recompute every summary from the dossier table (and drop waiting changes: they are included)."""
    outer = connection.in_atomic_block
    one_snapshot = connection.vendor == "postgresql" and not outer
    with transaction.atomic():
        if one_snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        state = locked_state()
        workday_numbers_refresh()
        rebuild_tables()
        state.rebuilt_at = state.folded_at = timezone.now()
        state.save(update_fields=["rebuilt_at", "folded_at"])
        result = {
            "monthly_rows": MonthlyStat.objects.count(),
            "open_rows": OpenStat.objects.count(),
            "days_rows": ResolveDaysStat.objects.count(),
        }
        if not one_snapshot:
            audit_record(actor=actor, action="stats.rebuild", target=None, after=result)
    if one_snapshot:
        # Audit rows are chained under READ COMMITTED only (a snapshot older than the chain's lock could
        # miss the newest row and fork the chain): the rebuild of derived tables is recorded right after.
        with transaction.atomic():
            audit_record(actor=actor, action="stats.rebuild", target=None, after=result)
    return result
