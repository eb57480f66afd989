"""Offline detection: a blip shorter than the grace period raises nothing; a longer outage raises one alert,
and the return raises one more and closes the first."""

import datetime

from django.utils import timezone

from precinct.cameras.health import health_sweep
from precinct.cameras.models import Alert, AlertKind, AlertStatus
from precinct.cameras.tests.conftest import feed


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
