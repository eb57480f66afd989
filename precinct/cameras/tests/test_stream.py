"""The duty console's live stream: what it tells whom, the resume token a reconnecting browser sends back, its
bounded life and heartbeats (a fake clock drives the loop: no timed assertion), and the page that opens it."""

import json

import pytest

from precinct.cameras.models import Alert
from precinct.cameras.services import alert_acknowledge
from precinct.cameras.stream import console_events, console_snapshot, parse_token
from precinct.cameras.tests.conftest import feed, frigate
from precinct.testing import Expect, assert_matrix


class FakeTime:
    """A clock that moves only when the stream sleeps; `between` runs writes at chosen ticks."""

    def __init__(self, between=None):
        self.now = 0.0
        self.ticks = 0
        self.between = between or {}

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.ticks += 1
        if self.ticks in self.between:
            self.between[self.ticks]()


def events(lines) -> list[tuple[str, dict, str]]:
    """(event, data, id) of each event; comments are reported as ("comment", {}, "")."""
    out = []
    for chunk in lines:
        if chunk.startswith(":"):
            out.append(("comment", {}, ""))
            continue
        fields = dict(line.split(": ", 1) for line in chunk.strip().splitlines())
        if "event" in fields:
            out.append((fields["event"], json.loads(fields["data"]), fields["id"]))
    return out


@pytest.fixture
def short(settings):
    settings.CAMERAS_STREAM_POLL_SECONDS = 0.25
    settings.CAMERAS_STREAM_HEARTBEAT_SECONDS = 1.0
    settings.CAMERAS_STREAM_SECONDS = 2.0
    return settings


def test_a_new_alert_then_a_change_in_reach_are_told_and_others_are_not(world, cams, short):
    duty_a, duty_b = world.users["duty_a"], world.users["officer_b"]

    def raise_in_a():
        feed("rec-a", frigate("new", "s-1"))

    def acknowledge():
        alert_acknowledge(actor=duty_a, alert=Alert.objects.get())

    t = FakeTime({2: raise_in_a, 5: acknowledge})
    got = events(console_events(actor=duty_a, clock=t.clock, sleep=t.sleep))
    kinds = [e[0] for e in got]
    assert kinds[0] == "hello" and kinds[-1] == "bye"
    told = [e for e in got if e[0] == "alerts"]
    assert [(d["new"], d["open"]) for _, d, _ in told] == [(True, 1), (False, 1)]
    assert told[0][2] != told[1][2]  # the acknowledgement changed the token, not the newest id
    assert parse_token(told[1][2])[0] == Alert.objects.get().pk

    # An officer of ward B over the same time: nothing but hello, heartbeats and bye.
    Alert.objects.all().delete()
    t = FakeTime({2: lambda: feed("rec-a", frigate("new", "s-2"))})
    got = events(console_events(actor=duty_b, clock=t.clock, sleep=t.sleep))
    assert {e[0] for e in got} == {"hello", "comment", "bye"}
    assert all(d.get("open", 0) == 0 for _, d, _ in got)


def test_a_reconnect_with_the_last_token_misses_nothing(world, cams, short):
    duty_a = world.users["duty_a"]
    before = console_snapshot(actor=duty_a).token
    feed("rec-a", frigate("new", "away-1"))  # raised while the console was reconnecting
    short.CAMERAS_STREAM_SECONDS = 0
    got = events(console_events(actor=duty_a, last=before))
    assert got[0][0] == "alerts" and got[0][1] == {"new": True, "open": 1, "newest": Alert.objects.get().pk}
    # Sent back the token it was last given: nothing changed, so a plain hello.
    again = events(console_events(actor=duty_a, last=got[0][2]))
    assert again[0][0] == "hello"
    # A token that is not one (tampered, too long) is treated as none: hello, no error.
    for junk in ("abc", "1-2", "9" * 40 + "-abcdefabcdef", ""):
        assert events(console_events(actor=duty_a, last=junk))[0][0] == "hello"


def test_heartbeats_and_a_bounded_life(world, cams, short):
    t = FakeTime()
    got = events(console_events(actor=world.users["duty_a"], clock=t.clock, sleep=t.sleep))
    assert [e[0] for e in got] == ["hello", "comment", "comment", "bye"]
    assert t.now == pytest.approx(2.0)


def test_the_stream_as_every_actor(world, cams, settings):
    settings.CAMERAS_STREAM_SECONDS = 0
    feed("rec-a", frigate("new", "m-a"))
    feed("rec-b", frigate("new", "m-b"))
    one, two, none = (Expect(200, shows=(f'"open": {n}',)) for n in (1, 2, 0))
    assert_matrix(
        world,
        lambda c: c.get("/cameras/console/stream"),
        {
            "anonymous": 302,
            "citizen": 403,
            "officer_a": one,
            "duty_a": one,
            "leader_a": one,
            "officer_b": one,
            "officer_dept": none,
            "leader_p": two,
            "admin_p": 403,
            "superuser": two,
        },
    )
    response = world.client("duty_a").get("/cameras/console/stream", headers={"last-event-id": "0-000000000000"})
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache, no-store"
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("retry: ") and "event: alerts" in body and '"new": true' in body


def test_the_console_page_opens_the_stream(world, cams):
    page = world.client("duty_a").get("/cameras/console/").content.decode()
    assert 'data-stream="/cameras/console/stream"' in page
    assert "cameras/console.js" in page and 'hx-trigger="cameras-changed"' in page
    assert "Bật âm thanh" in page
