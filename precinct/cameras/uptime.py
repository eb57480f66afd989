"""Uptime per camera per month, from the Outage intervals (ADR 0035): a camera is down while its own status is
offline or its recorder is down, from the moment it went down (not from the alert). The month is the local
calendar month (Asia/Ho_Chi_Minh); for the current month only its elapsed part counts, and for a camera
registered during the month only the time since it was registered."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.cameras import selectors
from precinct.cameras.models import Camera, Outage
from precinct.core.actors import Actor
from precinct.core.errors import ValidationFailed


@dataclass(frozen=True)
class Uptime:
    camera: Camera
    counted_seconds: int  # the part of the month counted (elapsed, since registered)
    down_seconds: int
    outages: int  # outages overlapping the month (own status or recorder)
    percent: Decimal | None  # None: nothing of the month counted yet

    @property
    def down_hours(self) -> Decimal:
        return (Decimal(self.down_seconds) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def month_parse(value: str, *, now: datetime.datetime | None = None) -> datetime.date:
    """`YYYY-MM` → the month's first day; empty: the current local month. Refused when malformed or future."""
    today = timezone.localdate(now or timezone.now())
    if not value.strip():
        return today.replace(day=1)
    try:
        month = datetime.datetime.strptime(value.strip(), "%Y-%m").date()
    except ValueError:
        raise ValidationFailed({"month": [_("Enter a month as YYYY-MM.")]}) from None
    if month > today:
        raise ValidationFailed({"month": [_("This month has not begun: it has no uptime yet.")]})
    return month


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    start = datetime.datetime.combine(month, datetime.time(), tzinfo=tz)
    return start, datetime.datetime.combine(following, datetime.time(), tzinfo=tz)


def _merged_length(intervals: list[tuple[datetime.datetime, datetime.datetime]]) -> float:
    """The length (seconds) of the union of intervals: outages of a camera and of its recorder may overlap."""
    total, end = 0.0, None
    for lo, hi in sorted(intervals):
        if end is None or lo > end:
            total += (hi - lo).total_seconds()
            end = hi
        elif hi > end:
            total += (hi - end).total_seconds()
            end = hi
    return total


def camera_uptime(
    cameras: Iterable[Camera], *, month: datetime.date, now: datetime.datetime | None = None
) -> list[Uptime]:
    """Each camera's uptime over `month` (two queries whatever the number of cameras)."""
    now = now or timezone.now()
    cameras = list(cameras)
    start, end = month_bounds(month)
    end = min(end, now)
    outages = Outage.objects.filter(
        Q(camera__in=[c.pk for c in cameras]) | Q(recorder__in={c.recorder_id for c in cameras if c.recorder_id}),
        Q(ended_at__isnull=True) | Q(ended_at__gt=start),
        started_at__lt=end,
    ).values_list("camera_id", "recorder_id", "started_at", "ended_at")
    by_camera: dict[int, list] = defaultdict(list)
    by_recorder: dict[int, list] = defaultdict(list)
    for camera_id, recorder_id, started, ended in outages:
        (by_camera[camera_id] if camera_id else by_recorder[recorder_id]).append((started, ended or now))
    rows = []
    for camera in cameras:
        lo = max(start, camera.created_at)
        if lo >= end:
            rows.append(Uptime(camera, 0, 0, 0, None))
            continue
        spans = [*by_camera.get(camera.pk, []), *by_recorder.get(camera.recorder_id or 0, [])]
        clipped = [(max(a, lo), min(b, end)) for a, b in spans if b > lo and a < end]
        counted = (end - lo).total_seconds()
        down = _merged_length(clipped)
        percent = (Decimal(100) * Decimal(counted - down) / Decimal(counted)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        rows.append(Uptime(camera, round(counted), round(down), len(clipped), percent))
    return rows


def uptime_list(*, actor: Actor, month: datetime.date, now: datetime.datetime | None = None) -> list[Uptime]:
    """The uptime of the cameras in the actor's reach (the registry's scoping), by camera code."""
    return camera_uptime(selectors.camera_list(actor=actor), month=month, now=now)
