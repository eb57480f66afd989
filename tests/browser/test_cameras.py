"""The duty console in the browser: Hà An's duty officer sees the demo's night alerts, a new one appears by
itself (no reload), acknowledges it; the duty officer of another ward sees none of them. Screenshots at a
desk screen's width (1366 px) and a phone's (390 px)."""

import pytest
from django.utils import timezone

from precinct.cameras.ingest import Received, inbox_process, inbox_store
from precinct.cameras.models import Alert
from precinct.cameras.tests.conftest import frigate
from precinct.core.serial import serial
from precinct.organisation.demo import demo_communes
from precinct.organisation.selectors import province_root
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _slug(unit) -> str:
    from precinct.accounts.demo import _slug as slug

    return slug(unit)


def test_duty_console_live(page, demo, shot):
    ha_an, other = demo_communes(province_root())[:2]
    assert Alert.objects.filter(unit=ha_an).count() == 3
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, f"truc.{_slug(ha_an)}")
    page.click("nav >> text=Camera")
    # Wait for the whole page: the list comes after an in-body stylesheet, which can hold the parser back.
    page.wait_for_url(page.base_url + "/cameras/console/")
    assert page.locator("h1").inner_text() == "Bảng trực ban"
    assert page.locator(".alert-card").count() == 3

    # A recorder reports a person on cage HA-005 at night: the card appears without a reload.
    body = frigate("new", "live-1", camera="be_05", score=0.88)
    with serial():  # the live server's requests share this in-memory database's one connection
        inbox_store([Received(topic="haan-1/events", body=body, received_at=timezone.now())])
        inbox_process()
    page.wait_for_selector(".alert-card >> text=HA-005", timeout=15_000)
    assert page.locator(".alert-card").count() == 4
    shot(page, "cameras-console-1366-vi")

    card = page.locator(".alert-card", has_text="HA-005")
    card.get_by_role("button", name="Tiếp nhận").click()
    assert "Đã cập nhật cảnh báo" in page.locator(".flash").inner_text()
    assert page.locator(".alert-card", has_text="HA-005").locator(".badge").inner_text() == "Đã tiếp nhận"

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    shot(page, "cameras-console-390-vi")

    page.context.clear_cookies()
    sign_in(page, f"truc.{_slug(other)}")
    page.goto(page.base_url + "/cameras/console/")
    assert page.locator(".alert-card").count() == 0
    assert page.locator("text=HA-0").count() == 0
    page.goto("about:blank")  # stop the console's polling before the live server stops
