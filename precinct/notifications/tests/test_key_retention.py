"""Keys older than NOTIFICATION_KEYS_KEEP_DAYS are forgotten by the daily job (ADR 0047); newer ones stay."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone

from precinct.audit.models import AuditEvent
from precinct.core import schedule
from precinct.notifications import retention
from precinct.notifications.models import NotificationKey
from precinct.notifications.retention import notification_keys_trim
from precinct.notifications.services import Message, notify

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC)


def _keys(user, days_ago: int, count: int, prefix: str) -> None:
    at = NOW - datetime.timedelta(days=days_ago)
    NotificationKey.objects.bulk_create(
        NotificationKey(key=f"{prefix}:{n}", recipient=user, channel="email", created_at=at) for n in range(count)
    )


def test_keys_past_the_bound_are_deleted_in_batches_and_the_run_audited(world, settings, monkeypatch):
    settings.NOTIFICATION_KEYS_KEEP_DAYS = 400
    monkeypatch.setattr(retention, "TRIM_BATCH", 4)
    citizen = world.users["citizen"]
    _keys(citizen, 401, 9, "old")
    _keys(citizen, 399, 3, "kept")
    assert notification_keys_trim(now=NOW) == 9
    assert sorted(NotificationKey.objects.values_list("key", flat=True)) == ["kept:0", "kept:1", "kept:2"]
    audit = AuditEvent.objects.get(action="notifications.keys_trimmed")
    assert audit.after["deleted"] == 9 and audit.after["keep_days"] == 400
    assert notification_keys_trim(now=NOW) == 0  # nothing more; no audit row for an empty run
    assert AuditEvent.objects.filter(action="notifications.keys_trimmed").count() == 1


def test_a_kept_key_still_stops_a_second_message_and_a_forgotten_one_does_not(world, settings):
    citizen = world.users["citizen"]
    citizen.email = "dan@example.vn"
    citizen.save()
    message = lambda: Message(subject="s", body="b", sms="x")  # noqa: E731
    assert notify(recipient=citizen, key="news:1", compose=message, deliver=False) == 2
    NotificationKey.objects.update(created_at=timezone.now() - datetime.timedelta(days=500))
    assert notify(recipient=citizen, key="news:1", compose=message, deliver=False) == 0  # remembered
    assert notification_keys_trim() == 2
    assert notify(recipient=citizen, key="news:1", compose=message, deliver=False) == 2  # forgotten, by design


def test_a_bound_shorter_than_the_sweeps_look_back_is_refused(world, settings):
    settings.NOTIFICATION_KEYS_KEEP_DAYS = 30
    _keys(world.users["citizen"], 40, 2, "old")
    with pytest.raises(ImproperlyConfigured, match="at least 120 days"):
        notification_keys_trim(now=NOW)
    assert NotificationKey.objects.count() == 2


def test_the_trim_is_a_daily_job():
    job = next(job for job in schedule.jobs() if job.name == "notifications.trim_keys")
    assert job.every == datetime.timedelta(days=1)
    assert job.task == "precinct.notifications.tasks.notifications_trim_keys_task"


def test_on_postgresql_the_trim_reads_a_brin_index_on_created_at():
    if connection.vendor != "postgresql":
        pytest.skip("BRIN is PostgreSQL's; SQLite's trim scans its small table")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT am.amname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam"
            " WHERE i.indrelid = 'notifications_notificationkey'::regclass AND am.amname = 'brin'"
        )
        found = cursor.fetchall()
    assert len(found) == 1 and "(created_at)" in found[0][1]
