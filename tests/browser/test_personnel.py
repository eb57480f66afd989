"""The personnel department's pages: the force's figures and a Resolution 40 round's eligibility, at a laptop's
width and a phone's."""

import pytest

from tests.browser.conftest import SCREENSHOTS, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_force_figures_and_round_eligibility(page, demo, shot):
    sign_in(page, "tochuc")
    page.click("nav >> text=Công tác cán bộ")
    page.wait_for_url(page.base_url + "/personnel/")
    headcount = int(page.locator(".tile__figure").first.inner_text().replace(".", "").replace(",", ""))
    assert 2000 < headcount < 2300
    page.set_viewport_size({"width": 1366, "height": 900})
    shot(page, "personnel-figures-1366-vi")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "personnel-figures-390-vi")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.click(".personnel-nav >> text=Điều động")
    page.click("text=Điều động Công an xã lên tỉnh")
    page.wait_for_selector("ul.criteria")
    body = page.locator("main").inner_text()
    assert "Đủ tiêu chuẩn" in body and "Chưa đủ tiêu chuẩn" in body
    assert "Số năm công tác ở cấp hiện tại" in body
    # The round lists a hundred officers a page: its screenshots show the first screen, not the whole page.
    page.screenshot(path=str(SCREENSHOTS / "personnel-round-1366-vi.png"), timeout=60_000)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "personnel-round-390-vi.png"), timeout=60_000)
