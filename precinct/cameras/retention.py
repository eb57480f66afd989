"""Retention of snapshots (`manage.py cameras_retention`, the daily job `cameras.retention`): a stored snapshot
is deleted `CAMERAS_SNAPSHOT_RETENTION_DAYS` after it was fetched, or after the camera's consent retention
when that is shorter (a withdrawn consent included: its snapshots keep following its retention), unless its
alert was handed on as an incident or a crime report, which needs it as evidence. The file goes; the row
keeps the SHA-256, size, type and times, so what existed can still be proved. Audited with counts."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from precinct.audit.services import audit_record
from precinct.cameras import events
from precinct.cameras.models import EVIDENCE_OUTCOMES, Consent, Snapshot, SnapshotState

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
