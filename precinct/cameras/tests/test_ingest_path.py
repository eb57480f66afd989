"""The listener's storing path: what jsonb cannot hold is refused (never a batch that fails for ever), a
repeat is stored once, and the listener subscribes to reviews and camera status through the real broker."""

import json
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from precinct.cameras.ingest import Received, inbox_process, inbox_store
from precinct.cameras.listener import topics
from precinct.cameras.models import InboxMessage, InboxState, Outage, Recorder, Review
from precinct.cameras.tests.conftest import frigate
from precinct.cameras.tests.test_listener import URL, Listener, broker, publish, wait_for  # noqa: F401 (the fixture)
from precinct.cameras.tests.test_reviews import review


def _store(*bodies: bytes, topic: str = "rec-a/events") -> None:
    inbox_store([Received(topic=topic, body=body, received_at=timezone.now()) for body in bodies])


def test_what_jsonb_cannot_hold_is_refused_and_the_rest_of_the_batch_stored(world, cams):
    good = frigate("new", "good-1")
    nan = frigate("new", "nan-1").replace(b'"score": 0.8', b'"score": NaN')
    nul = frigate("new", "nul-1").replace(b'"sub_label": null', b'"sub_label": "a\\u0000b"')
    surrogate = frigate("new", "sur-1").replace(b'"sub_label": null', b'"sub_label": "\\ud800"')
    not_utf8 = b'{"type": "new", "after": {"id": "\xff"}}'
    _store(good, nan, nul, surrogate, not_utf8, good)
    rows = InboxMessage.objects.order_by("id")
    pending = [r.payload["after"]["id"] for r in rows.filter(state=InboxState.PENDING)]
    refused = list(rows.filter(state=InboxState.REFUSED).values_list("reason", flat=True))
    # A lone surrogate escape is JSON to Python; PostgreSQL's jsonb refuses it (refused there, kept on SQLite).
    assert pending in (["good-1"], ["good-1", "sur-1"])
    assert refused == ["malformed"] * (5 - len(pending))
    assert rows.filter(payload__after__id="good-1").count() == 1


def test_the_listener_subscribes_to_reviews_and_camera_status(world, cams):
    assert {"+/events", "+/reviews", "+/available", "+/+/status/+"} <= set(topics())
    Recorder.objects.filter(pk=cams.rec_b.pk).update(mqtt_prefix="deep/rec-b")
    assert {"deep/rec-b/reviews", "deep/rec-b/+/status/+"} <= set(topics())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("broker")
def test_reviews_and_status_through_the_broker_are_stored(world, cams):
    prefix = f"rec-a-{uuid.uuid4().hex[:12]}"
    Recorder.objects.filter(pk=cams.rec_a.pk).update(mqtt_prefix=prefix)
    with Listener(f"test-{uuid.uuid4()}"):
        publish(
            (f"{prefix}/reviews", review("new", "rv-broker", "ev-1")),
            (f"{prefix}/cage_1/status/detect", b"offline"),
        )
        mine = InboxMessage.objects.filter(recorder=cams.rec_a)
        wait_for(lambda: mine.count() >= 2, "the review and the status")
    stored = {m.topic.split("/", 1)[1]: m.payload for m in mine}
    assert stored["reviews"]["after"]["id"] == "rv-broker"
    assert stored["cage_1/status/detect"] == {"camera": "cage_1", "role": "detect", "status": "offline"}
    assert json.loads(json.dumps(stored["reviews"]))["after"]["severity"] == "alert"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("broker")
def test_the_simulator_publishes_reviews_and_camera_status(world, cams):
    prefix = f"rec-a-{uuid.uuid4().hex[:12]}"
    Recorder.objects.filter(pk=cams.rec_a.pk).update(mqtt_prefix=prefix)
    mine = InboxMessage.objects.filter(recorder=cams.rec_a)
    with Listener(f"test-{uuid.uuid4()}"):
        args = ("--recorder", prefix, "--url", URL, "--count", "2", "--interval", "0")
        call_command("cameras_simulate", *args, stdout=StringIO())
        call_command("cameras_simulate", *args[:4], "--camera-status", "cage_2", "offline", stdout=StringIO())
        wait_for(lambda: mine.count() >= 1 + 2 * 5 + 1, "the simulated messages")
    publish((f"{prefix}/available", b""))  # clear the retained availability on the shared broker
    while inbox_process()["done"]:
        pass
    assert Review.objects.filter(camera__recorder=cams.rec_a, ended_at__isnull=False).count() == 2
    assert Outage.objects.get(camera=cams.a2, ended_at__isnull=True).roles == ["detect"]
