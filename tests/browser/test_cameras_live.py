"""The live duty console and the cameras' map in a real Chromium against the live server.

Console: Hà An's duty officer has the console open; a recorder's event matching the night rule goes through the
inbox and the worker, and its card appears without a reload (the page's own marker survives), with the tone
once sound is on; the duty officer of another ward, console open at the same time, is told nothing.
Map: the markers of one's own reach only, at a desk's width (1366 px) and a phone's (390 px)."""

import time

import pytest
from django.utils import timezone

from precinct.cameras.evidence import snapshot_fetch
from precinct.cameras.ingest import Received, inbox_process, inbox_store
from precinct.cameras.models import OPEN_ALERT_STATES, Alert, Camera, Recorder, Snapshot, SnapshotState
from precinct.cameras.tests.conftest import frigate
from precinct.cameras.tests.test_reviews import review
from precinct.core.serial import serial
from precinct.organisation.demo import demo_communes
from precinct.organisation.selectors import province_root
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _slug(unit) -> str:
    from precinct.accounts.demo import _slug as slug

    return slug(unit)


@pytest.fixture
def short_streams(settings):
    # Streams end soon after the pages go away, so that the live server's threads do too.
    settings.CAMERAS_STREAM_SECONDS = 8
    settings.CAMERAS_STREAM_HEARTBEAT_SECONDS = 0.5
    yield settings


def _close(pages) -> None:
    """Close the consoles, then give their streams a heartbeat to notice (a write to a closed socket ends a
    stream) before the database is torn down under them."""
    for page in pages:
        page.goto("about:blank")
        page.context.close()
    time.sleep(1.5)


@pytest.fixture
def http_recorder():
    from precinct.cameras.tests import recorder_http

    server = recorder_http.start()
    yield server
    server.stop()


def test_an_alert_appears_live_in_its_ward_only(browser, live_server, demo, short_streams, http_recorder, shot):
    """Issue 15's acceptance: a Frigate events + reviews sequence (new → update → end) for a person at night on a
    Hà An camera makes one alert with its snapshot on Hà An's open console, live; another ward sees nothing."""
    ha_an, other = demo_communes(province_root())[:2]
    open_before = Alert.objects.filter(unit=ha_an, status__in=OPEN_ALERT_STATES).count()
    pages: list = []
    try:
        _console_in_its_ward_only(browser, live_server, ha_an, other, open_before, pages, http_recorder, shot)
    finally:
        _close(pages)


def _console_in_its_ward_only(browser, live_server, ha_an, other, open_before, pages, http_recorder, shot) -> None:
    for unit in (ha_an, other):
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base_url = live_server.url
        sign_in(page, f"truc.{_slug(unit)}")
        page.goto(live_server.url + "/cameras/console/")
        page.wait_for_selector("#console-live[data-live=live]")
        page.evaluate("window.__sameDocument = true")
        pages.append(page)
    ha_an_page, other_page = pages
    assert ha_an_page.locator(".live-state").inner_text() == "Trực tiếp: cảnh báo mới tự hiện lên."
    assert other_page.locator(".alert-card").count() == 0
    ha_an_page.get_by_role("button", name="Bật âm thanh").click()
    assert ha_an_page.get_by_role("button", name="Tắt âm thanh").get_attribute("aria-pressed") == "true"

    # The recorder serves its snapshots over HTTP (a real server; Frigate's /api/events/<id>/snapshot.jpg).
    recorder = Recorder.objects.get(mqtt_prefix="haan-1")
    recorder.http_base_url = http_recorder.url
    recorder.save(update_fields=["http_base_url"])
    body = frigate("new", "live-sse-1", camera="be_05", score=0.91)
    with serial():  # the live server's requests share this in-memory database's one connection
        inbox_store([Received(topic="haan-1/events", body=body, received_at=timezone.now())])
        assert inbox_process()["done"] == 1
    assert Alert.objects.filter(unit=ha_an, status__in=OPEN_ALERT_STATES).count() == open_before + 1

    assert ha_an_page.locator(".alert-card >> text=HA-005").count() == 0
    ha_an_page.wait_for_selector(".alert-card >> text=HA-005")
    assert ha_an_page.evaluate("window.__sameDocument") is True  # no reload: the same document
    assert ha_an_page.locator(".alert-card").count() == open_before + 1
    ha_an_page.wait_for_selector("#console-live[data-beeps='1']")  # the tone for the new alert

    # Frigate goes on (update, end) and groups the situation in a review (new, end): still one alert.
    later = [("events", frigate(kind, "live-sse-1", camera="be_05", score=0.93)) for kind in ("update", "end")]
    later += [("reviews", review(kind, "live-review-1", "live-sse-1", camera="be_05")) for kind in ("new", "end")]
    now = timezone.now()
    with serial():
        inbox_store([Received(topic=f"haan-1/{topic}", body=body, received_at=now) for topic, body in later])
        assert inbox_process()["done"] == 4
    alerts = Alert.objects.filter(unit=ha_an, camera__source_name="be_05", status__in=OPEN_ALERT_STATES)
    assert alerts.count() == 1

    # Its snapshot is fetched from the recorder and shows on the open console, still without a reload.
    snapshot = Snapshot.objects.get(alert=alerts.get())
    with serial():
        assert snapshot_fetch(snapshot_id=snapshot.pk) == SnapshotState.STORED
    thumb = f".alert-card img.alert-card__thumb[src*='/cameras/alerts/{snapshot.alert_id}/snapshot/']"
    ha_an_page.wait_for_selector(thumb)
    ha_an_page.wait_for_function(f'document.querySelector("{thumb}").naturalWidth > 0')
    assert ha_an_page.evaluate("window.__sameDocument") is True
    assert ha_an_page.locator(".alert-card").count() == open_before + 1
    shot(ha_an_page, "cameras-console-live-1366-vi")

    # The other ward's console, open all along, was told nothing and shows nothing.
    other_page.wait_for_timeout(1000)
    assert other_page.evaluate("window.__sameDocument") is True
    assert other_page.locator(".alert-card").count() == 0
    assert other_page.locator("text=HA-0").count() == 0


def test_the_map_shows_ones_own_cameras(page, demo, shot):
    ha_an, other = demo_communes(province_root())[:2]
    mine = set(Camera.objects.filter(unit=ha_an).values_list("code", flat=True))
    assert len(mine) == 25
    sign_in(page, f"truc.{_slug(ha_an)}")
    page.goto(page.base_url + "/cameras/")  # the registry links to the map (as the console does)
    page.get_by_role("link", name="Bản đồ").click()
    assert page.locator("h1").inner_text() == "Bản đồ camera"
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.reload()
        page.wait_for_selector("#camera-map[data-ready='25']")
        shown = set(page.eval_on_selector_all("path.camera-marker", "els => els.map(e => e.dataset.camera)"))
        assert shown == mine
        # The demo's night alerts colour their cameras red; the others are active.
        open_alerts = Alert.objects.filter(unit=ha_an, camera__isnull=False, status__in=OPEN_ALERT_STATES)
        alerted = set(open_alerts.values_list("camera__code", flat=True))
        states = dict(
            page.eval_on_selector_all("path.camera-marker", "els => els.map(e => [e.dataset.camera, e.dataset.state])")
        )
        assert {code for code, state in states.items() if state == "alert"} == alerted != set()
        shot(page, f"cameras-map-{width}-vi")
    page.locator(f"path.camera-marker[data-camera='{sorted(alerted)[0]}']").click()
    popup = page.locator(".leaflet-popup-content")
    assert sorted(alerted)[0] in popup.inner_text() and "Bè hàu" in popup.inner_text()
    assert popup.get_by_role("link").get_attribute("href") == "/cameras/console/"

    page.context.clear_cookies()
    sign_in(page, f"truc.{_slug(other)}")
    page.goto(page.base_url + "/cameras/map/")
    page.wait_for_selector("#camera-map[data-ready='0']")
    assert page.locator("path.camera-marker").count() == 0
    assert page.locator("text=HA-0").count() == 0


def test_the_map_and_the_console_fit_a_phone_and_pass_axe(browser, live_server, demo, short_streams):
    """As the site-wide layout walk checks every page (360 px, axe serious/critical), for these two here too,
    with Leaflet's controls and the live bar drawn."""
    from tests.browser.test_layout import AXE, AXE_JS, PHONE

    ha_an = demo_communes(province_root())[0]
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    try:
        sign_in(page, f"truc.{_slug(ha_an)}")
        for path, ready in (("/cameras/map/", "#camera-map[data-ready='25']"), ("/cameras/console/", "[data-live]")):
            page.goto(live_server.url + path)
            page.wait_for_selector(ready)
            assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], path
            assert page.evaluate(AXE_JS) == [], path
    finally:
        _close([page])


def test_a_local_pmtiles_file_is_the_maps_base_layer(page, demo, settings, tmp_path, shot):
    """No network beyond the site: the PMTiles reader (npm) fetches byte ranges of the configured file through
    the site, and Leaflet shows its tiles under the cameras."""
    from precinct.cameras.tests.pmtiles_file import write_pmtiles

    ha_an = demo_communes(province_root())[0]
    first = Camera.objects.filter(unit=ha_an).order_by("code").first()
    assert first is not None
    settings.CAMERAS_MAP_PMTILES = str(
        write_pmtiles(tmp_path / "base.pmtiles", lat=float(first.latitude), lon=float(first.longitude))
    )
    sign_in(page, f"truc.{_slug(ha_an)}")
    page.set_viewport_size({"width": 1366, "height": 900})
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(page.base_url) else None)
    page.goto(page.base_url + "/cameras/map/")
    page.wait_for_selector("#camera-map[data-ready='25']")
    page.wait_for_selector("img.leaflet-tile-loaded", state="attached", timeout=15_000)
    assert page.locator("img.leaflet-tile-loaded").count() > 0
    assert page.locator("#camera-map.camera-map--plain").count() == 0
    assert [u for u in outside if not u.startswith(("blob:", "data:"))] == []
    shot(page, "cameras-map-pmtiles-1366-vi")
