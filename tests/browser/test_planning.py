"""The plan overview a province leader reads: Plan 56's tasks by derived status and its indicators, at a
laptop's width and a phone's."""

import re

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_plan_overview(page, demo, shot):
    sign_in(page, "lanhdao.tinh")
    page.click("nav >> text=Kế hoạch")
    page.wait_for_url(page.base_url + "/planning/")
    page.click("text=56/KH-UBND")
    page.wait_for_url(re.compile(re.escape(page.base_url) + r"/planning/\d+/$"))
    summary = page.locator(".plan-summary").inner_text()
    assert summary.startswith("Trong 64 nhiệm vụ, 14 đã hoàn thành, 21 đang triển khai đúng tiến độ, 19 được duy trì")
    assert page.locator(".plan-tile").count() == 6
    page.set_viewport_size({"width": 1366, "height": 900})
    shot(page, "planning-overview-1366-vi")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "planning-overview-390-vi")
