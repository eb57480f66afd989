"""The database refuses to change audit rows (triggers, ADR 0025); the chain's head (ADR 0045) and the signed
anchors kept outside the database show the newest rows removed or rewritten."""

import json
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from precinct.audit.anchor import ANCHORS_FILE, KEY_FILE, anchor_dir, anchors_read, audit_anchor_write
from precinct.audit.guard import guard_lifted
from precinct.audit.models import AuditEvent, ChainHead
from precinct.audit.services import audit_record
from precinct.audit.verify import ChainBreak, audit_chain_verify

pytestmark = pytest.mark.django_db
TABLE = AuditEvent._meta.db_table


def record(n: int) -> list[AuditEvent]:
    with transaction.atomic():
        return [audit_record(actor=None, action=f"test.{i}", after={"i": i}) for i in range(n)]


def refused(sql: str, params: list | None = None) -> str:
    """Run one statement in a savepoint; answer the database's refusal."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(caught.value)


def test_update_through_the_orm_is_refused_by_the_database():
    (row,) = record(1)
    # The base manager skips the model's own Python guard (AuditEventQuerySet): the trigger still refuses.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent._base_manager.filter(pk=row.pk).update(action="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent._base_manager.filter(pk=row.pk)._raw_delete(connection.alias)
    assert AuditEvent.objects.get(pk=row.pk).action == "test.0"


def test_update_and_delete_in_raw_sql_are_refused_and_change_nothing():
    rows = record(3)
    assert "append-only" in refused(f"UPDATE {TABLE} SET target_label = %s WHERE id = %s", ["forged", rows[1].pk])
    assert "append-only" in refused(f"DELETE FROM {TABLE} WHERE id = %s", [rows[2].pk])
    assert "append-only" in refused(f"DELETE FROM {TABLE}")
    assert AuditEvent.objects.count() == 3 and audit_chain_verify().ok


def test_truncate_is_refused_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (its DELETE FROM is refused above)")
    record(2)
    assert "append-only" in refused(f"TRUNCATE {TABLE}")
    assert AuditEvent.objects.count() == 2


def test_inserting_still_works_with_the_guard_on():
    record(2)
    record(1)
    assert AuditEvent.objects.count() == 3 and audit_chain_verify().ok


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_audit_table_and_puts_the_guard_back():
    """The test harness flushes the database between transactional tests (TRUNCATE on PostgreSQL, DELETE on
    SQLite): the flush command lifts the guard for its own transaction only."""
    record(3)
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    (row,) = record(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent._base_manager.filter(pk=row.pk).update(action="forged")


def test_the_anchor_key_is_made_on_first_use_and_private():
    record(1)
    assert audit_anchor_write().written
    key = anchor_dir() / KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(anchor_dir().stat().st_mode) == 0o700
    assert len(key.read_bytes()) == 32


def test_an_anchor_is_written_only_when_the_head_moved():
    record(2)
    first = audit_anchor_write()
    assert first.written and first.row_id == AuditEvent.objects.order_by("-id").first().pk
    assert not audit_anchor_write().written
    record(1)
    assert audit_anchor_write().written

    assert len(anchors_read().anchors) == 2


def test_deleting_the_newest_ten_rows_is_reported_by_audit_verify(capsys):
    rows = record(30)
    assert audit_anchor_write().written
    call_command("audit_verify")
    assert "30 rows verified" in capsys.readouterr().out
    with guard_lifted(), connection.cursor() as cursor:  # as a superuser would
        cursor.execute(f"DELETE FROM {TABLE} WHERE id >= %s", [rows[20].pk])
    # The chain's head (ADR 0045) still names the removed newest row: the chain alone sees it now.
    result = audit_chain_verify(anchors=False)
    assert result.first_break == ChainBreak(
        rows[29].pk, f"rows up to {rows[29].pk} (the chain's head) were removed: the log ends at row {rows[19].pk}"
    )
    with pytest.raises(
        CommandError, match=f"rows up to {rows[29].pk} .* were removed: the log ends at row {rows[19].pk}"
    ):
        call_command("audit_verify")
    # The next append follows the head, not the shortened table: the gap stays in the chain.
    record(1)
    assert f"row {rows[19].pk}" in audit_chain_verify(anchors=False).first_break.reason
    # The anchor job does not bless the shortened chain with a new anchor.
    refusal = audit_anchor_write()
    assert not refusal.written and f"row {rows[29].pk}" in refusal.reason
    assert not audit_chain_verify().ok


def test_a_head_moved_back_with_the_rows_is_still_caught_by_the_anchors():
    """Whoever removes the newest rows and moves the head back to the new last row (the head is a table in the
    same database) leaves a chain that verifies alone: the anchors kept outside it still see the removal."""
    rows = record(5)
    assert audit_anchor_write().written
    with guard_lifted(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id >= %s", [rows[3].pk])
        cursor.execute(f"UPDATE {ChainHead._meta.db_table} SET last_id = %s, hash = %s", [rows[2].pk, rows[2].hash])
    assert audit_chain_verify(anchors=False).ok
    with pytest.raises(CommandError, match=f"rows up to {rows[4].pk} .* were removed"):
        call_command("audit_verify")


def test_a_removed_head_is_reported():
    record(2)
    ChainHead.objects.all().delete()
    result = audit_chain_verify(anchors=False)
    assert result.first_break is not None and "head (audit_chainhead" in result.first_break.reason


def test_a_rewritten_chain_differs_from_its_anchor():
    rows = record(3)
    assert audit_anchor_write().written
    # Rewrite the last row and re-hash it: the chain is valid again, the anchor is not.
    forged = AuditEvent.objects.get(pk=rows[2].pk)
    forged.target_label = "forged"
    with guard_lifted(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET target_label = %s, hash = %s WHERE id = %s",
            ["forged", forged.compute_hash(), rows[2].pk],
        )
    # The chain's head (ADR 0045) keeps the newest row's hash: the chain alone sees the rewrite now.
    result = audit_chain_verify(anchors=False)
    assert result.first_break is not None and result.first_break.row_id == rows[2].pk
    assert "differs from the chain's head" in result.first_break.reason
    result = audit_chain_verify()
    assert result.first_break is not None and result.first_break.row_id == rows[2].pk
    assert "differs from its anchor" in result.first_break.reason
    # Rewriting the head too leaves a chain that verifies alone; the anchor kept outside the database does not.
    ChainHead.objects.filter(pk=1).update(hash=forged.compute_hash())
    assert audit_chain_verify(anchors=False).ok
    assert "differs from its anchor" in audit_chain_verify().first_break.reason


def test_an_edited_anchor_line_is_reported_not_trusted():
    record(2)
    audit_anchor_write()
    path = anchor_dir() / ANCHORS_FILE
    line = json.loads(path.read_text())
    line["id"] = line["id"] + 100  # claims rows that never existed
    path.write_text(json.dumps(line) + "\n")
    found = anchors_read()
    assert found.anchors == [] and "line 1" in found.problems[0]
    with pytest.raises(CommandError, match="anchor file is not"):
        call_command("audit_verify")


def test_rows_removed_after_the_last_anchor_are_not_blessed_by_the_next_one():
    """The anchor job anchors the chain's head, not the table's newest row: newest rows removed since the last
    anchor (whose own row still holds) leave the head naming a row that is gone, and nothing is anchored."""
    anchored = record(10)[-1]
    assert audit_anchor_write().written
    later = record(5)
    with guard_lifted(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id >= %s", [later[2].pk])
    refusal = audit_anchor_write()
    assert not refusal.written and refusal.row_id == later[4].pk
    assert f"row {later[4].pk}, the chain's head, is missing" in refusal.reason
    assert [anchor.row_id for anchor in anchors_read().anchors] == [anchored.pk]
