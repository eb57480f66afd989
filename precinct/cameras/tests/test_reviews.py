"""Frigate reviews: one row per review id, linked to its camera and events; a review and its events make at
most one alert for one situation, whichever arrives first (ADR 0035)."""

import json

from precinct.cameras.models import Alert, AlertKind, InboxMessage, InboxState, Review, ReviewDetection
from precinct.cameras.tests.conftest import DAY, NIGHT, feed, frigate


def review(kind: str, review_id: str, *detections: str, severity="alert", camera="cage_1", at=NIGHT, objects=None):
    """A Frigate `reviews` message as Frigate publishes it."""
    after = {
        "id": review_id,
        "camera": camera,
        "start_time": at.timestamp(),
        "end_time": at.timestamp() + 40 if kind == "end" else None,
        "severity": severity,
        "thumb_path": f"/media/frigate/clips/review/thumb-{camera}-{review_id}.webp",
        "data": {
            "detections": list(detections),
            "objects": objects if objects is not None else ["person"],
            "sub_labels": [],
            "zones": ["cages"],
            "audio": [],
        },
    }
    return json.dumps({"type": kind, "before": after, "after": after}).encode()


def test_new_update_end_update_one_review_linked_to_its_events(world, cams):
    feed("rec-a", frigate("new", "ev-1"), topic="events")
    counts = feed(
        "rec-a",
        review("new", "rv-1", "ev-1", severity="detection"),
        review("update", "rv-1", "ev-1", "ev-2", severity="alert"),
        review("end", "rv-1", "ev-1", "ev-2", severity="detection"),
        topic="reviews",
    )
    assert counts == {"done": 3, "refused": 0}
    row = Review.objects.get()
    # Graded up to an alert while it lasted, never down again.
    assert (row.camera, row.severity, row.zones, row.objects_seen) == (cams.a1, "alert", ["cages"], ["person"])
    assert row.ended_at is not None and row.unit_path == cams.a1.unit_path
    links = dict(ReviewDetection.objects.values_list("external_id", "event__external_id"))
    assert links == {"ev-1": "ev-1", "ev-2": None}
    feed("rec-a", frigate("new", "ev-2"))
    assert ReviewDetection.objects.get(external_id="ev-2").event.external_id == "ev-2"


def test_event_first_then_its_review_make_one_alert(world, cams):
    feed("rec-a", frigate("new", "ev-1"), frigate("end", "ev-1"))
    feed("rec-a", review("new", "rv-1", "ev-1"), review("end", "rv-1", "ev-1"), topic="reviews")
    alert = Alert.objects.get()
    assert alert.event.external_id == "ev-1"
    assert Review.objects.get().alert == alert


def test_review_first_raises_the_alert_and_its_events_join_it(world, cams):
    feed("rec-a", review("new", "rv-1", "ev-1", "ev-2"), topic="reviews")
    alert = Alert.objects.get()
    assert (alert.kind, alert.camera, alert.event, alert.unit) == (AlertKind.DETECTION, cams.a1, None, world.ward_a)
    feed("rec-a", frigate("new", "ev-1"), frigate("new", "ev-2", score=0.95), frigate("end", "ev-1"))
    alert.refresh_from_db()
    assert Alert.objects.count() == 1
    assert alert.event.external_id == "ev-1"  # the first event of the situation


def test_a_second_event_of_a_reviewed_situation_raises_no_second_alert(world, cams):
    feed("rec-a", frigate("new", "ev-1"))
    feed("rec-a", review("update", "rv-1", "ev-1", "ev-2"), topic="reviews")
    feed("rec-a", frigate("new", "ev-2", label="boat"))
    assert Alert.objects.count() == 1


def test_a_detection_review_or_one_outside_the_rules_raises_nothing(world, cams):
    feed(
        "rec-a",
        review("new", "rv-1", severity="detection"),
        review("new", "rv-2", at=DAY),
        review("new", "rv-3", objects=["dog"]),
        topic="reviews",
    )
    assert Review.objects.count() == 3
    assert not Alert.objects.exists()


def test_a_review_never_raises_when_its_known_event_scored_below_the_rule(world, cams):
    feed("rec-a", frigate("new", "ev-low", score=0.4))
    feed("rec-a", review("new", "rv-1", "ev-low"), topic="reviews")
    assert not Alert.objects.exists()


def test_reviews_are_refused_like_events(world, cams):
    counts = feed(
        "rec-a",
        review("new", "rv-x", camera="not_registered"),
        review("new", "rv-y", severity="urgent"),
        b"[]",
        topic="reviews",
    )
    assert counts == {"done": 0, "refused": 2}
    reasons = sorted(InboxMessage.objects.filter(state=InboxState.REFUSED).values_list("reason", flat=True))
    assert reasons == ["malformed", "malformed", "unknown_camera"]
    assert not Review.objects.exists()


def test_a_review_in_another_ward_alerts_that_ward_only(world, cams):
    feed("rec-b", review("new", "rv-b", "ev-b"), topic="reviews")
    assert Alert.objects.get().unit == world.ward_b


def test_a_review_and_an_event_with_the_same_id_are_two_inbox_rows(world, cams):
    feed("rec-a", frigate("new", "same-id"))
    feed("rec-a", review("new", "same-id", "same-id"), topic="reviews")
    assert InboxMessage.objects.filter(state=InboxState.DONE).count() == 2
    assert Alert.objects.count() == 1
