"""The migrations that partition dossier history, the portal outbox and the audit log (ADR 0030), run on a
database that already holds rows: migrate back to the plain tables, add rows of an old month, migrate forward,
and find every row in its month's partition with its id, the sequences going on, and the constraints, indexes
and guards in place. PostgreSQL only; on SQLite the migrations change nothing and the tables stay plain."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from freezegun import freeze_time

from precinct.audit.models import AuditEvent
from precinct.audit.services import audit_record
from precinct.audit.verify import audit_chain_verify
from precinct.core.partitions import months
from precinct.eservices.models import DossierEvent, Procedure
from precinct.eservices.services import dossier_submit
from precinct.portalsync.models import OutboxEvent
from precinct.testing import rows_by_partition

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL only")

CONVERTED = {
    # app: (migration before, partitioning migration, table, column)
    "eservices": (
        "0006_default_workflow_leaders_decide",
        "0007_dossierevent_partition_by_month",
        "eservices_dossierevent",
        "at",
    ),
    "portalsync": ("0001_initial", "0002_outboxevent_partition_by_month", "portalsync_outboxevent", "created_at"),
    "audit": ("0003_append_only_triggers", "0004_partition_by_month", "audit_auditevent", "occurred_at"),
}
OLD = datetime.datetime(2025, 3, 10, 8, 0, tzinfo=datetime.UTC)


# After partitioning, the audit app goes on to its chain head (audit 0005, ADR 0045), which audit_verify reads;
# going back, 0005 is reversed first and the rows written meanwhile use the append of audit 0002.
AFTER = {"audit": "0005_chain_head"}


def migrate(step: int) -> None:
    """step 0: every converted app just before its partitioning migration; 1: at it (audit: at its chain head)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([(app, AFTER.get(app, names[step]) if step else names[step]) for app, names in CONVERTED.items()])


def is_partitioned(table: str) -> bool:
    return table in dict(months.partitioned_tables(connection))


def submit(world, n: int) -> list:
    procedure = Procedure.objects.get(code="CT-06")
    return [
        dossier_submit(
            actor=world.users["citizen"], procedure=procedure, form_data={"muc_dich": f"#{i}"}, unit_code="07168"
        )
        for i in range(n)
    ]


where = rows_by_partition


@postgresql_only
def test_partitioning_migrations_keep_the_rows_of_a_live_database(world, catalogue):
    submit(world, 3)
    migrate(0)
    assert not any(is_partitioned(table) for _, _, table, _ in CONVERTED.values())
    # Rows of an old month written while the tables are plain, through the same code as ever.
    with freeze_time(OLD):
        old_dossiers = submit(world, 2)
        with transaction.atomic():
            audit_record(actor=None, action="test.old", after={"x": "Cô Tô"})
    submit(world, 1)
    before = {table: where(table) for _, _, table, _ in CONVERTED.values()}
    assert DossierEvent.objects.filter(dossier__in=old_dossiers).count() == 2
    assert OutboxEvent.objects.filter(dossier__in=old_dossiers).count() == 2

    migrate(1)

    for _, _, table, column in CONVERTED.values():
        assert is_partitioned(table), table
        after = where(table)
        assert set(after) == set(before[table])  # every row kept, with its id
        old_partition = months.partition_name(table, datetime.date(2025, 3, 1))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} WHERE {column} < '2025-04-01'")
            old_ids = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
                [table],
            )
            assert cursor.fetchone()[0] == f"PRIMARY KEY (id, {column})"
        assert old_ids and {after[pk] for pk in old_ids} == {old_partition}
        assert months.default_name(table) in {p.name for p in months.partitions(connection.cursor(), table)}

    # The sequences go on past the copied rows, and the new rows land in this month's partitions.
    newest = max(before["eservices_dossierevent"])
    (fresh,) = submit(world, 1)
    event = DossierEvent.objects.get(dossier=fresh)
    assert event.pk > newest
    assert where("eservices_dossierevent")[event.pk] == months.partition_name(
        "eservices_dossierevent", months.month_of(event.at)
    )
    assert OutboxEvent.objects.filter(dossier=fresh).count() == 1

    # Foreign keys, the outbox's partial indexes and unique key, and the audit guard came back.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass",
            ["portalsync_outboxevent"],
        )
        kinds = cursor.fetchall()
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'portalsync_outboxevent'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert ("u", "UNIQUE (key, created_at)") in kinds
    assert any(kind == "f" and "REFERENCES eservices_dossier(id)" in text for kind, text in kinds)
    assert {"portalsync_pending", "portalsync_open", "portalsync_dead"} <= indexes
    old_audit = AuditEvent.objects.get(action="test.old")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {months.partition_name('audit_auditevent', datetime.date(2025, 3, 1))} SET action = 'x'"
        )
    assert AuditEvent.objects.get(pk=old_audit.pk).action == "test.old"
    result = audit_chain_verify()
    assert result.ok and result.rows_checked == AuditEvent.objects.count()


@postgresql_only
def test_the_reverse_migrations_give_back_plain_tables_with_every_row(world, catalogue):
    submit(world, 2)
    counts = {table: len(where(table)) for _, _, table, _ in CONVERTED.values()}
    migrate(0)
    for _, _, table, _ in CONVERTED.values():
        assert not is_partitioned(table) and len(where(table)) == counts[table]
        assert set(where(table).values()) == {table}
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    migrate(1)
    assert all(is_partitioned(table) for _, _, table, _ in CONVERTED.values())
    assert audit_chain_verify().ok


def test_on_sqlite_the_tables_stay_plain(world, catalogue):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite side")
    (dossier,) = submit(world, 1)
    assert months.partitioned_tables(connection) == []
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1
    assert OutboxEvent.objects.filter(dossier=dossier).count() == 1
