"""The escalation sweep: an alert still new (not acknowledged) `CAMERAS_ACK_MINUTES` after it was raised is
sent to its ward's leader (or the nearest unit above that has one), once, and marked escalated."""

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from precinct.audit.services import audit_record
from precinct.cameras import events
from precinct.cameras.models import Alert, AlertKind, AlertStatus
from precinct.notifications.links import Link, key_parts
from precinct.notifications.services import Message, notification_key, notify
from precinct.organisation.models import Role
from precinct.organisation.selectors import role_holders_nearest


def _tell_leaders(alert: Alert, minutes: int) -> list[str]:
    place = alert.camera.code if alert.camera else (alert.recorder.name if alert.recorder else "")

    def compose() -> Message:
        line = gettext(
            "Camera alert #%(id)d (%(kind)s at %(place)s) has not been acknowledged for %(minutes)d minutes."
        ) % {"id": alert.pk, "kind": str(AlertKind(alert.kind).label), "place": place, "minutes": minutes}
        return Message(subject=line, body=f"{line}\n/cameras/alerts/{alert.pk}/", sms=line)

    told = []
    for leader in role_holders_nearest(unit_path=alert.unit_path, role=Role.LEADER):
        notify(recipient=leader, key=notification_key("camera_alert_escalated", alert.pk), compose=compose)
        told.append(leader.get_username())
    return told


def escalation_sweep(*, now: datetime.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Escalate overdue new alerts. Each is claimed under a row lock (SKIP LOCKED: two sweeps never tell a
    leader twice) and marked `escalated_at` in the same transaction as the message, so a second sweep
    finds nothing to do."""
    minutes = settings.CAMERAS_ACK_MINUTES
    cutoff = (now or timezone.now()) - datetime.timedelta(minutes=minutes)
    escalated = 0
    with transaction.atomic():
        alerts = list(
            Alert.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=AlertStatus.NEW, escalated_at__isnull=True, raised_at__lte=cutoff)
            .select_related("unit", "camera", "recorder")
            .order_by("raised_at", "id")[:limit]
        )
        for alert in alerts:
            alert.escalated_at = timezone.now()
            alert.save(update_fields=["escalated_at"])
            told = _tell_leaders(alert, minutes)
            events.escalated(alert, told)
            audit_record(
                actor=None, action="cameras.alert_escalate", target=alert, unit=alert.unit, after={"leaders": told}
            )
            escalated += 1
    return {"escalated": escalated}


def alert_links(keys: Sequence[str]) -> dict[str, Link]:
    """The site's inbox links a camera alert's message (`camera_alert:<id>`, `camera_alert_escalated:<id>`)
    to the alert's page, which answers only to those who reach it. No query: the key holds the id."""
    links = {}
    for key in keys:
        parts = key_parts(key)
        if parts and parts[0].isdigit():
            links[key] = Link(label=f"#{parts[0]}", url=reverse("cameras:alert", args=[int(parts[0])]))
    return links
