"""The crime-reporting portal end to end in Chromium: an anonymous report (the page solves the proof of
work) → the receipt → follow-up with it → the officer of that ward answers → the reporter sees the
answer; an officer of another ward sees nothing of it."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

DESCRIPTION = "Tối nào cũng có người bán ma túy ở quán nước đầu ngõ 45, khách đến bằng xe máy 14B2-345.67."


@pytest.fixture(autouse=True)
def _tips_keys(settings, tmp_path):
    settings.PRECINCT_TIPS_KEY_DIR = tmp_path / "keys"
    settings.PRECINCT_TIPS_POW_DIFFICULTY = 14
    settings.PRECINCT_TIPS_WRONG_RECEIPT_DELAY = 0
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_report_follow_up_and_answer(page, browser, live_server, demo, shot):
    from precinct.tips.models import Tip

    # An anonymous visitor reports; the address never changes while reporting.
    page.goto(page.base_url + "/report/")
    shot(page, "tips-report-vi")
    page.select_option("#category", "drugs")
    page.select_option("#ward", label="Công an phường Hà An")
    page.fill("#occurred_at", "2026-11-20T21:30")
    page.fill("#address", "Quán nước đầu ngõ 45")
    page.fill("#description", DESCRIPTION)
    page.fill("#vehicles", "Xe máy 14B2-345.67")
    page.click("[data-role=submit]")
    receipt_box = page.get_by_test_id("receipt")
    receipt_box.wait_for(state="visible", timeout=60_000)
    assert page.url == page.base_url + "/report/"
    receipt = receipt_box.inner_text().replace(" ", "")
    assert len(receipt) == 16 and receipt.isdigit()
    shot(page, "tips-receipt-vi")
    with page.expect_download() as download:
        page.click("[data-role=proof-form] button")
    assert download.value.suggested_filename.startswith("proof-")
    reference = page.locator("[data-role=reference]").inner_text()
    tip = Tip.objects.get(reference=reference.replace("-", ""))
    assert tip.unit.name == "Công an phường Hà An" and tip.category == "drugs"

    # The reporter follows up with the receipt.
    page.click("[data-role=receipt-panel] a.btn--primary")
    page.fill("#receipt", receipt)
    page.click("[data-role=receipt-form] [data-role=submit]")
    page.get_by_test_id("status").wait_for(state="visible", timeout=60_000)
    assert page.get_by_test_id("status").inner_text() == "Mới"
    assert page.url == page.base_url + "/report/follow-up/"
    page.fill("#body", "Bổ sung: tối qua có thêm hai người lạ đến.")
    page.click("[data-role=send]")
    page.locator(".tips-msg--reporter").wait_for(timeout=60_000)
    shot(page, "tips-followup-vi")

    # The officer of Hà An sees it in the queue, opens it and answers.
    officer = browser.new_context(viewport={"width": 1280, "height": 860})
    op = officer.new_page()
    op.base_url = live_server.url
    sign_in(op, "canbo.haan")
    op.goto(op.base_url + "/tips/")
    shot(op, "tips-queue-vi")
    op.click(f"text={reference}")
    assert DESCRIPTION in op.get_by_test_id("tip-content").inner_text()
    assert "tối qua có thêm hai người lạ" in op.get_by_test_id("conversation").inner_text()
    op.fill("#reply", "Cảm ơn bạn. Công an phường đã tiếp nhận và đang xác minh.")
    op.click("button[value=reply]")
    op.select_option("#to-status", "investigating")
    op.click("button[value=status]")
    assert op.get_by_test_id("status").inner_text() == "Đang xác minh"
    shot(op, "tips-officer-vi")
    officer.close()

    # The reporter sees the answer.
    page.click("[data-role=close]")
    page.fill("#receipt", receipt)
    page.click("[data-role=receipt-form] [data-role=submit]")
    page.locator(".tips-msg--officer").wait_for(timeout=60_000)
    assert "đang xác minh" in page.locator(".tips-msg--officer").inner_text()
    assert page.get_by_test_id("status").inner_text() == "Đang xác minh"
    shot(page, "tips-followup-answered-vi")

    # An officer of another ward sees nothing of it.
    other = browser.new_context()
    xp = other.new_page()
    xp.base_url = live_server.url
    sign_in(xp, "canbo.halong")
    xp.goto(xp.base_url + "/tips/")
    assert reference not in xp.content()
    response = xp.goto(xp.base_url + f"/tips/{tip.pk}/")
    assert response.status == 404 and DESCRIPTION not in xp.content()
    other.close()
