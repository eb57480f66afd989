"""Retention with real files: deleted after the retention (the setting, or the consent's if shorter), kept
for incidents and crime reports, the hash and the fact kept, audited with counts."""

import datetime
import os
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from precinct.audit.models import AuditEvent
from precinct.cameras.evidence import snapshot_fetch
from precinct.cameras.models import Alert, AlertOutcome, Snapshot, SnapshotState
from precinct.cameras.retention import retention_sweep
from precinct.cameras.services import alert_close, consent_withdraw
from precinct.cameras.tests.conftest import feed, frigate


def _stored(event_id: str, *, days_old: int) -> Snapshot:
    feed("rec-a", frigate("new", event_id, camera="cage_1"))
    snapshot = Snapshot.objects.get(alert__event__external_id=event_id)
    snapshot_fetch(snapshot_id=snapshot.pk)
    Snapshot.objects.filter(pk=snapshot.pk).update(fetched_at=timezone.now() - datetime.timedelta(days=days_old))
    snapshot.refresh_from_db()
    assert snapshot.state == SnapshotState.STORED and os.path.exists(snapshot.file.path)
    return snapshot


def test_old_snapshots_go_those_of_cases_stay(world, cams, recorder_http, settings):
    settings.CAMERAS_SNAPSHOT_RETENTION_DAYS = 30
    young = _stored("young", days_old=29)
    old = _stored("old", days_old=31)
    incident = _stored("incident", days_old=90)
    report = _stored("report", days_old=90)
    duty = world.users["duty_a"]
    alert_close(actor=duty, alert=incident.alert, outcome=AlertOutcome.INCIDENT, note="tàu lạ")
    alert_close(actor=duty, alert=report.alert, outcome=AlertOutcome.CRIME_REPORT, crime_report_ref="TB-2026-118")
    old_path, old_hash = old.file.path, old.sha256

    assert retention_sweep() == {"deleted": 1, "kept_for_cases": 2}
    old.refresh_from_db()
    assert (old.state, old.file.name, old.sha256) == (SnapshotState.DELETED, "", old_hash)
    assert old.deleted_at is not None and old.size and not os.path.exists(old_path)
    for kept in (young, incident, report):
        kept.refresh_from_db()
        assert kept.state == SnapshotState.STORED and os.path.exists(kept.file.path)
    audit = AuditEvent.objects.get(action="cameras.snapshot_retention")
    assert audit.after["deleted"] == 1 and audit.after["ids"] == [old.pk]
    assert Alert.objects.get(pk=old.alert_id).entries.filter(text__contains=old_hash).count() == 2  # fetched, deleted
    assert retention_sweep() == {"deleted": 0, "kept_for_cases": 2}


def test_a_shorter_consent_retention_wins_and_a_withdrawn_consent_still_counts(world, cams, recorder_http, settings):
    settings.CAMERAS_SNAPSHOT_RETENTION_DAYS = 30
    consent = cams.a1.consents.get()
    consent.__class__.objects.filter(pk=consent.pk).update(retention_days=7)
    six = _stored("six", days_old=6)
    eight = _stored("eight", days_old=8)
    consent_withdraw(actor=world.users["citizen"], consent=consent)
    assert retention_sweep()["deleted"] == 1
    six.refresh_from_db()
    eight.refresh_from_db()
    assert (six.state, eight.state) == (SnapshotState.STORED, SnapshotState.DELETED)


def test_the_command(world, cams, recorder_http):
    _stored("cmd", days_old=40)
    out = StringIO()
    call_command("cameras_retention", stdout=out)
    assert "Snapshots deleted: 1" in out.getvalue()
