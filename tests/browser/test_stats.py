"""Leaders' dashboards in the browser: the province leader drills from a figure to its dossiers; a ward
leader's dashboard shows the ward only; the public page needs no account."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_province_and_ward_dashboards(page, browser, live_server, demo, shot):
    sign_in(page, "lanhdao.tinh")
    page.click("nav >> text=Thống kê")
    page.wait_for_url(page.base_url + "/stats/")
    assert page.locator("h1").inner_text() == "Công an thành phố Quảng Ninh"
    assert page.locator("svg.chart rect").count() > 10  # the monthly chart, drawn on the server
    received = page.locator(".kpi >> nth=0 >> .tile__figure").inner_text()
    assert received != "—" and int(received.replace(".", "")) > 0
    shot(page, "stats-province-vi")

    page.locator(".kpi >> nth=0").click()
    page.wait_for_url("**/stats/dossiers/**")
    assert page.locator("h1").inner_text() == "Đã tiếp nhận"
    assert page.locator("p.eyebrow >> nth=1").inner_text().startswith(received)  # "N hồ sơ", the same N
    shot(page, "stats-drilldown-vi")

    with page.expect_download() as download:
        page.goto(page.base_url + "/stats/")
        page.click("text=Xuất Excel")
    assert download.value.suggested_filename.endswith(".xlsx")

    ward = browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN").new_page()
    ward.base_url = live_server.url  # type: ignore[attr-defined]
    sign_in(ward, "lanhdao.haan")
    ward.goto(live_server.url + "/stats/")
    assert ward.locator("h1").inner_text() == "Công an phường Hà An"
    assert "Công an phường Hạ Long" not in ward.content()
    shot(ward, "stats-ward-vi")


def test_public_statistics(page, demo, shot):
    page.goto(page.base_url + "/stats/public/")
    assert page.locator("h1").inner_text() == "Công an thành phố Quảng Ninh"
    assert page.locator("svg.chart").count() == 1
    shot(page, "stats-public-vi")
