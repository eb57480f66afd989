"""Retention (`manage.py cameras_retention`, the daily job `cameras.retention`): snapshots, the inbox of raw
messages (`inbox_prune`) and whole months of events (`partitions.events_retention`, ADR 0044).

Snapshots: a stored snapshot is deleted `CAMERAS_SNAPSHOT_RETENTION_DAYS` after it was fetched, or after the
camera's consent retention when that is shorter (a withdrawn consent included: its snapshots keep following its
retention), unless its alert was handed on as an incident or a crime report, which needs it as evidence. The
file goes; the row keeps the SHA-256, size, type and times, so what existed can still be proved. Audited with
counts."""

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from precinct.audit.services import audit_record
from precinct.cameras import events
from precinct.cameras.models import EVIDENCE_OUTCOMES, Consent, InboxMessage, InboxState, Snapshot, SnapshotState

BATCH = 500


def _consent_days(camera_ids: set[int]) -> dict[int, int]:
    """Each camera's retention from its latest consent (in force or withdrawn)."""
    days: dict[int, int] = {}
    for camera_id, retention in (
        Consent.objects.filter(camera_id__in=camera_ids)
        .order_by("recorded_at", "id")
        .values_list("camera_id", "retention_days")
    ):
        days[camera_id] = retention  # the latest wins
    return days


def retention_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    default_days = settings.CAMERAS_SNAPSHOT_RETENTION_DAYS
    counts = {"deleted": 0, "kept_for_cases": 0}
    # No consent keeps snapshots less than a day, so nothing younger is even looked at.
    candidates = Snapshot.objects.filter(
        state=SnapshotState.STORED, fetched_at__lte=now - datetime.timedelta(days=1)
    ).select_related("alert")
    counts["kept_for_cases"] = candidates.filter(alert__outcome__in=EVIDENCE_OUTCOMES).count()
    last_id = 0
    while True:
        with transaction.atomic():
            batch = list(
                candidates.exclude(alert__outcome__in=EVIDENCE_OUTCOMES)
                .filter(pk__gt=last_id)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:BATCH]
            )
            if not batch:
                break
            last_id = batch[-1].pk
            consent_days = _consent_days({s.alert.camera_id for s in batch if s.alert.camera_id})
            deleted = 0
            for snapshot in batch:
                days = min(default_days, consent_days.get(snapshot.alert.camera_id or 0, default_days))
                assert snapshot.fetched_at is not None
                if snapshot.fetched_at > now - datetime.timedelta(days=days):
                    continue
                # The file first: a crash before the commit leaves a row still "stored" whose file is gone,
                # and the next sweep (deleting a missing file is no error) finishes it.
                if snapshot.file:
                    snapshot.file.delete(save=False)
                snapshot.state = SnapshotState.DELETED
                snapshot.deleted_at = now
                snapshot.save(update_fields=["state", "file", "deleted_at"])
                events.snapshot(snapshot.alert, f"deleted after {days} days (SHA-256 {snapshot.sha256} kept)")
                deleted += 1
            if deleted:
                audit_record(
                    actor=None,
                    action="cameras.snapshot_retention",
                    target_label=f"{deleted} snapshots",
                    after={"deleted": deleted, "ids": [s.pk for s in batch if s.state == SnapshotState.DELETED]},
                )
            counts["deleted"] += deleted
    return counts


PRUNE_BATCH = 5000


def inbox_prune(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete the inbox's raw messages once they are of no more use: processed ones (their event, review or
    outage is recorded) `CAMERAS_INBOX_DONE_DAYS` after processing, refused ones (kept longer, to find out why
    a recorder is refused) `CAMERAS_INBOX_REFUSED_DAYS` after. Waiting rows are never touched. In batches of
    PRUNE_BATCH ids, each its own transaction, walking the primary key (rows are roughly in processing order,
    so no index of its own is needed); audited as counts, once per run."""
    now = now or timezone.now()
    limits = {
        InboxState.DONE: now - datetime.timedelta(days=settings.CAMERAS_INBOX_DONE_DAYS),
        InboxState.REFUSED: now - datetime.timedelta(days=settings.CAMERAS_INBOX_REFUSED_DAYS),
    }
    counts = {"done": 0, "refused": 0}
    for state, before in limits.items():
        due = InboxMessage.objects.filter(state=state, processed_at__lt=before)
        while True:
            with transaction.atomic():
                ids = list(due.order_by("pk").values_list("pk", flat=True)[:PRUNE_BATCH])
                if not ids:
                    break
                counts[str(state)] += InboxMessage.objects.filter(pk__in=ids).delete()[0]
    if counts["done"] or counts["refused"]:
        with transaction.atomic():
            audit_record(
                actor=None,
                action="cameras.inbox_pruned",
                target_label=f"{counts['done'] + counts['refused']} messages",
                after={
                    **counts,
                    "done_days": settings.CAMERAS_INBOX_DONE_DAYS,
                    "refused_days": settings.CAMERAS_INBOX_REFUSED_DAYS,
                },
            )
    return counts


def cameras_retention(*, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The daily job: snapshots, the inbox, and whole months of events (PostgreSQL)."""
    from precinct.cameras.partitions import events_retention

    return {"snapshots": retention_sweep(now=now), "inbox": inbox_prune(now=now), "events": events_retention(now=now)}
