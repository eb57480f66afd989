"""Offline detection: a recorder whose last will said `offline`, or that has been silent, for longer than
the grace period raises one alert; its return raises one more and closes the first. Blips shorter than the
grace period raise nothing. Run periodically (`manage.py cameras_work`, or `tasks.cameras_health_task`)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from precinct.audit.services import audit_record
from precinct.cameras.models import OPEN_ALERT_STATES, Alert, AlertKind, AlertStatus, Recorder
from precinct.cameras.services import alert_raise


def recorder_is_down(recorder: Recorder, now: datetime.datetime) -> bool:
    grace = datetime.timedelta(seconds=settings.CAMERAS_OFFLINE_GRACE_SECONDS)
    if recorder.reported_offline_at is not None and now - recorder.reported_offline_at >= grace:
        return True
    silence = settings.CAMERAS_SILENCE_SECONDS  # 0: silence alone never means offline (quiet nights)
    return bool(
        silence and recorder.last_seen_at and now - recorder.last_seen_at >= datetime.timedelta(seconds=silence)
    )


def health_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Raise offline / back-online alerts for recorders whose state changed since the last sweep."""
    now = now or timezone.now()
    counts = {"offline": 0, "online": 0}
    for recorder_id in Recorder.objects.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            recorder = Recorder.objects.select_for_update().select_related("unit").get(pk=recorder_id)
            down = recorder_is_down(recorder, now)
            if down == recorder.offline_alerted:
                continue
            recorder.offline_alerted = down
            recorder.save(update_fields=["offline_alerted"])
            if down:
                alert_raise(kind=AlertKind.OFFLINE, unit=recorder.unit, recorder=recorder)
                counts["offline"] += 1
            else:
                # Recovery closes the offline alert and says so on the console.
                Alert.objects.filter(recorder=recorder, kind=AlertKind.OFFLINE, status__in=OPEN_ALERT_STATES).update(
                    status=AlertStatus.CLOSED, closed_at=now
                )
                alert_raise(kind=AlertKind.ONLINE, unit=recorder.unit, recorder=recorder)
                counts["online"] += 1
            audit_record(
                actor=None, action="cameras.recorder_health", target=recorder, unit=recorder.unit, after={"down": down}
            )
    return counts
