"""The worker's set-based path for Frigate events (batch.py): several messages of one Frigate id in a batch
make one event in its final state, refusals are each row's own, later batches update the same event, alerts
are raised once (and once between an event and its review), and two workers never make an event twice."""

import json
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from precinct.audit.models import AuditEvent
from precinct.cameras.ingest import Received, inbox_process, inbox_store
from precinct.cameras.models import Alert, CameraEvent, InboxMessage, InboxState, ReviewDetection
from precinct.cameras.services import consent_withdraw
from precinct.cameras.tests.conftest import DAY, feed, frigate
from precinct.cameras.tests.test_reviews import review


def edited(body: bytes, **after) -> bytes:
    """A Frigate message with some of its `after` fields replaced."""
    message = json.loads(body)
    message["after"].update(after)
    return json.dumps(message).encode()


def store(prefix: str, *bodies: bytes, topic: str = "events") -> list[str]:
    rows = inbox_store([Received(f"{prefix}/{topic}", body, timezone.now()) for body in bodies])
    return [row.key for row in rows]


def test_new_update_end_in_one_batch_collapse_into_one_event_in_its_final_state(world, cams):
    counts = feed(
        "rec-a",
        edited(frigate("new", "c-1", score=0.95, at=DAY), entered_zones=["gate"], current_zones=["gate"]),
        edited(frigate("update", "c-1", score=0.80, at=DAY), sub_label="Nguyễn", entered_zones=["gate", "cages"]),
        edited(frigate("end", "c-1", score=0.85, at=DAY), sub_label="Nguyễn", entered_zones=["gate", "cages"]),
    )
    assert counts == {"done": 3, "refused": 0}
    event = CameraEvent.objects.get()
    # The best score of the three, the last message's fields, the first message's start.
    assert (str(event.score), event.sub_label, event.zones) == ("0.950", "Nguyễn", ["gate", "cages"])
    assert (event.has_clip, event.ended_at is not None, event.started_at) == (True, True, DAY)
    cams.a1.refresh_from_db()
    assert cams.a1.last_event_at is not None
    assert not Alert.objects.exists()  # by day: the night rule does not match


def test_a_mixed_batch_refuses_each_bad_row_alone_and_records_the_rest(world, cams):
    consent_withdraw(actor=world.users["citizen"], consent=cams.a1.consents.get())  # cage_1 has no consent now
    keys = store(
        "rec-a",
        frigate("new", "ok-1", camera="cage_2", at=DAY),
        frigate("new", "x-unknown", camera="not_registered"),
        frigate("new", "x-consent", camera="cage_1"),
        edited(frigate("new", "x-score", camera="cage_2"), score="high", top_score="high"),
        edited(frigate("new", "x-range", camera="cage_2"), top_score=1.5),
        edited(frigate("new", "x-label", camera="cage_2"), label=""),
        frigate("update", "ok-1", camera="cage_2", score=0.9, at=DAY),
        frigate("new", "ok-2", camera="cage_2", at=DAY),
    )
    counts = inbox_process()
    assert counts == {"done": 3, "refused": 5}
    reasons = dict(InboxMessage.objects.filter(key__in=keys).values_list("key", "reason"))
    assert [reasons[key] for key in keys] == [
        "",
        "unknown_camera",
        "no_consent",
        "malformed",
        "malformed",
        "malformed",
        "",
        "",
    ]
    assert sorted(CameraEvent.objects.values_list("external_id", "score")) == [
        ("ok-1", Decimal("0.900")),
        ("ok-2", Decimal("0.800")),
    ]
    assert AuditEvent.objects.filter(action="cameras.inbox_process").count() == 1  # one row per batch


def test_a_later_batch_updates_the_same_event(world, cams):
    feed("rec-a", frigate("new", "l-1", score=0.6, at=DAY))
    first = CameraEvent.objects.get()
    feed("rec-a", edited(frigate("update", "l-1", score=0.9, at=DAY), sub_label="boat 7"))
    feed("rec-a", frigate("end", "l-1", score=0.7, at=DAY))
    event = CameraEvent.objects.get()
    assert event.pk == first.pk
    assert (str(event.score), event.sub_label, event.has_clip, event.ended_at is not None) == (
        "0.900",
        "",  # the end message's own sub_label (none) replaces the update's, as row by row
        True,
        True,
    )
    assert InboxMessage.objects.filter(state=InboxState.DONE).count() == 3


def test_a_matching_event_raises_exactly_one_alert(world, cams):
    feed(
        "rec-a",
        frigate("new", "m-1", score=0.72),
        frigate("update", "m-1", score=0.91),
        frigate("new", "m-day", score=0.99, at=DAY),
        frigate("new", "m-low", score=0.3),
    )
    feed("rec-a", frigate("end", "m-1", score=0.95))
    alert = Alert.objects.get()
    assert (alert.event.external_id, alert.unit, alert.rule.name) == ("m-1", world.ward_a, "night")
    assert AuditEvent.objects.filter(action="cameras.alert_raise").count() == 1


def test_an_event_and_its_review_in_one_batch_make_one_alert(world, cams):
    store("rec-a", review("new", "rv-1", "ev-1"), topic="reviews")
    store("rec-a", frigate("new", "ev-1"), frigate("update", "ev-1", score=0.93))
    assert inbox_process() == {"done": 3, "refused": 0}
    alert = Alert.objects.get()
    event = CameraEvent.objects.get()
    assert alert.event == event
    assert ReviewDetection.objects.get().event == event
    feed("rec-a", review("end", "rv-1", "ev-1"), topic="reviews")
    feed("rec-a", frigate("end", "ev-1", score=0.93))
    assert Alert.objects.count() == 1


def test_a_review_first_then_its_event_batch_joins_the_reviews_alert(world, cams):
    feed("rec-a", review("new", "rv-2", "ev-2"), topic="reviews")
    alert = Alert.objects.get()
    assert alert.event is None
    feed("rec-a", frigate("new", "ev-2"), frigate("end", "ev-2"))
    alert.refresh_from_db()
    assert Alert.objects.count() == 1 and alert.event == CameraEvent.objects.get(external_id="ev-2")


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_make_one_event_twice(world, cams):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks, SKIP LOCKED); runs in the PostgreSQL pass")
    ids = [f"tw-{i}" for i in range(60)]
    bodies = []
    for kind in ("new", "update", "end"):
        for i, event_id in enumerate(ids):
            camera = "cage_1" if i % 2 else "cage_2"
            bodies.append(frigate(kind, event_id, camera=camera, score=0.5 + len(bodies) / 1000, at=DAY))
    store("rec-a", *bodies)
    errors = []
    handled: list[int] = []
    start = threading.Barrier(2)

    def work() -> None:
        mine = 0
        try:
            start.wait()
            while counts := sum(inbox_process(limit=25).values()):
                mine += counts
            handled.append(mine)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert len(handled) == 2 and all(handled) and sum(handled) == len(bodies)  # both workers took batches
    assert InboxMessage.objects.filter(state=InboxState.DONE).count() == len(bodies)
    assert CameraEvent.objects.count() == len(ids)
    for event in CameraEvent.objects.all():  # each event holds its end message's fields and best score
        assert event.has_clip and event.ended_at is not None
        sent = [json.loads(body)["after"] for body in bodies]
        best = max(Decimal(str(a["score"])) for a in sent if a["id"] == event.external_id)
        assert event.score == best.quantize(Decimal("0.001"))
