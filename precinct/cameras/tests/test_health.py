"""Offline detection: a blip shorter than the grace period raises nothing; a longer outage raises one alert,
and the return raises one more and closes the first."""

import datetime

from django.utils import timezone

from precinct.cameras.health import health_sweep
from precinct.cameras.ingest import Received, inbox_process, inbox_store
from precinct.cameras.models import Alert, AlertKind, AlertStatus, InboxMessage, InboxState, Outage
from precinct.cameras.tests.conftest import feed, frigate


def test_a_blip_shorter_than_the_grace_period_raises_nothing(world, cams, settings):
    settings.CAMERAS_OFFLINE_GRACE_SECONDS = 120
    feed("rec-a", b"offline", topic="available")
    assert health_sweep(now=timezone.now() + datetime.timedelta(seconds=60)) == {"offline": 0, "online": 0}
    feed("rec-a", b"online", topic="available")
    assert health_sweep(now=timezone.now() + datetime.timedelta(seconds=600)) == {"offline": 0, "online": 0}
    assert not Alert.objects.exists()


def test_an_outage_raises_one_alert_and_recovery_closes_it(world, cams, settings):
    settings.CAMERAS_OFFLINE_GRACE_SECONDS = 120
    feed("rec-a", b"offline", topic="available")
    later = timezone.now() + datetime.timedelta(seconds=121)
    assert health_sweep(now=later) == {"offline": 1, "online": 0}
    assert health_sweep(now=later + datetime.timedelta(seconds=60)) == {"offline": 0, "online": 0}
    offline = Alert.objects.get()
    assert (offline.kind, offline.recorder, offline.unit) == (AlertKind.OFFLINE, cams.rec_a, world.ward_a)
    feed("rec-a", b"online", topic="available")
    assert health_sweep(now=later + datetime.timedelta(seconds=120)) == {"offline": 0, "online": 1}
    offline.refresh_from_db()
    assert offline.status == AlertStatus.CLOSED
    assert Alert.objects.filter(kind=AlertKind.ONLINE, recorder=cams.rec_a).count() == 1


def test_silence_longer_than_the_threshold_counts_as_offline(world, cams, settings):
    settings.CAMERAS_SILENCE_SECONDS = 3600
    feed("rec-b", b"online", topic="available")
    assert health_sweep(now=timezone.now() + datetime.timedelta(seconds=3000))["offline"] == 0
    assert health_sweep(now=timezone.now() + datetime.timedelta(seconds=3601))["offline"] == 1
    assert Alert.objects.get().unit == world.ward_b


def status(prefix: str, camera: str, role: str, value: bytes, at: datetime.datetime) -> dict[str, int]:
    """A Frigate `<prefix>/<camera>/status/<role>` message received at `at`, then the worker."""
    inbox_store([Received(topic=f"{prefix}/{camera}/status/{role}", body=value, received_at=at)])
    return inbox_process()


def test_a_camera_blip_shorter_than_the_grace_period_raises_nothing(world, cams, settings):
    settings.CAMERAS_OFFLINE_GRACE_SECONDS = 120
    t0 = timezone.now()
    status("rec-a", "cage_1", "detect", b"offline", t0)
    assert health_sweep(now=t0 + datetime.timedelta(seconds=119)) == {"offline": 0, "online": 0}
    status("rec-a", "cage_1", "detect", b"online", t0 + datetime.timedelta(seconds=90))
    assert health_sweep(now=t0 + datetime.timedelta(seconds=600)) == {"offline": 0, "online": 0}
    assert not Alert.objects.exists()
    outage = Outage.objects.get()  # the blip is still an interval for uptime
    assert (outage.camera, outage.ended_at - outage.started_at) == (cams.a1, datetime.timedelta(seconds=90))


def test_a_camera_offline_past_the_grace_period_alerts_its_ward_once_and_recovery_closes_it(world, cams, settings):
    settings.CAMERAS_OFFLINE_GRACE_SECONDS = 120
    t0 = timezone.now()
    status("rec-a", "cage_2", "record", b"offline", t0)
    status("rec-a", "cage_2", "record", b"offline", t0 + datetime.timedelta(seconds=5))  # retained, repeated
    assert health_sweep(now=t0 + datetime.timedelta(seconds=120)) == {"offline": 1, "online": 0}
    assert health_sweep(now=t0 + datetime.timedelta(seconds=200)) == {"offline": 0, "online": 0}
    offline = Alert.objects.get()
    assert (offline.kind, offline.camera, offline.unit) == (AlertKind.CAMERA_OFFLINE, cams.a2, world.ward_a)
    status("rec-a", "cage_2", "record", b"online", t0 + datetime.timedelta(seconds=300))
    assert health_sweep(now=t0 + datetime.timedelta(seconds=310)) == {"offline": 0, "online": 1}
    offline.refresh_from_db()
    assert offline.status == AlertStatus.CLOSED
    assert Alert.objects.filter(kind=AlertKind.CAMERA_ONLINE, camera=cams.a2).count() == 1
    assert Outage.objects.get().started_at == t0  # from the moment it went down, not from the alert


def test_a_camera_is_down_while_any_of_its_roles_is(world, cams, settings):
    t0 = timezone.now()
    status("rec-a", "cage_1", "detect", b"offline", t0)
    status("rec-a", "cage_1", "record", b"disabled", t0 + datetime.timedelta(seconds=10))
    status("rec-a", "cage_1", "detect", b"online", t0 + datetime.timedelta(seconds=20))
    outage = Outage.objects.get()
    assert (outage.ended_at, outage.roles) == (None, ["record"])
    status("rec-a", "cage_1", "record", b"online", t0 + datetime.timedelta(seconds=30))
    outage.refresh_from_db()
    assert outage.ended_at == t0 + datetime.timedelta(seconds=30)


def test_bad_status_messages_are_refused_and_counted(world, cams):
    t0 = timezone.now()
    assert status("rec-a", "cage_1", "detect", b"sleeping", t0) == {"done": 0, "refused": 1}
    assert status("rec-a", "ghost", "detect", b"offline", t0) == {"done": 0, "refused": 1}
    reasons = sorted(InboxMessage.objects.filter(state=InboxState.REFUSED).values_list("reason", flat=True))
    assert reasons == ["malformed", "unknown_camera"]
    assert not Outage.objects.exists()


def test_a_recorder_outage_is_an_interval_from_its_last_will(world, cams, settings):
    settings.CAMERAS_OFFLINE_GRACE_SECONDS = 120
    t0 = timezone.now()
    inbox_store([Received(topic="rec-a/available", body=b"offline", received_at=t0)])
    inbox_process()
    inbox_store([Received(topic="rec-a/available", body=b"online", received_at=t0 + datetime.timedelta(hours=1))])
    inbox_process()
    outage = Outage.objects.get()
    assert (outage.recorder, outage.camera, outage.cause) == (cams.rec_a, None, "last_will")
    assert outage.ended_at - outage.started_at == datetime.timedelta(hours=1)


def test_silence_ends_with_the_next_message(world, cams, settings):
    settings.CAMERAS_SILENCE_SECONDS = 3600
    t0 = timezone.now()
    inbox_store([Received(topic="rec-b/available", body=b"online", received_at=t0)])
    inbox_process()
    health_sweep(now=t0 + datetime.timedelta(seconds=3601))
    back = t0 + datetime.timedelta(seconds=5000)
    inbox_store([Received(topic="rec-b/events", body=frigate("new", "e1"), received_at=back)])
    inbox_process()
    outage = Outage.objects.get()
    assert (outage.cause, outage.started_at, outage.ended_at) == ("silence", t0, back)
    assert health_sweep(now=back + datetime.timedelta(seconds=1))["online"] == 1
