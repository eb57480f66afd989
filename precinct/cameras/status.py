"""Down and up again, as recorders report it: a camera's own status topic (`<prefix>/<camera>/status/<role>`,
Frigate's roles detect/record/audio, values `online`, `offline`, `disabled`) and the recorder's availability
(`<prefix>/available`, its last will). Each opens or closes an Outage from the moment reported; the health
sweep (health.py) alerts on outages that outlast the grace period, and uptime.py counts them (ADR 0035)."""

import datetime

from precinct.cameras.models import InboxMessage, Outage, OutageCause, Recorder
from precinct.cameras.sources import Refused, camera_for

# `disabled`: the household turned the camera off; the ward is not watching, so it counts as down too.
DOWN = ("offline", "disabled")
STATES = ("online", *DOWN)


def camera_status_record(*, row: InboxMessage) -> Outage | None:
    """One camera's role reported up or down: the camera is down while any of its roles is. Answers the open
    outage (None once the camera is up again)."""
    status = str(row.payload.get("status", "")).lower()
    role = str(row.payload.get("role", ""))[:20]
    if status not in STATES or not role:
        raise Refused("malformed")
    # A camera's health is not personal data: its status is kept even while consent is withdrawn.
    camera = camera_for(row.recorder_id, row.payload.get("camera"), consent=False)
    outage = Outage.objects.select_for_update().filter(camera=camera, ended_at__isnull=True).first()
    if status in DOWN:
        if outage is None:
            return Outage.objects.create(
                camera=camera,
                unit_path=camera.unit_path,
                cause=OutageCause.CAMERA_STATUS,
                roles=[role],
                started_at=row.received_at,
            )
        if role not in outage.roles:
            outage.roles = [*outage.roles, role]
            outage.save(update_fields=["roles"])
        return outage
    if outage is not None and role in outage.roles:
        outage.roles = [r for r in outage.roles if r != role]
        if not outage.roles:
            outage.ended_at = max(row.received_at, outage.started_at)
        outage.save(update_fields=["roles", "ended_at"])
    return None if outage is None or outage.ended_at else outage


def availability_record(*, row: InboxMessage) -> None:
    """The recorder's `available` message: `offline` (its last will, or a clean stop) opens a recorder outage,
    `online` closes it."""
    if row.recorder_id is None:
        raise Refused("unknown_source")
    recorder = Recorder.objects.select_for_update().get(pk=row.recorder_id)
    outage = Outage.objects.select_for_update().filter(recorder=recorder, ended_at__isnull=True).first()
    if row.payload.get("available") == "offline":
        recorder.reported_offline_at = recorder.reported_offline_at or row.received_at
        if outage is None:
            Outage.objects.create(
                recorder=recorder,
                unit_path=recorder.unit_path,
                cause=OutageCause.LAST_WILL,
                started_at=row.received_at,
            )
    else:
        recorder.reported_offline_at = None
        recorder.last_seen_at = max(filter(None, (recorder.last_seen_at, row.received_at)))
        if outage is not None:
            outage.ended_at = max(row.received_at, outage.started_at)
            outage.save(update_fields=["ended_at"])
    recorder.save(update_fields=["reported_offline_at", "last_seen_at"])


def silence_ended(*, recorder_id: int, at: datetime.datetime) -> None:
    """A message from a recorder ends the outage its silence opened (not one its last will opened: that
    ends with its `online`)."""
    Outage.objects.filter(recorder_id=recorder_id, ended_at__isnull=True, cause=OutageCause.SILENCE).update(ended_at=at)
