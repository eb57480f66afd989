import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from precinct.audit.guard import guard_lifted
from precinct.audit.models import GENESIS_HASH, AuditEvent, ChainHead
from precinct.audit.services import audit_record
from precinct.audit.verify import audit_chain_verify
from precinct.testing import sign_in

pytestmark = pytest.mark.django_db


def record(n: int, **kwargs) -> list[AuditEvent]:
    with transaction.atomic():
        return [
            audit_record(actor=None, action=f"test.{i}", target_label=f"row {i}", after={"i": i}, **kwargs)
            for i in range(n)
        ]


def test_rows_chain_from_genesis():
    rows = record(3)
    assert rows[0].prev_hash == GENESIS_HASH
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    result = audit_chain_verify()
    assert result.ok and result.rows_checked == 3


def test_request_id_and_unit_are_recorded(world, client):
    sign_in(client, world.users["superuser"])
    response = client.post("/i18n/setlang/", {"language": "en"}, headers={"X-Request-ID": "req-1234567890"})
    assert response["X-Request-ID"] == "req-1234567890"
    # A write through the API carries the request id of the request that caused it.
    client.post(
        "/api/v1/citizens",
        {
            "personal_id": "022090012346",
            "full_name": "A B",
            "date_of_birth": "1990-01-01",
            "sex": "male",
            "phone": "0912345678",
            "password": "Tram-Hai-Muoi-2",
        },
        content_type="application/json",
        headers={"X-Request-ID": "req-abcdefghij"},
    )
    event = AuditEvent.objects.get(action="accounts.citizen_register")
    assert event.request_id == "req-abcdefghij"


def test_editing_a_row_in_the_database_is_named_by_audit_verify():
    rows = record(5)
    with guard_lifted(), connection.cursor() as cursor:  # as a superuser would (ADR 0025)
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET target_label = %s WHERE id = %s", ["forged", rows[2].pk]
        )
    with pytest.raises(CommandError, match=f"row {rows[2].pk}: altered"):
        call_command("audit_verify")


def test_an_edited_and_rehashed_row_is_caught_by_its_successor():
    rows = record(4)
    forged = AuditEvent.objects.get(pk=rows[1].pk)
    forged.target_label = "forged"
    new_hash = forged.compute_hash()
    with guard_lifted(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET target_label = %s, hash = %s WHERE id = %s",
            ["forged", new_hash, rows[1].pk],
        )
    result = audit_chain_verify()
    assert result.first_break is not None and result.first_break.row_id == rows[2].pk
    assert f"row {rows[1].pk} was altered" in result.first_break.reason


def test_a_removed_row_is_reported_at_the_next_one():
    rows = record(4)
    with guard_lifted(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [rows[1].pk])
    result = audit_chain_verify()
    assert result.first_break is not None and result.first_break.row_id == rows[2].pk


def test_an_intact_chain_passes_the_command(capsys):
    record(2)
    call_command("audit_verify")
    assert "2 rows verified" in capsys.readouterr().out


def test_rows_cannot_be_changed_or_deleted_through_the_orm():
    (row,) = record(1)
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=row.pk).update(action="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="test.outside")


def test_a_failed_write_leaves_no_audit_row(world):
    from precinct.core.errors import ValidationFailed
    from precinct.organisation.services import officer_save

    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed):
        officer_save(actor=world.users["admin_p"], full_name="", rank="captain", unit=world.ward_a)
    assert AuditEvent.objects.count() == before


def test_the_hash_is_the_canonical_json_of_the_content_split_around_the_previous_hash():
    """PostgreSQL finishes the hash from the two parts; they must join into exactly the canonical JSON."""
    import hashlib
    import json

    record(1)
    with transaction.atomic():
        event = audit_record(
            actor=None,
            action="test.canonical",
            target_label="Công an phường Hà An «x»\n",
            before={"z": [1, {"b": None, "a": "ư"}], "prev_hash": "trap"},
        )
    stored = AuditEvent.objects.get(pk=event.pk)  # as read back from the database, like audit_verify does
    canonical = json.dumps(stored.content(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    before, after = stored.canonical_parts()
    assert before + stored.prev_hash + after == canonical
    assert stored.hash == hashlib.sha256(canonical.encode()).hexdigest() == event.hash


@pytest.mark.django_db(transaction=True)
def test_an_append_in_an_older_snapshot_is_refused_and_writes_nothing():
    if connection.vendor != "postgresql":
        pytest.skip("isolation levels: PostgreSQL")
    from django.db.utils import DatabaseError

    record(1)
    with pytest.raises(DatabaseError, match="READ COMMITTED"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        audit_record(actor=None, action="test.snapshot")
    assert AuditEvent.objects.count() == 1 and audit_chain_verify().ok


def test_the_chain_head_follows_every_append_and_is_rebuilt_when_missing():
    """ADR 0045: the append reads the previous hash from the one-row head and moves it on; without the row (a
    database restored without it) the next append takes the table's newest row and writes the head again."""
    rows = record(2)
    assert ChainHead.objects.values_list("last_id", "hash").get() == (rows[1].pk, rows[1].hash)
    ChainHead.objects.all().delete()
    (row,) = record(1)
    assert row.prev_hash == rows[1].hash
    assert ChainHead.objects.values_list("last_id", "hash").get() == (row.pk, row.hash)
    assert audit_chain_verify().ok
