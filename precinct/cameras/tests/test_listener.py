"""The MQTT listener against the real Mosquitto broker (127.0.0.1:1883 unless MQTT_TEST_URL says otherwise).

Skipped when no broker answers, except in CI (CI=true), where a missing broker fails the test."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError, connection

from precinct.cameras.ingest import inbox_process
from precinct.cameras.listener import listen
from precinct.cameras.models import Alert, CameraEvent, InboxMessage, Recorder
from precinct.cameras.tests.conftest import frigate

pytestmark = pytest.mark.django_db(transaction=True)
URL = os.environ.get("MQTT_TEST_URL", "mqtt://127.0.0.1:1883")


@pytest.fixture
def cams(cams):
    """Recorder A on a topic prefix of its own: tests on other xdist workers (and other runs) share the broker,
    and a listener subscribes to every prefix, so a fixed "rec-a" would mix their messages."""
    Recorder.objects.filter(pk=cams.rec_a.pk).update(mqtt_prefix=f"rec-a-{uuid.uuid4().hex[:12]}")
    cams.rec_a.refresh_from_db()
    return cams


@pytest.fixture
def broker() -> str:
    parts = urlsplit(URL)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 1883), timeout=2).close()
    except OSError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"no MQTT broker at {URL}, and CI needs one")
        pytest.skip(f"no MQTT broker at {URL}")
    return URL


def publish(*messages: tuple[str, bytes]) -> None:
    """Publish with QoS 1 and wait for the broker's acknowledgement of each message."""
    client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4()}")
    parts = urlsplit(URL)
    client.connect(parts.hostname or "127.0.0.1", parts.port or 1883)
    client.loop_start()
    try:
        for topic, body in messages:
            client.publish(topic, body, qos=1, retain=topic.endswith("/available")).wait_for_publish(timeout=10)
    finally:
        client.loop_stop()
        client.disconnect()


def wait_for(condition, what: str, timeout: float = 60.0) -> None:
    """Wait for something the broker delivers in its own time (a generous limit, not a measured speed)."""
    deadline = time.monotonic() + timeout
    while not _holds(condition):
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def _holds(condition) -> bool:
    """The condition, or "not yet" while the listener's thread holds a table of SQLite's shared in-memory test
    database (its connections lock whole tables: "database table is locked")."""
    try:
        return bool(condition())
    except OperationalError as error:
        if connection.vendor == "sqlite" and "locked" in str(error):
            return False
        raise


class Listener:
    def __init__(self, client_id: str) -> None:
        self.stop, self.ready = threading.Event(), threading.Event()
        self.thread = threading.Thread(
            target=listen, kwargs={"url": URL, "client_id": client_id, "stop": self.stop, "ready": self.ready}
        )

    def __enter__(self) -> "Listener":
        self.thread.start()
        if not self.ready.wait(timeout=20):
            pytest.fail("the listener did not subscribe")
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=20)


def test_frigate_events_through_the_broker_become_one_event_and_one_alert(world, cams, broker):
    prefix = cams.rec_a.mqtt_prefix
    event_id = f"{time.time():.6f}-{uuid.uuid4().hex[:6]}"
    new = frigate("new", event_id, score=0.75)
    with Listener(f"test-{uuid.uuid4()}"):
        publish(
            (f"{prefix}/events", new),
            (f"{prefix}/events", frigate("update", event_id, score=0.93)),
            (f"{prefix}/events", new),  # a repeat
            (f"{prefix}/events", frigate("end", event_id, score=0.93)),
            (f"{prefix}/events", b"{malformed"),
        )
        mine = InboxMessage.objects.filter(recorder=cams.rec_a)
        wait_for(lambda: mine.filter(topic=f"{prefix}/events").count() >= 4, "four stored messages")
    assert sorted(mine.filter(topic=f"{prefix}/events").values_list("state", "reason")) == [("pending", "")] * 3 + [
        ("refused", "malformed")
    ]
    inbox_process()
    event = CameraEvent.objects.get(external_id=event_id)
    assert (event.camera, str(event.score), event.ended_at is not None) == (cams.a1, "0.930", True)
    assert Alert.objects.get(event=event).unit == world.ward_a


def test_messages_published_while_the_listener_is_away_arrive_when_it_returns(world, cams, broker):
    """A persistent session with QoS 1: the broker keeps what it accepted for the listener."""
    client_id = f"test-{uuid.uuid4()}"
    prefix = cams.rec_a.mqtt_prefix
    with Listener(client_id):
        pass  # the session now exists on the broker, with its subscriptions
    ids = [f"away-{uuid.uuid4().hex[:8]}-{n}" for n in range(3)]
    publish(*((f"{prefix}/events", frigate("new", i)) for i in ids))
    with Listener(client_id):
        wait_for(lambda: InboxMessage.objects.filter(recorder=cams.rec_a).count() >= 3, "the kept messages")
    inbox_process()
    assert set(CameraEvent.objects.values_list("external_id", flat=True)) == set(ids)
    _forget_session(client_id)


def test_the_simulator_publishes_what_the_listener_stores(world, cams, broker):
    prefix = cams.rec_a.mqtt_prefix
    events = InboxMessage.objects.filter(recorder=cams.rec_a, topic=f"{prefix}/events")
    with Listener(f"test-{uuid.uuid4()}"):
        args = ("--recorder", prefix, "--url", URL, "--count", "2", "--interval", "0")
        call_command("cameras_simulate", *args, stdout=StringIO())
        wait_for(lambda: events.count() >= 6, "the simulated detections")
    publish((f"{prefix}/available", b""))  # clear the retained availability on the shared broker
    inbox_process()
    assert CameraEvent.objects.filter(camera__recorder=cams.rec_a).count() == 2


def _forget_session(client_id: str) -> None:
    """Leave no persistent session behind on the shared broker."""
    client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True)
    parts = urlsplit(URL)
    client.connect(parts.hostname or "127.0.0.1", parts.port or 1883)
    client.disconnect()


def test_sigkill_in_a_flow_loses_nothing_and_duplicates_nothing(world, cams, broker):
    """`manage.py cameras_listen` as a real process, killed with SIGKILL while messages flow, then started
    again: every message the broker accepted is stored exactly once (PostgreSQL: two processes share it)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (the listener runs as a separate process); runs in the PostgreSQL pass")
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "MQTT_URL": URL,
        "CAMERAS_MQTT_CLIENT_ID": f"kill-{uuid.uuid4()}",
    }
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "cameras_listen"]
    prefix = cams.rec_a.mqtt_prefix
    stored = InboxMessage.objects.filter(recorder=cams.rec_a)
    total = 400
    bodies = [(f"{prefix}/events", frigate("new", f"kill-{uuid.uuid4().hex}")) for _ in range(total)]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        wait_for(lambda: _subscribed(prefix, stored), "the first listener", 30)
        publisher = threading.Thread(target=publish, args=tuple(bodies))
        publisher.start()
        wait_for(lambda: stored.count() >= 50, "part of the flow", 30)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        publisher.join(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
    second = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603
    flow = stored.filter(key__contains=":kill-")
    try:
        wait_for(lambda: flow.count() >= total, f"all {total} messages", 60)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=20)
        _forget_session(env["CAMERAS_MQTT_CLIENT_ID"])
    assert flow.count() == total
    while sum(inbox_process().values()):
        pass
    flow_events = CameraEvent.objects.filter(external_id__startswith="kill-")
    assert flow_events.count() == total
    assert Alert.objects.filter(event__in=flow_events).count() == total


def _subscribed(prefix: str, stored) -> bool:
    """The listener is subscribed once a probe message it must store arrives."""
    publish((f"{prefix}/events", frigate("new", f"probe-{uuid.uuid4().hex}")))
    time.sleep(0.3)
    return stored.filter(key__contains=":probe-").exists()
