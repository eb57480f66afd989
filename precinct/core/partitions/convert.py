# ruff: noqa: S608  (SQL built from table and partition names read from the catalogue or our own naming, never from input)
"""Turn a live table into one partitioned by month on its time column, and back, inside a migration.

PostgreSQL only (a no-op elsewhere). Forward, in the migration's transaction: a partitioned twin is made
with the table's columns, defaults, identity and checks (`LIKE`); monthly partitions covering every existing
row plus a few months ahead, and a default partition, are created; the rows are copied; the old table is
dropped and the twin takes its name, its sequence's position, its constraints, indexes and triggers (with the
same names, so later Django migrations find them). Statement-level triggers (the audit table's TRUNCATE
guard) are also put on every partition, because PostgreSQL does not clone them and a TRUNCATE of one
partition would otherwise escape them; row-level triggers are cloned by PostgreSQL itself.

PostgreSQL requires every primary key and unique constraint of a partitioned table to include the partition
column, so `PRIMARY KEY (id)` becomes `(id, <column>)` and `UNIQUE (x)` becomes `UNIQUE (x, <column>)`: the
ids still come from one sequence and stay unique in practice; a random key (an outbox UUID, a SHA-256) is
then unique per month, which is what its generator already guarantees. A table that another table refers to
by foreign key is refused: that reference would need the partition column too (ADR 0030).

The whole conversion holds an ACCESS EXCLUSIVE lock on the table while rows are copied: writers wait. The
cost is measured in docs/PERFORMANCE.md; for a very large table, run it in a maintenance window.
"""

import re

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from precinct.core.partitions import months

TWIN = "{table}__twin"


def _constraints(cursor: CursorWrapper, table: str) -> list[tuple[str, str, str]]:
    cursor.execute(
        """SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype DESC, conname""",
        [table],
    )
    return list(cursor.fetchall())


def _indexes(cursor: CursorWrapper, table: str) -> list[str]:
    """Index definitions that no constraint owns (those come back with their constraints)."""
    cursor.execute(
        """SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
           WHERE i.indrelid = %s::regclass
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
           ORDER BY i.indexrelid""",
        [table],
    )
    return [row[0].replace(" ON ONLY ", " ON ") for row in cursor.fetchall()]


def _triggers(cursor: CursorWrapper, table: str) -> list[str]:
    cursor.execute(
        """SELECT pg_get_triggerdef(oid) FROM pg_trigger
           WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgparentid = 0 ORDER BY tgname""",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def _refuse_if_referenced(cursor: CursorWrapper, table: str) -> None:
    cursor.execute(
        """SELECT conrelid::regclass::text, conname FROM pg_constraint
           WHERE confrelid = %s::regclass AND conrelid <> confrelid AND contype = 'f'""",
        [table],
    )
    if found := cursor.fetchall():
        raise RuntimeError(f"{table} is referenced by foreign keys {found}: partition it with its referrers (ADR 0030)")


def _widen(definition: str, column: str) -> str:
    """`PRIMARY KEY (id)` → `PRIMARY KEY (id, at)`; unchanged when the column is already in it."""
    head, cols = re.match(r"^(PRIMARY KEY|UNIQUE(?: NULLS NOT DISTINCT)?) \((.*)\)$", definition).groups()  # type: ignore[union-attr]
    names = [c.strip() for c in cols.split(",")]
    return definition if column in names else f"{head} ({', '.join([*names, column])})"


def _narrow(definition: str, column: str) -> str:
    head, cols = re.match(r"^(PRIMARY KEY|UNIQUE(?: NULLS NOT DISTINCT)?) \((.*)\)$", definition).groups()  # type: ignore[union-attr]
    names = [c.strip() for c in cols.split(",")]
    if len(names) > 1 and names[-1] == column:
        names = names[:-1]
    return f"{head} ({', '.join(names)})"


def _sequence_position(cursor: CursorWrapper, table: str) -> tuple[int, bool] | None:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    if sequence is None:
        return None
    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
    last, called = cursor.fetchone()
    return int(last), bool(called)


def _rebuild(cursor: CursorWrapper, *, table: str, column: str, partitioned: bool, months_ahead: int) -> None:
    _refuse_if_referenced(cursor, table)
    # Deferred foreign-key checks of rows written earlier in this transaction must run before the table is
    # dropped (PostgreSQL refuses to drop a table with pending trigger events).
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    constraints = _constraints(cursor, table)
    indexes = _indexes(cursor, table)
    triggers = _triggers(cursor, table)
    position = _sequence_position(cursor, table)
    twin = TWIN.format(table=table)
    like = f"LIKE {table} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING STORAGE"
    if partitioned:
        cursor.execute(f"CREATE TABLE {twin} ({like}) PARTITION BY RANGE ({column})")
        cursor.execute(f"SELECT min({column}) FROM {table}")
        oldest = cursor.fetchone()[0] or timezone.now()
        first = months.month_of(oldest)
        last = months.add_months(months.month_of(timezone.now()), months_ahead)
        month = first
        while month <= last:
            months.create_partition(cursor, table=twin, column=column, month=month, name_as=table)
            month = months.add_months(month, 1)
        cursor.execute(f"CREATE TABLE {months.default_name(table)} PARTITION OF {twin} DEFAULT")
    else:
        cursor.execute(f"CREATE TABLE {twin} ({like})")
    cursor.execute(f"INSERT INTO {twin} SELECT * FROM {table}")
    cursor.execute(f"DROP TABLE {table}")
    cursor.execute(f"ALTER TABLE {twin} RENAME TO {table}")
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    if (sequence := cursor.fetchone()[0]) is not None:
        cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {table}_id_seq")
        if position is not None:
            cursor.execute(f"SELECT setval('{table}_id_seq', %s, %s)", list(position))
    for name, kind, definition in constraints:
        if kind in ("p", "u"):
            definition = _widen(definition, column) if partitioned else _narrow(definition, column)
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    for definition in indexes:
        if definition.startswith("CREATE UNIQUE") and partitioned and f"{column}" not in definition:
            raise RuntimeError(f"unique index without {column} cannot be partitioned: {definition}")
        cursor.execute(definition)
    for definition in triggers:
        cursor.execute(definition)
    if partitioned:
        for partition in months.partitions(cursor, table):
            months.copy_statement_triggers(cursor, table=table, partition=partition.name)


def partition_table(schema_editor: BaseDatabaseSchemaEditor, *, table: str, column: str, months_ahead: int = 3) -> None:
    """Migration step: make `table` partitioned by month on `column`, keeping its rows (PostgreSQL only)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        _rebuild(cursor, table=table, column=column, partitioned=True, months_ahead=months_ahead)


def unpartition_table(schema_editor: BaseDatabaseSchemaEditor, *, table: str, column: str) -> None:
    """The reverse step: one plain table again, with every row of every attached partition."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        _rebuild(cursor, table=table, column=column, partitioned=False, months_ahead=0)
