# ruff: noqa: S608  (SQL built from table and partition names read from the catalogue or our own naming, never from input)
"""Monthly partitions: names, creation ahead of time, the list of a table's partitions (PostgreSQL).

A month's partition of `t` is `t_pYYYYMM`, bounds `[first day 00:00 UTC, next month's first day)`; rows
outside every month (a clock far off, tests of 1999) land in `t_default`. Creating a month whose rows already
sit in the default partition moves them first (PostgreSQL refuses to attach over them), with the default's
own triggers disabled inside this transaction only: the move is the owner's act, like `flush` (ADR 0025).
"""

import datetime
import re
from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

NAME = re.compile(r"^(?P<table>.+)_p(?P<year>\d{4})(?P<month>\d{2})$")


@dataclass(frozen=True)
class Partition:
    name: str
    month: datetime.date | None  # None: the default partition


def month_of(moment: datetime.datetime | datetime.date) -> datetime.date:
    if isinstance(moment, datetime.datetime):
        moment = moment.astimezone(datetime.UTC)
    return datetime.date(moment.year, moment.month, 1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def partition_name(table: str, month: datetime.date) -> str:
    return f"{table}_p{month:%Y%m}"


def default_name(table: str) -> str:
    return f"{table}_default"


def _bound(month: datetime.date) -> str:
    return f"'{month.isoformat()} 00:00:00+00'"


def partitioned_tables(connection: BaseDatabaseWrapper) -> list[tuple[str, str]]:
    """(table, partition column) of every range-partitioned table; empty on other databases."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, pg_get_partkeydef(c.oid) FROM pg_partitioned_table p
               JOIN pg_class c ON c.oid = p.partrelid JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = current_schema() AND NOT c.relispartition ORDER BY c.relname"""
        )
        found = []
        for table, key in cursor.fetchall():
            if match := re.fullmatch(r"RANGE \((\w+)\)", key):
                found.append((table, match.group(1)))
        return found


def partitions(cursor: CursorWrapper, table: str) -> list[Partition]:
    cursor.execute(
        """SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = %s::regclass ORDER BY c.relname""",
        [table],
    )
    found = []
    for name, bound in cursor.fetchall():
        if bound == "DEFAULT":
            found.append(Partition(name, None))
        elif match := NAME.match(name):
            found.append(Partition(name, datetime.date(int(match["year"]), int(match["month"]), 1)))
    return found


def copy_statement_triggers(cursor: CursorWrapper, *, table: str, partition: str) -> None:
    """Give a partition the parent's statement-level triggers (PostgreSQL clones only row-level ones)."""
    cursor.execute(
        """SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t
           WHERE t.tgrelid = %s::regclass AND NOT t.tgisinternal AND t.tgparentid = 0 AND (t.tgtype & 1) = 0
             AND NOT EXISTS (SELECT 1 FROM pg_trigger o WHERE o.tgrelid = %s::regclass AND o.tgname = t.tgname)""",
        [table, partition],
    )
    for _name, definition in cursor.fetchall():
        cursor.execute(definition.replace(f" ON public.{table} ", f" ON public.{partition} ", 1))


def create_partition(
    cursor: CursorWrapper, *, table: str, column: str, month: datetime.date, name_as: str | None = None
) -> str | None:
    """Create `month`'s partition of `table` unless it exists; returns its name when created."""
    name = partition_name(name_as or table, month)
    cursor.execute("SELECT to_regclass(%s)", [name])
    if cursor.fetchone()[0] is not None:
        return None
    start, end = _bound(month), _bound(add_months(month, 1))
    default = default_name(name_as or table)
    cursor.execute("SELECT to_regclass(%s)", [default])
    has_default = cursor.fetchone()[0] is not None
    moving = False
    if has_default:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {default} WHERE {column} >= {start} AND {column} < {end})")
        moving = bool(cursor.fetchone()[0])
    if not moving:
        cursor.execute(f"CREATE TABLE {name} PARTITION OF {table} FOR VALUES FROM ({start}) TO ({end})")
    else:
        cursor.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cursor.execute(f"ALTER TABLE {default} DISABLE TRIGGER USER")
        cursor.execute(
            f"""WITH moved AS (DELETE FROM {default} WHERE {column} >= {start} AND {column} < {end} RETURNING *)
                INSERT INTO {name} SELECT * FROM moved"""
        )
        cursor.execute(f"ALTER TABLE {default} ENABLE TRIGGER USER")
        cursor.execute(f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM ({start}) TO ({end})")
    copy_statement_triggers(cursor, table=table, partition=name)
    return name


def ensure_ahead(connection: BaseDatabaseWrapper, *, months_ahead: int) -> list[str]:
    """Create this month's and the next `months_ahead` months' partitions of every partitioned table."""
    created = []
    this_month = month_of(timezone.now())
    for table, column in partitioned_tables(connection):
        with connection.cursor() as cursor:
            for offset in range(months_ahead + 1):
                if name := create_partition(cursor, table=table, column=column, month=add_months(this_month, offset)):
                    created.append(name)
    return created
