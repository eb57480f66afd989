"""The audit log partitioned by month (ADR 0030): the guard holds on every partition, the chain verifies across
partitions and after a month is archived, and an altered row in an archive is found."""

import datetime
import gzip
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from freezegun import freeze_time

from precinct.audit.models import AuditEvent
from precinct.audit.services import audit_record
from precinct.audit.verify import audit_chain_verify
from precinct.core import schedule
from precinct.core.partitions import months
from precinct.core.partitions.ahead import partitions_ensure
from precinct.core.partitions.archive import manifests

pytestmark = pytest.mark.django_db
TABLE = AuditEvent._meta.db_table
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL only")
NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC)
OLD = datetime.datetime(2026, 8, 14, 10, 0, tzinfo=datetime.UTC)


def record(n: int, label: str) -> None:
    with transaction.atomic():
        for i in range(n):
            audit_record(actor=None, action=f"test.{label}", after={"i": i, "text": 'Phường Hạ Long \\ "x"'})


def partition_of(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def fill_two_months() -> None:
    """Rows in August (the default partition until August's exists) and in December, on one chain."""
    with freeze_time(OLD):
        record(5, "august")
    with freeze_time(NOW):
        record(4, "december")


@postgresql_only
def test_the_table_is_partitioned_and_every_partition_refuses_changes():
    assert (TABLE, "occurred_at") in months.partitioned_tables(connection)
    fill_two_months()
    august = AuditEvent.objects.filter(action="test.august").order_by("id").first()
    assert partition_of(august.pk) == months.default_name(TABLE)
    with connection.cursor() as cursor:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute(f"UPDATE {months.default_name(TABLE)} SET action = 'forged'")
        for partition in months.partitions(cursor, TABLE):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute(f"TRUNCATE {partition.name}")


@postgresql_only
def test_creating_a_month_moves_its_rows_out_of_the_default_partition_and_keeps_the_guard():
    fill_two_months()
    with transaction.atomic(), connection.cursor() as cursor:
        created = months.create_partition(cursor, table=TABLE, column="occurred_at", month=datetime.date(2026, 8, 1))
    assert created == f"{TABLE}_p202608"
    august = AuditEvent.objects.filter(action="test.august").values_list("id", flat=True)
    assert {partition_of(pk) for pk in august} == {created}
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {created}")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {created}")
    assert audit_chain_verify().ok


@postgresql_only
def test_partitions_are_made_ahead_once():
    with freeze_time(NOW):
        partitions_ensure(months_ahead=5)
        again = partitions_ensure(months_ahead=5)
    assert again == []
    wanted = {f"p2026{m:02d}" for m in (12,)} | {f"p2027{m:02d}" for m in range(1, 6)}
    for table in (TABLE, "eservices_dossierevent", "portalsync_outboxevent"):
        with connection.cursor() as cursor:
            names = {p.name for p in months.partitions(cursor, table)}
        assert {f"{table}_{suffix}" for suffix in wanted} <= names
        assert months.default_name(table) in names


@postgresql_only
def test_audit_verify_passes_across_partitions_and_after_archiving_and_finds_an_altered_archived_row(settings):
    fill_two_months()
    with transaction.atomic(), connection.cursor() as cursor:
        months.create_partition(cursor, table=TABLE, column="occurred_at", month=datetime.date(2026, 8, 1))
    call_command("audit_verify")  # filled, across the August partition and December's
    august_ids = list(AuditEvent.objects.filter(action="test.august").order_by("id").values_list("id", flat=True))
    last_hash = AuditEvent.objects.get(pk=august_ids[-1]).hash
    with freeze_time(NOW):
        call_command("partitions_archive", TABLE, "--before", "2026-09")
    assert not AuditEvent.objects.filter(pk__in=august_ids).exists()
    assert f"{TABLE}_p202608" not in {p.name for p in months.partitions(connection.cursor(), TABLE)}
    (manifest,) = manifests(table=TABLE, directory=settings.PRECINCT_PARTITION_ARCHIVE_DIR)
    assert manifest["rows"] == 5 and manifest["first_id"] == august_ids[0] and manifest["last_id"] == august_ids[-1]
    assert manifest["chain"]["last"] == {"id": august_ids[-1], "hash": last_hash}
    newest = AuditEvent.objects.filter(action="test.december").order_by("-id").first()  # the head at the cut
    assert manifest["chain"]["head_at_cut"] == {"id": newest.pk, "hash": newest.hash}
    archived_audit = AuditEvent.objects.get(action="partition.archived")  # the archiving itself is audited
    assert archived_audit.after["sha256"] == manifest["sha256"]

    result = audit_chain_verify()
    assert result.ok, result
    assert result.rows_checked == 5 + 4 + 1  # the archived rows are walked too
    call_command("audit_verify")

    # Alter one archived row (rewrite the file and its manifest's SHA-256, as a careful forger would).
    path = settings.PRECINCT_PARTITION_ARCHIVE_DIR / TABLE / manifest["file"]
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    row = json.loads(lines[2])
    row["after"]["i"] = 99
    lines[2] = json.dumps(row, ensure_ascii=False)
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    result = audit_chain_verify()
    assert result.first_break is not None and result.first_break.row_id == august_ids[2]
    assert "altered" in result.first_break.reason
    assert any("SHA-256" in problem for problem in result.archive_problems)
    with pytest.raises(CommandError, match=f"broken at row {august_ids[2]}"):
        call_command("audit_verify")


@postgresql_only
def test_a_removed_archive_breaks_the_chain(settings):
    fill_two_months()
    with transaction.atomic(), connection.cursor() as cursor:
        months.create_partition(cursor, table=TABLE, column="occurred_at", month=datetime.date(2026, 8, 1))
    with freeze_time(NOW):
        call_command("partitions_archive", TABLE, "--before", "2026-09")
    directory = settings.PRECINCT_PARTITION_ARCHIVE_DIR / TABLE
    for path in directory.iterdir():
        path.unlink()
    result = audit_chain_verify()
    assert result.first_break is not None and "removed" in result.first_break.reason


@postgresql_only
def test_the_current_month_is_not_archived():
    with freeze_time(NOW), pytest.raises(CommandError, match=r"No partition|not over"):
        call_command("partitions_archive", TABLE, "--before", "2027-01")
    assert (TABLE, "occurred_at") in months.partitioned_tables(connection)


def test_on_sqlite_there_is_nothing_to_partition(capsys):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite side")
    assert months.partitioned_tables(connection) == []
    assert partitions_ensure() == []
    job = schedule.registry.get("core.partitions_ahead")  # the daily job runs the same function
    assert job.resolve().call() == []
    call_command("partitions_ahead")
    assert "No partitioned table" in capsys.readouterr().out
    with pytest.raises(CommandError, match="not a partitioned table"):
        call_command("partitions_archive", TABLE, "--before", "2026-01")
    record(2, "sqlite")
    assert audit_chain_verify().ok
