"""How long "once per key" is remembered (ADR 0047).

`NotificationKey` (ADR 0043) is written for every message and never archived with its month, so an archived
message is never queued again. A key is needed only while something could queue the same key again: a composer's
key while its pending row or a redelivered task exists (minutes), the escalation sweep's keys for its look-back
(60 days for apologies, a due date for warnings), the other senders keep records of their own (reminders,
escalated alerts, flagged stays). Keys older than `NOTIFICATION_KEYS_KEEP_DAYS` (400) are deleted by a daily
job, oldest first, in batches, each its own transaction; the run is audited as a count."""

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from precinct.audit.services import audit_record
from precinct.notifications.models import NotificationKey

# Below this the apology sweep (60 days back) could queue an apology whose key was forgotten: refused.
KEEP_AT_LEAST_DAYS = 120
TRIM_BATCH = 10_000


def _batch_sql() -> str:
    table = NotificationKey._meta.db_table
    # The physical row address (PostgreSQL's ctid, SQLite's rowid) deletes a batch without the composite key's
    # tuples; on PostgreSQL the select reads the BRIN index on created_at (migration 0007).
    if connection.vendor == "postgresql":
        return f"DELETE FROM {table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {table} WHERE created_at < %s LIMIT %s))"  # noqa: S608
    return f"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} WHERE created_at < %s LIMIT %s)"  # noqa: S608


def notification_keys_trim(*, now: datetime.datetime | None = None) -> int:
    """Delete the keys written more than NOTIFICATION_KEYS_KEEP_DAYS ago; returns how many."""
    days = settings.NOTIFICATION_KEYS_KEEP_DAYS
    if days < KEEP_AT_LEAST_DAYS:
        raise ImproperlyConfigured(
            f"NOTIFICATION_KEYS_KEEP_DAYS = {days}: keys must be kept at least {KEEP_AT_LEAST_DAYS} days, longer "
            "than any sweep looks back, or a message already sent could be sent again."
        )
    before = (now or timezone.now()) - datetime.timedelta(days=days)
    sql = _batch_sql()
    deleted = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [before, TRIM_BATCH])
            done = cursor.rowcount
        deleted += done
        if done < TRIM_BATCH:
            break
    if deleted:
        with transaction.atomic():
            audit_record(
                actor=None,
                action="notifications.keys_trimmed",
                target_label=f"{deleted} keys",
                after={"deleted": deleted, "keep_days": days, "before": before.isoformat(timespec="seconds")},
            )
    return deleted
