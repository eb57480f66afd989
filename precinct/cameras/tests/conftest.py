"""The cameras' test data, made through the app's services on the test world: a recorder and two cameras in
ward A (one owned by the world's citizen), one recorder and camera in ward B, consents, and a night rule."""

import datetime
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from precinct.cameras.ingest import Received, inbox_process, inbox_store
from precinct.cameras.models import Alert, Camera, Recorder
from precinct.cameras.services import alert_rule_create, camera_register, consent_record, recorder_register

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
NIGHT = datetime.datetime(2026, 11, 20, 23, 30, tzinfo=LOCAL)
DAY = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=LOCAL)


@dataclass
class Cams:
    rec_a: Recorder
    rec_b: Recorder
    a1: Camera  # owned by the citizen, in zone "oyster cages, zone 1"
    a2: Camera
    b1: Camera


def _camera(unit, recorder, code, source, owner=None) -> Camera:
    camera = camera_register(
        actor=None,
        unit=unit,
        code=code,
        name=f"Camera {code}",
        owner=owner,
        owner_name="Household " + code,
        owner_phone="0911000000",
        latitude=Decimal("20.875"),
        longitude=Decimal("106.850"),
        zone="oyster cages, zone 1",
        recorder=recorder,
        source_name=source,
    )
    consent_record(actor=None, camera=camera, signed_on=datetime.date(2026, 10, 1), retention_days=30)
    return camera


@pytest.fixture
def cams(world) -> Cams:
    rec_a = recorder_register(
        actor=None, unit=world.ward_a, name="Recorder A", owner_name="Household A", mqtt_prefix="rec-a"
    )
    rec_b = recorder_register(
        actor=None, unit=world.ward_b, name="Recorder B", owner_name="Household B", mqtt_prefix="rec-b"
    )
    a1 = _camera(world.ward_a, rec_a, "CAM-A1", "cage_1", owner=world.users["citizen"])
    a2 = _camera(world.ward_a, rec_a, "CAM-A2", "cage_2")
    b1 = _camera(world.ward_b, rec_b, "CAM-B1", "cage_1")
    for unit in (world.ward_a, world.ward_b):
        alert_rule_create(
            actor=None,
            unit=unit,
            name="night",
            labels=["person", "boat"],
            min_score=Decimal("0.7"),
            start_hour=20,
            end_hour=5,
        )
    return Cams(rec_a, rec_b, a1, a2, b1)


def frigate(
    kind: str, event_id: str, *, camera: str = "cage_1", label: str = "person", score: float = 0.8, at=NIGHT
) -> bytes:
    """A Frigate `events` message as Frigate publishes it (the fields Precinct reads, and some it ignores)."""
    after = {
        "id": event_id,
        "camera": camera,
        "frame_time": at.timestamp(),
        "label": label,
        "sub_label": None,
        "score": score,
        "top_score": score,
        "false_positive": False,
        "start_time": at.timestamp(),
        "end_time": at.timestamp() + 30 if kind == "end" else None,
        "current_zones": ["cages"],
        "entered_zones": ["cages"],
        "has_snapshot": True,
        "has_clip": kind != "new",
        "stationary": False,
    }
    return json.dumps({"type": kind, "before": after, "after": after}).encode()


def feed(prefix: str, *bodies: bytes, topic: str = "events") -> dict[str, int]:
    """Store messages as the listener would, then run the worker once."""
    inbox_store([Received(topic=f"{prefix}/{topic}", body=body, received_at=timezone.now()) for body in bodies])
    return inbox_process()


def alert_for(world, cams: Cams):
    """A fresh detection alert in ward A (a new Frigate event each call)."""
    feed("rec-a", frigate("new", f"fresh-{uuid.uuid4()}", camera="cage_2"))
    return Alert.objects.order_by("-id").first()


@pytest.fixture
def recorder_http(cams):
    """A real HTTP recorder serving snapshots, set as recorder A's base URL."""
    from precinct.cameras.tests import recorder_http as server

    fake = server.start()
    Recorder.objects.filter(pk=cams.rec_a.pk).update(http_base_url=fake.url)
    yield fake
    fake.stop()
