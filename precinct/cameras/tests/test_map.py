"""The cameras' map: who sees which cameras, and the colour each point gets (an open alert first, then an
offline recorder, then the camera's own status)."""

import json
import re

from django.utils import timezone

from precinct.cameras.mapping import camera_map_points
from precinct.cameras.models import Alert, Recorder
from precinct.cameras.services import alert_dismiss, camera_set_status
from precinct.cameras.tests.conftest import feed, frigate
from precinct.testing import Expect, assert_matrix

A, B = "CAM-A1", "CAM-B1"
ONLY_A = Expect(200, shows=(A, "CAM-A2"), hides=(B,))
ONLY_B = Expect(200, shows=(B,), hides=(A,))
BOTH = Expect(200, shows=(A, B))


def test_the_map_as_every_actor(world, cams):
    assert_matrix(
        world,
        lambda c: c.get("/cameras/map/"),
        {
            "anonymous": 302,
            "citizen": 403,
            "officer_a": ONLY_A,
            "duty_a": ONLY_A,
            "leader_a": ONLY_A,
            "officer_b": ONLY_B,
            "officer_dept": Expect(200, hides=(A, B)),
            "leader_p": BOTH,
            "admin_p": BOTH,
            "superuser": BOTH,
        },
    )


def _points(page: str) -> list[dict]:
    found = re.search(r'<script id="camera-points" type="application/json">(.*?)</script>', page, re.S)
    assert found
    return json.loads(found.group(1))


def test_the_page_carries_the_points_and_the_base_layer_setting(world, cams, settings):
    page = world.client("duty_a").get("/cameras/map/").content.decode()
    points = _points(page)
    assert [p["code"] for p in points] == ["CAM-A1", "CAM-A2"]
    assert points[0]["lat"] == 20.875 and points[0]["owner"] == "Household CAM-A1"
    assert "vendor/leaflet/leaflet.js" in page and "camera-map--plain" in page
    assert '"alertsUrl": "/cameras/console/"' in page
    # An administrator sees the registry but works no console: no link to open alerts.
    assert '"alertsUrl": ""' in world.client("admin_p").get("/cameras/map/").content.decode()
    settings.CAMERAS_MAP_TILE_URL = "https://tiles.example.vn/{z}/{x}/{y}.png"
    page = world.client("duty_a").get("/cameras/map/").content.decode()
    assert "camera-map--plain" not in page and "tiles.example.vn" in page


def test_each_point_is_coloured_by_what_matters_most(world, cams):
    duty = world.users["duty_a"]
    state = lambda: {p.code: p.state for p in camera_map_points(actor=duty)}  # noqa: E731
    assert state() == {"CAM-A1": "active", "CAM-A2": "active"}
    feed("rec-a", frigate("new", "map-1"))  # a night person on cage_1 = CAM-A1
    assert state() == {"CAM-A1": "alert", "CAM-A2": "active"}
    assert {p.code: p.open_alerts for p in camera_map_points(actor=duty)} == {"CAM-A1": 1, "CAM-A2": 0}
    Recorder.objects.filter(pk=cams.rec_a.pk).update(reported_offline_at=timezone.now(), offline_alerted=True)
    assert state() == {"CAM-A1": "alert", "CAM-A2": "offline"}
    alert_dismiss(actor=duty, alert=Alert.objects.get(), note="a fisherman")
    assert state() == {"CAM-A1": "offline", "CAM-A2": "offline"}
    camera_set_status(actor=None, camera=cams.a2, status="suspended")
    assert state()["CAM-A2"] == "suspended"
    assert camera_map_points(actor=world.users["officer_b"])[0].code == "CAM-B1"


# A local PMTiles base layer: the file goes to the map's readers only, in the byte ranges the browser asks for.


def test_a_pmtiles_base_layer_is_served_in_ranges_to_the_maps_readers_only(world, cams, settings, tmp_path):
    from precinct.cameras.tests.pmtiles_file import write_pmtiles

    assert world.client("duty_a").get("/cameras/map/base.pmtiles").status_code == 404  # none configured
    path = write_pmtiles(tmp_path / "base.pmtiles", lat=20.875, lon=106.75, max_zoom=3)
    settings.CAMERAS_MAP_PMTILES = str(path)
    settings.CAMERAS_MAP_TILE_URL = "https://tiles.example.vn/{z}/{x}/{y}.png"  # the local file wins
    page = world.client("duty_a").get("/cameras/map/").content.decode()
    assert "vendor/pmtiles/pmtiles.js" in page and '"pmtiles": "/cameras/map/base.pmtiles"' in page
    assert "camera-map--plain" not in page and "tiles.example.vn" not in page

    data = path.read_bytes()
    assert_matrix(
        world,
        lambda c: c.get("/cameras/map/base.pmtiles", headers={"Range": "bytes=0-126"}),
        {
            "anonymous": 302,
            "citizen": 403,
            "officer_a": 206,
            "duty_a": 206,
            "leader_a": 206,
            "officer_b": 206,
            "officer_dept": 206,  # the map's readers (the page shows them no camera; the base layer is no secret)
            "leader_p": 206,
            "admin_p": 206,
            "superuser": 206,
        },
    )
    client = world.client("officer_a")
    header = client.get("/cameras/map/base.pmtiles", headers={"Range": "bytes=0-126"})
    assert header.content == data[:127] and header.content.startswith(b"PMTiles\x03")
    assert header["Content-Range"] == f"bytes 0-126/{len(data)}"
    tail = client.get("/cameras/map/base.pmtiles", headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == data[-10:]
    beyond = client.get("/cameras/map/base.pmtiles", headers={"Range": f"bytes=100-{len(data) + 50}"})
    assert beyond.content == data[100:]
    for bad in (f"bytes={len(data)}-", "bytes=9-3", "bytes=-", "items=0-1"):
        refused = client.get("/cameras/map/base.pmtiles", headers={"Range": bad})
        assert refused.status_code == 416 and refused["Content-Range"] == f"bytes */{len(data)}"
    whole = client.get("/cameras/map/base.pmtiles")
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == data
