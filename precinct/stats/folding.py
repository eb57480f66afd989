"""Fold the changes dossiers wrote (`StatDelta`) into the summary tables.

Each batch is taken with `DELETE … RETURNING`: a change is added exactly once even when two folders
run at once (the second finds the rows gone), and a change committed while a fold runs waits for the
next one. The additions are `INSERT … ON CONFLICT DO UPDATE SET c = c + excluded.c` (PostgreSQL and
SQLite alike), one row per summary key, so the folder touches each hot row once per batch instead of
once per submission.
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from precinct.stats.models import (
    COUNTERS,
    DeltaKind,
    MonthlyStat,
    OpenStat,
    ResolveDaysStat,
    StatDelta,
    StatsState,
    UnitDaysStat,
    UnitMonthlyStat,
)

BATCH = 50_000
KEY_COLUMNS = ("kind", "day", "unit_id", "procedure_id", "field_id", "channel", "paused", "days")
VALUE_COLUMNS = ("n", *COUNTERS)


def locked_state() -> StatsState:
    StatsState.objects.get_or_create(pk=1)
    return StatsState.objects.select_for_update().get(pk=1)


def _upsert(table: str, keys: Sequence[str], values: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    rows = list(rows)
    if not rows:
        return
    columns = [*keys, *values]
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "  # noqa: S608
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
        + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in values)
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def add_rows(rows: Iterable[Sequence[Any]]) -> None:
    """Add (kind, day, unit, procedure, field, channel, paused, days, n, *COUNTERS) rows to the tables."""
    monthly: dict[tuple[Any, ...], list[int]] = {}
    open_: dict[tuple[Any, ...], int] = {}
    days: dict[tuple[Any, ...], int] = {}
    for row in rows:
        kind, day, unit_id, procedure_id, field_id, channel, paused, n_days, n, *counters = row
        if kind == DeltaKind.MONTHLY:
            total = monthly.setdefault((day, unit_id, procedure_id, field_id, channel), [0] * len(COUNTERS))
            for i, value in enumerate(counters):
                total[i] += value
        elif kind == DeltaKind.OPEN:
            key = (unit_id, procedure_id, field_id, day, bool(paused))
            open_[key] = open_.get(key, 0) + n
        else:
            key = (day, unit_id, procedure_id, field_id, n_days)
            days[key] = days.get(key, 0) + n
    _upsert(
        MonthlyStat._meta.db_table,
        ("month", "unit_id", "procedure_id", "field_id", "channel"),
        COUNTERS,
        ((*key, *values) for key, values in monthly.items() if any(values)),
    )
    _upsert(
        OpenStat._meta.db_table,
        ("unit_id", "procedure_id", "field_id", "due_date", "paused"),
        ("n",),
        ((*key, n) for key, n in open_.items() if n),
    )
    _upsert(
        ResolveDaysStat._meta.db_table,
        ("month", "unit_id", "procedure_id", "field_id", "days"),
        ("n",),
        ((*key, n) for key, n in days.items() if n),
    )
    # The same changes summed over procedures and fields, for dashboards without those filters.
    unit_monthly: dict[tuple[Any, ...], list[int]] = {}
    for (month, unit_id, _procedure, _field, channel), values in monthly.items():
        total = unit_monthly.setdefault((month, unit_id, channel), [0] * len(COUNTERS))
        for i, value in enumerate(values):
            total[i] += value
    unit_days: dict[tuple[Any, ...], int] = {}
    for (month, unit_id, _procedure, _field, n_days), n in days.items():
        unit_days[(month, unit_id, n_days)] = unit_days.get((month, unit_id, n_days), 0) + n
    _upsert(
        UnitMonthlyStat._meta.db_table,
        ("month", "unit_id", "channel"),
        COUNTERS,
        ((*key, *values) for key, values in unit_monthly.items() if any(values)),
    )
    _upsert(
        UnitDaysStat._meta.db_table,
        ("month", "unit_id", "days"),
        ("n",),
        ((*key, n) for key, n in unit_days.items() if n),
    )
    if open_:
        OpenStat.objects.filter(n=0).delete()  # closed dossiers leave their due-date rows empty


def stats_fold(*, batch: int = BATCH) -> int:
    """Fold every waiting change; returns how many were folded."""
    folded = 0
    table = StatDelta._meta.db_table
    columns = ", ".join((*KEY_COLUMNS, *VALUE_COLUMNS))
    while True:
        with transaction.atomic():
            state = locked_state()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} ORDER BY id LIMIT %s) "  # noqa: S608
                    f"RETURNING {columns}",
                    [batch],
                )
                rows = cursor.fetchall()
            add_rows(rows)
            state.folded_at = timezone.now()
            state.save(update_fields=["folded_at"])
        folded += len(rows)
        if len(rows) < batch:
            return folded


def fold_status() -> tuple[datetime.datetime | None, int]:
    """When the figures were last brought up to date, and how many changes wait to be folded (one query)."""
    state = next(
        iter(
            StatsState.objects.raw(
                f"SELECT id, folded_at, rebuilt_at, (SELECT COUNT(*) FROM {StatDelta._meta.db_table}) AS pending "  # noqa: S608
                f"FROM {StatsState._meta.db_table} WHERE id = 1"
            )
        ),
        None,
    )
    if state is None:
        return None, StatDelta.objects.count()
    as_of = max((t for t in (state.folded_at, state.rebuilt_at) if t is not None), default=None)
    return as_of, int(getattr(state, "pending", 0) or 0)
