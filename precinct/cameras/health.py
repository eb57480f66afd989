"""Offline detection, one mechanism for recorders and cameras (ADR 0035): an Outage is opened from the moment
a recorder's last will or a camera's status said it went down (status.py), or, here, from the last message of
a recorder silent for CAMERAS_SILENCE_SECONDS. An outage that lasts the grace period raises one offline alert;
its end closes that alert and raises a back-online one. Outages shorter than the grace period (blips) raise
nothing. Run periodically (`manage.py cameras_work`, or `tasks.cameras_health_task`)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from precinct.audit.services import audit_record
from precinct.cameras.models import (
    OPEN_ALERT_STATES,
    Alert,
    AlertKind,
    AlertStatus,
    Outage,
    OutageAlert,
    OutageCause,
    Recorder,
)
from precinct.cameras.services import alert_raise


def recorder_is_down(recorder: Recorder, now: datetime.datetime) -> bool:
    grace = datetime.timedelta(seconds=settings.CAMERAS_OFFLINE_GRACE_SECONDS)
    if recorder.reported_offline_at is not None and now - recorder.reported_offline_at >= grace:
        return True
    silence = settings.CAMERAS_SILENCE_SECONDS  # 0: silence alone never means offline (quiet nights)
    return bool(
        silence and recorder.last_seen_at and now - recorder.last_seen_at >= datetime.timedelta(seconds=silence)
    )


def _open_silences(now: datetime.datetime) -> None:
    """A recorder silent for longer than CAMERAS_SILENCE_SECONDS is down since its last message."""
    silence = settings.CAMERAS_SILENCE_SECONDS  # 0: silence alone never means offline (quiet nights)
    if not silence:
        return
    silent = (
        Recorder.objects.filter(last_seen_at__lte=now - datetime.timedelta(seconds=silence))
        .exclude(Exists(Outage.objects.filter(recorder=OuterRef("pk"), ended_at__isnull=True)))
        .values_list("pk", "unit_path", "last_seen_at")
    )
    for pk, unit_path, last_seen in silent:
        with transaction.atomic():
            if last_seen is not None and not Outage.objects.filter(recorder_id=pk, ended_at__isnull=True).exists():
                Outage.objects.create(
                    recorder_id=pk, unit_path=unit_path, cause=OutageCause.SILENCE, started_at=last_seen
                )


def health_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Raise offline alerts for outages past the grace period, and back-online alerts for those that ended."""
    now = now or timezone.now()
    counts = {"offline": 0, "online": 0}
    _open_silences(now)
    grace = datetime.timedelta(seconds=settings.CAMERAS_OFFLINE_GRACE_SECONDS)
    due = Outage.objects.filter(
        Q(ended_at__isnull=True, alert_state=OutageAlert.NONE, started_at__lte=now - grace)
        | Q(ended_at__isnull=False, alert_state=OutageAlert.RAISED)
    )
    for outage_id in due.values_list("pk", flat=True).order_by("started_at", "pk"):
        with transaction.atomic():
            outage = (
                Outage.objects.select_for_update(of=("self",))
                .select_related("camera__unit", "camera__recorder", "recorder__unit")
                .get(pk=outage_id)
            )
            if outage.ended_at is None and outage.alert_state == OutageAlert.NONE:
                _offline(outage)
                counts["offline"] += 1
            elif outage.ended_at is not None and outage.alert_state == OutageAlert.RAISED:
                _online(outage, now)
                counts["online"] += 1
    return counts


def _offline(outage: Outage) -> None:
    outage.alert_state = OutageAlert.RAISED
    outage.save(update_fields=["alert_state"])
    if outage.camera is not None:
        camera = outage.camera
        alert_raise(kind=AlertKind.CAMERA_OFFLINE, unit=camera.unit, camera=camera, recorder=camera.recorder)
        audit_record(actor=None, action="cameras.camera_health", target=camera, unit=camera.unit, after={"down": True})
    else:
        recorder = outage.recorder
        assert recorder is not None  # the check constraint: an outage has a camera or a recorder
        Recorder.objects.filter(pk=recorder.pk).update(offline_alerted=True)
        alert_raise(kind=AlertKind.OFFLINE, unit=recorder.unit, recorder=recorder)
        audit_record(
            actor=None, action="cameras.recorder_health", target=recorder, unit=recorder.unit, after={"down": True}
        )


def _online(outage: Outage, now: datetime.datetime) -> None:
    """Recovery closes the offline alert and says so on the console."""
    outage.alert_state = OutageAlert.CLOSED
    outage.save(update_fields=["alert_state"])
    if outage.camera is not None:
        camera = outage.camera
        Alert.objects.filter(camera=camera, kind=AlertKind.CAMERA_OFFLINE, status__in=OPEN_ALERT_STATES).update(
            status=AlertStatus.CLOSED, closed_at=now
        )
        alert_raise(kind=AlertKind.CAMERA_ONLINE, unit=camera.unit, camera=camera, recorder=camera.recorder)
        audit_record(actor=None, action="cameras.camera_health", target=camera, unit=camera.unit, after={"down": False})
    else:
        recorder = outage.recorder
        assert recorder is not None
        Recorder.objects.filter(pk=recorder.pk).update(offline_alerted=False)
        Alert.objects.filter(recorder=recorder, kind=AlertKind.OFFLINE, status__in=OPEN_ALERT_STATES).update(
            status=AlertStatus.CLOSED, closed_at=now
        )
        alert_raise(kind=AlertKind.ONLINE, unit=recorder.unit, recorder=recorder)
        audit_record(
            actor=None, action="cameras.recorder_health", target=recorder, unit=recorder.unit, after={"down": False}
        )
