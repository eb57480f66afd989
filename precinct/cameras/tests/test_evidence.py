"""Snapshots fetched from a real HTTP recorder (http.server in a thread, a real JPEG): stored with their hash,
failures recorded and retried a bounded number of times, late snapshots picked up, views audited."""

import hashlib
import json

import pytest

from precinct.audit.models import AuditEvent
from precinct.cameras.evidence import MAX_ATTEMPTS, evidence_sweep, snapshot_fetch, snapshot_open
from precinct.cameras.models import Alert, AlertEntryKind, Snapshot, SnapshotState
from precinct.cameras.tests.conftest import feed, frigate
from precinct.core.errors import DomainError


def _alert(event_id: str = "ev-1") -> Alert:
    feed("rec-a", frigate("new", event_id, camera="cage_2"))
    return Alert.objects.get(event__external_id=event_id)


def test_an_alert_fetches_and_stores_its_snapshot(world, cams, recorder_http):
    alert = _alert("1732120200.1-abc")
    snapshot = Snapshot.objects.get(alert=alert)
    assert snapshot.state == SnapshotState.PENDING
    assert snapshot.source_url == f"{recorder_http.url}/api/events/1732120200.1-abc/snapshot.jpg"

    assert snapshot_fetch(snapshot_id=snapshot.pk) == SnapshotState.STORED
    snapshot.refresh_from_db()
    expected = hashlib.sha256(recorder_http.image).hexdigest()
    assert (snapshot.sha256, snapshot.size, snapshot.content_type) == (expected, len(recorder_http.image), "image/jpeg")
    assert snapshot.fetched_at is not None and snapshot.attempts == 1
    with snapshot.file.open("rb") as stored:
        assert stored.read() == recorder_http.image
    assert recorder_http.hits == ["/api/events/1732120200.1-abc/snapshot.jpg"]
    assert alert.entries.filter(kind=AlertEntryKind.SNAPSHOT, text__contains=expected).exists()
    assert AuditEvent.objects.filter(action="cameras.snapshot_fetch", target_id=str(snapshot.pk)).count() == 1
    # A second run (a redelivered task) fetches nothing more.
    assert snapshot_fetch(snapshot_id=snapshot.pk) == SnapshotState.STORED
    assert len(recorder_http.hits) == 1


def test_the_clip_is_linked_on_the_recorder_once_frigate_has_it(world, cams, recorder_http):
    alert = _alert("ev-clip")
    assert alert.clip_url == ""  # a `new` message: no clip yet
    feed("rec-a", frigate("end", "ev-clip", camera="cage_2"))
    alert = Alert.objects.get(pk=alert.pk)
    assert alert.clip_url == f"{recorder_http.url}/api/events/ev-clip/clip.mp4"


def test_failures_are_recorded_and_retried_a_bounded_number_of_times(world, cams, recorder_http):
    recorder_http.answers["ev-gone"] = (404, "text/plain", b"not found")
    snapshot = Snapshot.objects.get(alert=_alert("ev-gone"))
    assert snapshot_fetch(snapshot_id=snapshot.pk) == SnapshotState.PENDING
    snapshot.refresh_from_db()
    assert snapshot.last_error == "HTTP 404" and snapshot.attempts == 1
    assert snapshot.next_attempt_at > snapshot.alert.raised_at
    for _ in range(MAX_ATTEMPTS - 1):
        snapshot_fetch(snapshot_id=snapshot.pk)
    snapshot.refresh_from_db()
    assert (snapshot.state, snapshot.attempts, snapshot.file.name) == (SnapshotState.FAILED, MAX_ATTEMPTS, "")
    assert len(recorder_http.hits) == MAX_ATTEMPTS
    Snapshot.objects.filter(pk=snapshot.pk).update(next_attempt_at=snapshot.alert.raised_at)
    evidence_sweep()
    assert len(recorder_http.hits) == MAX_ATTEMPTS  # a failed snapshot is not tried again
    assert (
        AuditEvent.objects.filter(action="cameras.snapshot_fetch", target_id=str(snapshot.pk)).count() == MAX_ATTEMPTS
    )


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ((200, "text/html", b"<html>login</html>"), "not an image: text/html"),
        ((200, "image/jpeg", b"GIF89a not a jpeg"), "not an image: image/jpeg"),
        ((200, "image/jpeg", b"\xff\xd8\xff" + b"0" * 5000), "too large: 5003 bytes"),
    ],
)
def test_what_is_not_a_snapshot_is_refused(world, cams, recorder_http, settings, answer, error):
    settings.CAMERAS_SNAPSHOT_MAX_BYTES = 4000
    recorder_http.answers["ev-bad"] = answer
    snapshot = Snapshot.objects.get(alert=_alert("ev-bad"))
    snapshot_fetch(snapshot_id=snapshot.pk)
    snapshot.refresh_from_db()
    assert (snapshot.state, snapshot.last_error, snapshot.sha256) == (SnapshotState.PENDING, error, "")


def test_an_unreachable_recorder_is_a_recorded_failure(world, cams, recorder_http):
    snapshot = Snapshot.objects.get(alert=_alert("ev-down"))
    recorder_http.stop()
    assert snapshot_fetch(snapshot_id=snapshot.pk) == SnapshotState.PENDING
    snapshot.refresh_from_db()
    assert snapshot.last_error and snapshot.attempts == 1


def test_a_snapshot_that_comes_with_an_update_is_fetched_by_the_sweep(world, cams, recorder_http):
    first = json.loads(frigate("new", "ev-late", camera="cage_2"))
    first["after"]["has_snapshot"] = False
    feed("rec-a", json.dumps(first).encode())
    alert = Alert.objects.get(event__external_id="ev-late")
    assert not Snapshot.objects.filter(alert=alert).exists()
    feed("rec-a", frigate("update", "ev-late", camera="cage_2"))
    assert evidence_sweep() == {"noted": 1, "stored": 1, "failed": 0}
    assert Snapshot.objects.get(alert=alert).state == SnapshotState.STORED


def test_no_recorder_url_no_snapshot(world, cams):
    alert = _alert("ev-nourl")
    assert not Snapshot.objects.filter(alert=alert).exists()


def test_every_view_is_audited_and_an_altered_file_is_refused(world, cams, recorder_http):
    alert = _alert("ev-view")
    snapshot = Snapshot.objects.get(alert=alert)
    snapshot_fetch(snapshot_id=snapshot.pk)
    for _ in range(2):
        body, content_type = snapshot_open(actor=world.users["duty_a"], alert=alert)
        assert (body, content_type) == (recorder_http.image, "image/jpeg")
    views = AuditEvent.objects.filter(action="cameras.snapshot_view", target_id=str(snapshot.pk))
    assert views.count() == 2 and views.first().actor == world.users["duty_a"]
    snapshot.refresh_from_db()
    with open(snapshot.file.path, "wb") as handle:
        handle.write(b"\xff\xd8\xff altered")
    with pytest.raises(DomainError) as refused:
        snapshot_open(actor=world.users["duty_a"], alert=alert)
    assert refused.value.code == "snapshot_altered"


def test_the_fetch_is_queued_after_the_commit_and_the_task_runs_it(
    world, cams, recorder_http, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from precinct.cameras.tasks import cameras_snapshot_task

    with django_capture_on_commit_callbacks(execute=True):
        alert = _alert("ev-task")
    snapshot = Snapshot.objects.get(alert=alert)
    queued = DBTaskResult.objects.get(task_path=cameras_snapshot_task.module_path)
    assert queued.args_kwargs["args"] == [snapshot.pk]
    assert queued.task.call(*queued.args_kwargs["args"]) == SnapshotState.STORED  # what the worker runs


def test_the_jobs_are_registered():
    from precinct.core import schedule

    jobs = {job.name: job for job in schedule.jobs()}
    assert jobs["cameras.evidence"].every.total_seconds() == 60
    assert jobs["cameras.escalation"].every.total_seconds() == 60
    assert jobs["cameras.retention"].every.total_seconds() == 86400
    assert jobs["cameras.retention"].task == "precinct.cameras.tasks.cameras_retention_task"
