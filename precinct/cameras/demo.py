"""Demo cameras: the seeds' 25 household cameras over the oyster and mussel cages of Hà An ward (formerly
Hoàng Tân commune), on two recorders, with consents, a night rule and a few events and alerts, all through
the app's own services and the inbox (as a recorder's messages would arrive)."""

import datetime
import json
import random
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from precinct.accounts.models import User
from precinct.cameras.evidence import snapshot_store, snapshot_url
from precinct.cameras.ingest import Received, inbox_process, inbox_store
from precinct.cameras.models import Alert, Camera, ConsentScope
from precinct.cameras.services import alert_rule_create, camera_register, consent_record, recorder_register
from precinct.core.demo import DemoAccount
from precinct.organisation.demo import demo_communes
from precinct.organisation.selectors import province_root_or_none

HOUSEHOLDS = [
    "Nguyễn Văn Minh", "Phạm Văn Hải", "Vũ Thị Lan", "Đỗ Văn Long", "Bùi Văn Sơn", "Ngô Thị Mai", "Lê Văn Nam",
    "Trần Văn Dũng", "Hoàng Thị Hương", "Đặng Văn Tuấn", "Dương Văn Phong", "Lý Thị Yến", "Phạm Thị Thảo",
    "Nguyễn Đức Trung", "Vũ Văn Quân", "Đỗ Thị Hà", "Bùi Đức Việt", "Lê Thị Phương", "Trần Hữu Cường",
    "Ngô Văn Bình", "Hoàng Văn Khánh", "Đặng Thị An", "Nguyễn Thanh Tú", "Phạm Quang Hải", "Vũ Xuân Nam",
]  # fmt: skip
# The cages lie in the Bạch Đằng estuary off Hà An (Quảng Yên): an offshore strip, five zones.
ORIGIN = (Decimal("20.8700"), Decimal("106.8450"))


def seed(*, stdout: Any) -> list[DemoAccount]:
    if Camera.objects.exists():
        return []
    root = province_root_or_none()
    communes = demo_communes(root) if root else []
    if not communes:
        return []
    ward = communes[0]  # Hà An when the province is Quảng Ninh
    recorders = [
        recorder_register(
            actor=None,
            unit=ward,
            name=f"Frigate – bè khu {n}",
            owner_name=HOUSEHOLDS[(n - 1) * 13],
            mqtt_prefix=f"haan-{n}",
            http_base_url=f"http://frigate-be-khu-{n}.local:5000",  # where Frigate serves snapshots and clips
        )
        for n in (1, 2)
    ]
    citizen = User.objects.filter(username="022090012345").first()  # the demo citizen owns the first camera
    rng = random.Random(15)
    today = timezone.localdate()
    for i, household in enumerate(HOUSEHOLDS):
        zone = i // 5 + 1
        camera = camera_register(
            actor=None,
            unit=ward,
            code=f"HA-{i + 1:03d}",
            name=f"Bè {'hàu' if i % 3 else 'vẹm'} hộ {household.split()[-1]}",
            owner=citizen if i == 0 else None,
            owner_name=household,
            owner_phone=f"09{rng.randrange(10**7, 10**8)}",
            latitude=ORIGIN[0] + Decimal(zone) * Decimal("0.004") + Decimal(rng.randrange(0, 30)) / 10000,
            longitude=ORIGIN[1] + Decimal(i % 5) * Decimal("0.005") + Decimal(rng.randrange(0, 30)) / 10000,
            zone=f"Bè hàu, khu {zone}",
            recorder=recorders[0 if i < 13 else 1],
            source_name=f"be_{i + 1:02d}",
        )
        consent_record(
            actor=None,
            camera=camera,
            signed_on=today - datetime.timedelta(days=60 - i),
            scope=ConsentScope.EVENTS_LIVE if i % 4 == 0 else ConsentScope.EVENTS,
            retention_days=30,
        )
    alert_rule_create(
        actor=None,
        unit=ward,
        name="Người, thuyền ban đêm",
        labels=["person", "boat"],
        min_score=Decimal("0.7"),
        start_hour=20,
        end_hour=5,
    )
    # A few night detections arrive as recorders publish them (new → end), plus one daytime one (no alert).
    night = timezone.localtime().replace(hour=23, minute=10, second=0, microsecond=0) - datetime.timedelta(days=1)
    messages = []
    for n, (cam, label, score, at) in enumerate(
        [
            (3, "person", 0.86, night),
            (7, "boat", 0.91, night + datetime.timedelta(hours=2)),
            (18, "person", 0.79, night + datetime.timedelta(hours=4)),
            (11, "boat", 0.95, night + datetime.timedelta(hours=12)),
        ]
    ):
        recorder = recorders[0 if cam <= 13 else 1]
        for kind in ("new", "end"):
            after = {
                "id": f"{at.timestamp():.6f}-demo{n}", "camera": f"be_{cam:02d}", "label": label, "score": score,
                "top_score": score, "start_time": at.timestamp(),
                "end_time": at.timestamp() + 40 if kind == "end" else None,
                "entered_zones": [f"khu_{(cam - 1) // 5 + 1}"], "has_snapshot": True, "has_clip": kind == "end",
            }  # fmt: skip
            body = json.dumps({"type": kind, "before": after, "after": after}).encode()
            messages.append(Received(topic=f"{recorder.mqtt_prefix}/events", body=body, received_at=timezone.now()))
    inbox_store(messages)
    inbox_process()
    _demo_snapshots()
    how = (
        f"cameras_listen is set to {settings.MQTT_URL}"
        if settings.MQTT_URL
        else "no MQTT_URL: set MQTT_URL=mqtt://127.0.0.1:1883 and run `manage.py cameras_listen`, or use the webhook"
    )
    stdout.write(
        f"Cameras: 25 household cameras at {ward.name} on 2 recorders (topics haan-1/…, haan-2/…); duty console at "
        f"/cameras/console/; `manage.py cameras_work --loop` processes what arrives ({how})."
    )
    return []


def _night_jpeg(text: str, seed: int) -> bytes:
    """A generated night-vision-like still (the demo has no recorder to fetch one from)."""
    import io

    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    image = Image.new("L", (640, 360), 28)
    draw = ImageDraw.Draw(image)
    for row in range(200, 360, 6):  # the water
        draw.line((0, row + rng.randrange(-2, 3), 640, row + rng.randrange(-2, 3)), fill=40 + rng.randrange(0, 25))
    for x in range(20, 640, 90):  # the cages' floats
        draw.rectangle((x, 230, x + 60, 250), outline=120, width=2)
    draw.rectangle((300, 170, 420, 230), fill=70)  # a boat
    draw.ellipse((345, 120, 370, 145), fill=110)  # someone on it
    draw.rectangle((340, 145, 375, 200), fill=100)
    draw.rectangle((325, 110, 395, 205), outline=235, width=3)  # Frigate's box
    draw.text((12, 10), text, fill=235)
    rgb = Image.merge("RGB", (image, image.point(lambda v: min(255, v + 18)), image)).filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=78)
    return out.getvalue()


def _demo_snapshots() -> None:
    """The demo's detection alerts get their snapshot (a generated JPEG: there is no recorder to fetch from),
    stored as a fetch would store it, so the console shows one."""
    for n, alert in enumerate(
        Alert.objects.filter(event__isnull=False).select_related("event", "camera__recorder", "unit")
    ):
        if alert.event is None:
            continue
        when = timezone.localtime(alert.event.started_at).isoformat(sep=" ", timespec="seconds")[:19]  # the OSD
        body = _night_jpeg(f"{alert.camera.source_name if alert.camera else ''}  {when}", seed=n)
        url = snapshot_url(alert) or f"demo://{alert.pk}/snapshot.jpg"
        snapshot_store(alert=alert, body=body, content_type="image/jpeg", source_url=url)
