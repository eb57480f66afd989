"""The uptime page and API as every actor (scoped like the registry), and a bad month refused in Vietnamese."""

from precinct.cameras.tests.conftest import feed
from precinct.testing import Expect, assert_matrix

A, B = "CAM-A1", "CAM-B1"
ONLY_A = Expect(200, shows=(A,), hides=(B,))
ONLY_B = Expect(200, shows=(B,), hides=(A,))
NEITHER = Expect(200, hides=(A, B))
BOTH = Expect(200, shows=(A, B))
MATRIX = {
    "citizen": 403,
    "officer_a": ONLY_A,
    "duty_a": ONLY_A,
    "leader_a": ONLY_A,
    "officer_b": ONLY_B,
    "officer_dept": NEITHER,
    "leader_p": BOTH,
    "admin_p": BOTH,
    "superuser": BOTH,
}


def test_uptime_page(world, cams):
    assert_matrix(world, lambda c: c.get("/cameras/uptime/"), {"anonymous": 302, **MATRIX})


def test_uptime_api(world, cams):
    assert_matrix(world, lambda c: c.get("/api/v1/cameras/uptime"), {"anonymous": 401, **MATRIX}, api=True)


def test_the_registry_links_to_the_uptime_page(world, cams):
    assert 'href="/cameras/uptime/"' in world.client("officer_a").get("/cameras/").content.decode()


def test_a_camera_down_now_shows_below_100_percent(world, cams):
    feed("rec-a", b"offline", topic="cage_1/status/detect")
    rows = world.api_client("officer_a").get("/api/v1/cameras/uptime").json()
    assert {row["camera_code"]: row["outages"] for row in rows} == {"CAM-A1": 1, "CAM-A2": 0}
    assert all(row["percent"] is None or float(row["percent"]) <= 100 for row in rows)


def test_a_bad_month_is_refused_in_vietnamese_first_and_english(world, cams):
    api = world.api_client("officer_a")
    answer = api.get("/api/v1/cameras/uptime", {"month": "2026-13"}, headers={"Accept-Language": "vi"})
    assert answer.status_code == 422
    assert answer.json()["error"]["fields"]["month"] == ["Nhập tháng theo dạng NNNN-TT (YYYY-MM)."]
    answer = api.get("/api/v1/cameras/uptime", {"month": "2999-01"}, headers={"Accept-Language": "en"})
    assert answer.json()["error"]["fields"]["month"] == ["This month has not begun: it has no uptime yet."]
    page = world.client("officer_a").get("/cameras/uptime/", {"month": "bad"}, follow=True)
    assert page.status_code == 200 and "Nhập tháng theo dạng" in page.content.decode()


def test_the_uptime_api_is_in_the_openapi(world):
    paths = world.api_client("officer_a").get("/api/v1/openapi.json").json()["paths"]
    assert "month" in str(paths["/api/v1/cameras/uptime"]["get"]["parameters"])
