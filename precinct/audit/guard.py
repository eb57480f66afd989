"""The audit table's guard in the database: triggers that refuse UPDATE, DELETE and TRUNCATE (ADR 0025).

PostgreSQL: one row trigger for UPDATE and DELETE and one statement trigger for TRUNCATE, both calling
`precinct_audit_refuse()`, which raises. SQLite: a trigger per operation raising with RAISE(ABORT) (SQLite
has no TRUNCATE; `DELETE FROM` without a WHERE is a DELETE and is refused).

`guard_lifted()` is what the table's owner can do and the application's role, if it is not the owner, cannot:
disable (PostgreSQL) or drop (SQLite) the triggers inside one transaction and put them back before it
commits, so no other session ever sees the table unguarded. `manage.py flush` uses it (the test harness
empties the database between transactional tests with flush), and the tests that forge a tampering use it
"as a superuser would".
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"

_PG_CREATE = [
    """
    CREATE OR REPLACE FUNCTION precinct_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
            USING HINT = 'docs/adr/0025-audit-protection.md';
    END
    $$
    """,
    f"""CREATE TRIGGER precinct_audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION precinct_audit_refuse()""",
    f"""CREATE TRIGGER precinct_audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION precinct_audit_refuse()""",
]
_PG_DROP = [
    f"DROP TRIGGER IF EXISTS precinct_audit_append_only ON {TABLE}",
    f"DROP TRIGGER IF EXISTS precinct_audit_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS precinct_audit_refuse()",
]
_PG_TRIGGERS = ["precinct_audit_append_only", "precinct_audit_no_truncate"]

_SQLITE_CREATE = [
    f"""CREATE TRIGGER precinct_audit_no_{op.lower()} BEFORE {op} ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit rows are append-only: {op} on {TABLE} refused'); END"""
    for op in ("UPDATE", "DELETE")
]
_SQLITE_DROP = [f"DROP TRIGGER IF EXISTS precinct_audit_no_{op}" for op in ("update", "delete")]


def _run(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def create_triggers(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "postgresql":
        _run(connection, _PG_CREATE)
    elif connection.vendor == "sqlite":
        _run(connection, _SQLITE_CREATE)


def drop_triggers(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "postgresql":
        _run(connection, _PG_DROP)
    elif connection.vendor == "sqlite":
        _run(connection, _SQLITE_DROP)


def _pg_guards(connection: BaseDatabaseWrapper) -> list[tuple[str, str]]:
    """(table, trigger) of every guard to lift: the table's own, and the TRUNCATE guard each monthly partition
    carries (ADR 0030); the row trigger PostgreSQL cloned onto partitions follows its parent's."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT t.tgrelid::regclass::text, t.tgname FROM pg_trigger t
               WHERE t.tgname = ANY(%s) AND NOT t.tgisinternal AND t.tgparentid = 0
                 AND (t.tgrelid = %s::regclass
                      OR t.tgrelid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = %s::regclass))""",
            [_PG_TRIGGERS, TABLE, TABLE],
        )
        return list(cursor.fetchall())


@contextmanager
def guard_lifted(using: str = "default") -> Iterator[None]:
    """Run the body with the audit table unguarded, in one transaction; only the table's owner can."""
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            guards = _pg_guards(connection)
            _run(connection, [f"ALTER TABLE {table} DISABLE TRIGGER {name}" for table, name in guards])
        else:
            drop_triggers(connection)
        yield
        if connection.vendor == "postgresql":
            _run(connection, [f"ALTER TABLE {table} ENABLE TRIGGER {name}" for table, name in guards])
        else:
            create_triggers(connection)
