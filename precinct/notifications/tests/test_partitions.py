"""notifications_notification partitioned by month of created_at on PostgreSQL (ADR 0043, the shape of ADR 0030),
with the once-per-key guarantee held by the unpartitioned NotificationKey table on every database: the same key
twice is one message (notify and the compose batch), still after its month is archived; the retention refuses a
month with a message still queued; the migration converts a table that already holds messages, both ways."""

import datetime
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from precinct.core.partitions import months
from precinct.core.partitions.archive import ArchiveRefused, archive_month
from precinct.notifications.models import Notification, NotificationKey, NotificationStatus, PendingCompose
from precinct.notifications.selectors import notification_keys_known
from precinct.notifications.services import (
    Message,
    notifications_compose_batch,
    notifications_deliver_queued,
    notify,
    register_composer,
)
from precinct.testing import constraint_definitions, migrate_app, rows_by_partition

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL only")

TABLE = "notifications_notification"
BEFORE, AT = "0005_kept_attachment", "0006_notification_partition_by_month"
MARCH = datetime.date(2025, 3, 1)


def _message() -> Message:
    return Message(subject="Hồ sơ X-1", body="Đã tiếp nhận", sms="Đã tiếp nhận")


@pytest.fixture
def citizen(world):
    user = world.users["citizen"]
    user.email, user.phone, user.language = "dan@example.vn", "0912345678", "vi"
    user.save()
    return user


def where() -> dict[int, str]:
    return rows_by_partition(TABLE)


def definitions(kind: str) -> set[str]:
    return constraint_definitions(TABLE, kind)


def date_back(key: str, month: datetime.date) -> None:
    """Messages of this key written in `month` (their partition made, the rows moved there by PostgreSQL)."""
    moment = datetime.datetime(month.year, month.month, 10, 8, tzinfo=datetime.UTC)
    Notification.objects.filter(key=key).update(created_at=moment)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own rows' deferred checks, before the move
            months.create_partition(cursor, table=TABLE, column="created_at", month=month)


def test_the_same_key_twice_is_one_message_per_channel_and_the_key_table_holds_it(citizen):
    composed = []

    def compose() -> Message:
        composed.append(1)
        return _message()

    assert notify(recipient=citizen, key="dossier:1", compose=compose, deliver=False) == 2
    assert notify(recipient=citizen, key="dossier:1", compose=compose, deliver=False) == 0
    assert len(composed) == 1  # a known key is not even composed
    assert Notification.objects.filter(key="dossier:1").count() == 2
    assert set(NotificationKey.objects.values_list("recipient_id", "channel", "key")) == {
        (citizen.pk, "email", "dossier:1"),
        (citizen.pk, "sms", "dossier:1"),
    }
    # A channel added later gets its message; the channel already used does not get a second one.
    assert notify(recipient=citizen, key="sms-only", compose=_message, deliver=False) == 2
    assert notification_keys_known(keys=["dossier:1", "sms-only", "never"]) == {"dossier:1", "sms-only"}


def test_the_compose_batch_writes_each_key_once_even_composed_twice_in_one_batch_or_again(citizen):
    register_composer("test_part", lambda ref: (citizen, _message, {}))
    now = datetime.datetime.now(datetime.UTC)
    ids = [PendingCompose.objects.create(composer="test_part", ref=ref, created_at=now).pk for ref in (1, 1, 2)]
    assert notifications_compose_batch(pending_ids=ids) == 4  # e-mail and SMS of test_part:1 and test_part:2
    again = PendingCompose.objects.create(composer="test_part", ref=1, created_at=now).pk  # a redelivered batch
    assert notifications_compose_batch(pending_ids=[again]) == 0
    assert Notification.objects.count() == 4 and NotificationKey.objects.count() == 4
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}


def test_a_message_whose_row_left_the_table_is_not_sent_again(citizen):
    """What archiving a month does to the messages' table, on any database: the key stays, so no new message."""
    notify(recipient=citizen, key="overdue:7:2025-03-01", compose=_message, deliver=False)
    notifications_deliver_queued()
    Notification.objects.all().delete()
    assert notify(recipient=citizen, key="overdue:7:2025-03-01", compose=_message) == 0
    assert not Notification.objects.exists()
    assert notification_keys_known(keys=["overdue:7:2025-03-01"]) == {"overdue:7:2025-03-01"}


@pytest.mark.django_db(transaction=True)
def test_two_transactions_queuing_the_same_key_at_once_write_one_message():
    """The second INSERT of the key waits on the primary key's index for the first transaction, then conflicts."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions: PostgreSQL")
    from precinct.testing import build_world

    user = build_world().users["citizen"]
    user.email, user.phone = "dan@example.vn", ""
    user.save()
    barrier = threading.Barrier(2)
    queued: list[int] = []
    errors: list[BaseException] = []

    def run(pause: float) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                queued.append(notify(recipient=user, key="race:1", compose=_message, deliver=False))
                time.sleep(pause)  # the first holds its key uncommitted while the second tries to write it
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(pause,)) for pause in (0.5, 0.0)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(queued) == [0, 1]
    assert Notification.objects.filter(key="race:1").count() == 1 and NotificationKey.objects.count() == 1


@postgresql_only
def test_an_archived_month_keeps_its_keys_and_is_refused_while_a_message_waits(citizen, tmp_path):
    notify(recipient=citizen, key="old:1", compose=_message, deliver=False)
    date_back("old:1", MARCH)
    march = months.partition_name(TABLE, MARCH)
    assert set(where().values()) == {march}

    with pytest.raises(ArchiveRefused, match="status = 'queued'"):
        archive_month(table=TABLE, month=MARCH, directory=tmp_path)
    assert Notification.objects.filter(key="old:1").count() == 2  # nothing changed

    assert notifications_deliver_queued() == 2  # sent, from its month's partition
    archived = archive_month(table=TABLE, month=MARCH, directory=tmp_path)
    assert archived.manifest["rows"] == 2 and not Notification.objects.exists()
    assert march not in {p.name for p in months.partitions(connection.cursor(), TABLE)}

    # The same key again (a sweep, a redelivered task): refused by the key table, nothing queued.
    assert notify(recipient=citizen, key="old:1", compose=_message) == 0
    assert not Notification.objects.exists() and NotificationKey.objects.filter(key="old:1").count() == 2


@postgresql_only
def test_the_migration_partitions_a_table_that_already_holds_messages_and_back(citizen, world):
    def migrate(name: str) -> None:
        migrate_app("notifications", name)

    migrate(BEFORE)
    assert TABLE not in dict(months.partitioned_tables(connection))
    officer = world.users["officer_a"]
    now = datetime.datetime.now(datetime.UTC)
    rows = [
        Notification(recipient=r, channel=ch, address="x", key=k, language="vi", subject="s", body="b", status=st)
        for r, k, st in ((citizen, "old:1", "sent"), (citizen, "new:2", "queued"), (officer, "old:1", "failed"))
        for ch in ("email", "sms")
    ]
    Notification.objects.bulk_create(rows)
    Notification.objects.filter(key="old:1").update(created_at=datetime.datetime(2025, 3, 10, tzinfo=datetime.UTC))
    before = dict(Notification.objects.values_list("pk", "key"))
    assert definitions("u") == {"UNIQUE (recipient_id, channel, key)"}

    migrate(AT)

    assert TABLE in dict(months.partitioned_tables(connection))
    after = where()
    assert dict(Notification.objects.values_list("pk", "key")) == before  # every message, with its id
    by_key = {pk: key for pk, key in before.items()}
    assert {after[pk] for pk, key in by_key.items() if key == "old:1"} == {months.partition_name(TABLE, MARCH)}
    assert {after[pk] for pk, key in by_key.items() if key == "new:2"} == {
        months.partition_name(TABLE, months.month_of(now))
    }
    assert definitions("p") == {"PRIMARY KEY (id, created_at)"} and definitions("u") == set()
    assert set(NotificationKey.objects.values_list("recipient_id", "channel", "key")) == {
        (r.pk, ch, k)
        for r, k in ((citizen, "old:1"), (citizen, "new:2"), (officer, "old:1"))
        for ch in ("email", "sms")
    }

    # The service goes on: known keys queue nothing (the old month's and the current one's), a new one is queued
    # with an id after the copied ones, and what was queued before the migration is delivered.
    assert notify(recipient=citizen, key="old:1", compose=_message, deliver=False) == 0
    assert notify(recipient=citizen, key="new:2", compose=_message, deliver=False) == 0
    assert notify(recipient=citizen, key="new:3", compose=_message, deliver=False) == 2
    fresh = Notification.objects.filter(key="new:3").values_list("pk", flat=True)
    assert min(fresh) > max(before)
    assert notifications_deliver_queued() == 4

    # Made ahead by the existing command, with the other partitioned tables.
    call_command("partitions_ahead", "--months", "5")
    ahead = months.partition_name(TABLE, months.add_months(months.month_of(now), 5))
    assert ahead in {p.name for p in months.partitions(connection.cursor(), TABLE)}

    # And back: one plain table with every row and the unique constraint it had.
    count = Notification.objects.count()
    migrate(BEFORE)
    assert TABLE not in dict(months.partitioned_tables(connection))
    assert set(where().values()) == {TABLE} and len(where()) == count
    assert definitions("u") == {"UNIQUE (recipient_id, channel, key)"} and definitions("p") == {"PRIMARY KEY (id)"}
    migrate(AT)
    assert TABLE in dict(months.partitioned_tables(connection)) and len(where()) == count


def test_on_sqlite_the_messages_table_stays_plain(citizen):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite side")
    notify(recipient=citizen, key="k", compose=_message, deliver=False)
    assert months.partitioned_tables(connection) == [] and NotificationKey.objects.count() == 2
