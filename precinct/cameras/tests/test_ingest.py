"""From inbox rows to events and alerts: one event per Frigate id, rules, refusals counted, consent obeyed."""

from precinct.audit.models import AuditEvent
from precinct.cameras.ingest import MAX_PAYLOAD_BYTES
from precinct.cameras.models import Alert, AlertKind, CameraEvent, CameraStatus, InboxMessage, InboxState
from precinct.cameras.services import camera_set_status, consent_withdraw
from precinct.cameras.tests.conftest import DAY, feed, frigate
from precinct.notifications.models import Notification


def test_new_update_end_make_one_event_and_one_alert_at_night(world, cams):
    counts = feed(
        "rec-a",
        frigate("new", "1700000000.1-abc", score=0.72),
        frigate("update", "1700000000.1-abc", score=0.91),
        frigate("end", "1700000000.1-abc", score=0.91),
    )
    assert counts == {"done": 3, "refused": 0}
    event = CameraEvent.objects.get()
    assert (event.camera, event.label, str(event.score), event.has_clip) == (cams.a1, "person", "0.910", True)
    assert event.ended_at is not None and event.zones == ["cages"]
    alert = Alert.objects.get()
    assert (alert.kind, alert.event, alert.unit, alert.status) == (AlertKind.DETECTION, event, world.ward_a, "new")
    cams.rec_a.refresh_from_db()
    assert cams.rec_a.last_seen_at is not None
    assert AuditEvent.objects.filter(action="cameras.alert_raise").count() == 1


def test_a_repeated_message_is_stored_once(world, cams):
    body = frigate("new", "1700000000.2-rep")
    feed("rec-a", body, body)
    feed("rec-a", body)
    assert InboxMessage.objects.count() == 1
    assert CameraEvent.objects.count() == 1


def test_duty_officers_of_the_ward_are_told(world, cams):
    for user in world.users.values():
        if user is not None:
            user.phone = "0912000111"
            user.save(update_fields=["phone"])
    feed("rec-a", frigate("new", "1700000000.3-n"))
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"duty_a"}


def test_no_alert_by_day_for_a_low_score_or_another_object(world, cams):
    feed(
        "rec-a",
        frigate("new", "d1", at=DAY),
        frigate("new", "d2", score=0.5),
        frigate("new", "d3", label="bird"),
    )
    assert CameraEvent.objects.count() == 3
    assert not Alert.objects.exists()


def test_refusals_are_counted_and_change_nothing(world, cams):
    camera_set_status(actor=None, camera=cams.a2, status=CameraStatus.SUSPENDED)
    counts = feed(
        "rec-a",
        b"{not json",
        frigate("new", "u1", camera="not_registered"),
        frigate("new", "s1", camera="cage_2"),
        b"x" * (MAX_PAYLOAD_BYTES + 1),
    )
    feed("nobody", frigate("new", "z1"))
    reasons = sorted(InboxMessage.objects.filter(state=InboxState.REFUSED).values_list("reason", flat=True))
    assert reasons == ["camera_inactive", "malformed", "too_large", "unknown_camera", "unknown_source"]
    assert counts["done"] == 0
    assert not CameraEvent.objects.exists() and not Alert.objects.exists()


def test_events_after_consent_is_withdrawn_are_refused(world, cams):
    feed("rec-a", frigate("new", "before"))
    consent_withdraw(actor=world.users["citizen"], consent=cams.a1.consents.get())
    counts = feed("rec-a", frigate("new", "after"), frigate("update", "before", score=0.99))
    assert counts == {"done": 0, "refused": 2}
    assert list(CameraEvent.objects.values_list("external_id", flat=True)) == ["before"]
    assert InboxMessage.objects.filter(reason="no_consent").count() == 2


def test_the_same_camera_name_on_another_recorder_is_another_camera(world, cams):
    feed("rec-b", frigate("new", "b-1"))
    assert CameraEvent.objects.get().camera == cams.b1
    assert Alert.objects.get().unit == world.ward_b
