"""Camera uptime in the browser: from the registry to the month's uptime, a camera down for a while below
100 %, as cards on a phone (390 px) and a table at a desk (1366 px)."""

import datetime

import pytest
from django.utils import timezone

from precinct.cameras.ingest import Received, inbox_process, inbox_store
from precinct.organisation.demo import demo_communes
from precinct.organisation.selectors import province_root
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_uptime_page_from_the_registry(page, demo, shot):
    from precinct.accounts.demo import _slug

    ha_an = demo_communes(province_root())[0]
    down = timezone.now() - datetime.timedelta(minutes=30)
    inbox_store([Received(topic="haan-1/be_05/status/detect", body=b"offline", received_at=down)])
    inbox_process()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, f"truc.{_slug(ha_an)}")
    page.goto(page.base_url + "/cameras/")
    page.get_by_role("link", name="Thời gian hoạt động theo tháng").click()
    assert page.locator("h1").inner_text().startswith("Thời gian hoạt động của camera")
    row = page.locator("tr", has_text="HA-005")
    assert "%" in row.inner_text() and "100,00 %" not in row.inner_text()  # down since before it was registered
    shot(page, "cameras-uptime-1366-vi")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "cameras-uptime-390-vi")
