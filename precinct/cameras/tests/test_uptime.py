"""Uptime per camera per month from outage intervals, with exact percentages; the page and the API, scoped."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from precinct.cameras.ingest import Received, inbox_process, inbox_store
from precinct.cameras.models import Camera
from precinct.cameras.uptime import camera_uptime, month_parse
from precinct.core.errors import ValidationFailed

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
NOV = datetime.date(2026, 11, 1)
NOV_START = datetime.datetime(2026, 11, 1, tzinfo=LOCAL)


def at(day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=LOCAL)


def send(topic: str, body: bytes, when: datetime.datetime) -> None:
    inbox_store([Received(topic=topic, body=body, received_at=when)])
    assert inbox_process()["refused"] == 0


@pytest.fixture
def registered(cams):
    """The cameras registered before November (the fixture registers them now)."""
    Camera.objects.update(created_at=datetime.datetime(2026, 10, 1, tzinfo=LOCAL))
    return cams


def percents(month=NOV, now=None) -> dict[str, Decimal | None]:
    rows = camera_uptime(Camera.objects.order_by("code"), month=month, now=now or at(30, 23))
    return {row.camera.code: row.percent for row in rows}


def test_exact_percentages_for_own_status_recorder_and_overlaps(world, registered):
    # CAM-A1: its detect stream offline 6 h (21,600 s of November's 2,592,000 s) → 99.1667 %.
    send("rec-a/cage_1/status/detect", b"offline", at(10, 2))
    send("rec-a/cage_1/status/detect", b"online", at(10, 8))
    # Recorder A down 3 h (last will → online): both of its cameras are down, A1's overlap counted once.
    send("rec-a/available", b"offline", at(10, 6))
    send("rec-a/available", b"online", at(10, 9))
    # CAM-B1: down from 1 November 00:00 to 4 November 00:00 (3 days = 10 %).
    send("rec-b/cage_1/status/record", b"offline", NOV_START)
    send("rec-b/cage_1/status/record", b"online", at(4))
    assert percents(now=datetime.datetime(2026, 12, 2, tzinfo=LOCAL)) == {
        "CAM-A1": Decimal("99.03"),  # 02:00–09:00 = 7 h: 100 × (2,592,000 − 25,200) / 2,592,000 = 99.0278
        "CAM-A2": Decimal("99.58"),  # 3 h: 99.5833
        "CAM-B1": Decimal("90.00"),
    }


def test_outages_crossing_the_month_and_still_open_are_clipped(world, registered):
    send("rec-a/cage_1/status/detect", b"offline", datetime.datetime(2026, 10, 31, 12, tzinfo=LOCAL))
    send("rec-a/cage_1/status/detect", b"online", at(1, 12))  # 12 h of it in November
    send("rec-a/cage_2/status/detect", b"offline", at(30, 12))  # still down at the end of the month
    assert percents(now=datetime.datetime(2026, 12, 5, tzinfo=LOCAL)) == {
        "CAM-A1": Decimal("98.33"),  # 43,200 s: 98.3333
        "CAM-A2": Decimal("98.33"),
        "CAM-B1": Decimal("100.00"),
    }


def test_the_current_month_counts_its_elapsed_part_and_a_camera_since_it_was_registered(world, registered):
    Camera.objects.filter(pk=registered.b1.pk).update(created_at=at(21))
    send("rec-a/cage_1/status/detect", b"offline", at(11))
    now = at(11, 12)  # 10.5 days elapsed (907,200 s), A1 down the last 12 h (43,200 s) → 95.2381 %
    result = percents(now=now)
    assert result["CAM-A1"] == Decimal("95.24")
    assert result["CAM-A2"] == Decimal("100.00")
    assert result["CAM-B1"] is None  # not registered yet on 11 November
    assert percents(now=at(26))["CAM-B1"] == Decimal("100.00")


def test_a_month_is_read_as_yyyy_mm_and_refused_otherwise(world):
    now = datetime.datetime(2026, 12, 2, 12, tzinfo=LOCAL)
    assert month_parse("2026-11", now=now) == NOV
    assert month_parse("", now=now) == datetime.date(2026, 12, 1)
    for bad in ("2026-13", "11/2026", "2027-01", "x" * 50):
        with pytest.raises(ValidationFailed):
            month_parse(bad, now=now)
