"""The incident register in the browser: a ward officer's list and an incident referred from a crime report,
the duty officer's log, and a leader's crime statistics, at a desk (1366 px) and on a phone (390 px)."""

import re

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desk": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def _page(browser, live_server, size):
    page = browser.new_context(viewport=WIDTHS[size], locale="vi-VN").new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url  # type: ignore[attr-defined]
    return page


@pytest.mark.parametrize("size", ["desk", "phone"])
def test_register_duty_log_and_statistics(browser, live_server, demo, shot, size):
    officer = _page(browser, live_server, size)
    sign_in(officer, "canbo.haan")
    officer.goto(officer.base_url + "/incidents/")
    rows = officer.get_by_test_id("incident-list").locator("tbody tr")
    assert rows.count() > 20
    assert "Công an phường Hạ Long" not in officer.content()  # another ward's incidents are not listed
    shot(officer, f"incidents-list-{size}-vi")

    # The incident the demo referred from a crime report says so, and links back to the report.
    officer.locator("a.mono", has=officer.locator("xpath=..//span[contains(@class,'badge')]")).first.click()
    officer.wait_for_url(re.compile(r".*/incidents/\d+/$"))
    assert "Từ tin báo" in officer.get_by_test_id("from-report").inner_text()
    assert "cho vay nặng lãi" in officer.get_by_test_id("from-report").inner_text()  # what the officer copied
    shot(officer, f"incident-detail-{size}-vi")
    officer.context.close()

    duty = _page(browser, live_server, size)
    sign_in(duty, "truc.haan")
    duty.goto(duty.base_url + "/incidents/duty/")
    assert duty.get_by_test_id("duty-open").locator("tbody tr").count() >= 1
    shot(duty, f"incidents-duty-{size}-vi")
    duty.context.close()

    leader = _page(browser, live_server, size)
    sign_in(leader, "lanhdao.tinh")
    leader.goto(leader.base_url + "/incidents/stats/")
    crimes = leader.get_by_test_id("crimes").inner_text()
    assert int(crimes.replace(".", "")) > 50
    assert leader.get_by_test_id("social-order-change").inner_text().startswith("-")
    shot(leader, f"incidents-stats-{size}-vi")
    leader.context.close()
