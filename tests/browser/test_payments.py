"""Fees paid online end to end: a citizen submits a fee-bearing dossier, pays on the sandbox provider's
page, sees it paid; the officer sees it paid on the dossier and in the inbox, and can then approve."""

import re

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_citizen_pays_in_the_sandbox_and_the_officer_sees_it_paid(page, browser, live_server, demo, shot):
    sign_in(page, "022090012345")
    page.goto(page.base_url + "/services/CT-03/submit/")
    page.select_option("#id_unit", label="Công an phường Hà An")
    page.fill("[name='form.dia_chi']", "Tổ 5, khu 3, phường Hà An")
    page.fill("[name='form.den_ngay']", "2027-06-30")
    page.click("button[type=submit].btn--primary")
    page.wait_for_url(re.compile(r".*/dossiers/07168-\d{6}-\d{4}/$"))
    code = page.locator("h1.mono").inner_text()
    assert page.get_by_test_id("fee-status").inner_text() == "Chưa thanh toán"
    assert "15.000 ₫" in page.locator(".payments").inner_text()
    shot(page, "payments-dossier-unpaid-vi")

    # The officer receives and reviews; the ward's leader cannot approve before the fee is paid.
    officer = browser.new_context(viewport={"width": 1280, "height": 860})
    clerk = officer.new_page()
    clerk.base_url = live_server.url
    sign_in(clerk, "canbo.haan")
    clerk.goto(clerk.base_url + f"/dossiers/{code}/")
    clerk.click("button[value='receive']")
    clerk.click("button[value='start_review']")
    officer.close()
    officer = browser.new_context(viewport={"width": 1280, "height": 860})
    op = officer.new_page()
    op.base_url = live_server.url
    sign_in(op, "lanhdao.haan")
    op.goto(op.base_url + f"/dossiers/{code}/")
    op.click("button[value='approve']")
    assert "chưa được nộp" in op.locator(".flash__item--error").inner_text()
    assert op.get_by_test_id("status").inner_text() == "Đang xử lý"

    # The citizen pays on the sandbox page.
    page.get_by_test_id("pay").click()
    page.wait_for_url(re.compile(r".*/payments/sandbox/\?.*"))
    assert page.get_by_test_id("sandbox-amount").inner_text() == "15.000 ₫"
    shot(page, "payments-sandbox-vi")
    page.get_by_test_id("sandbox-pay").click()
    page.wait_for_url(re.compile(rf".*/dossiers/{code}/$"))
    assert page.get_by_test_id("fee-status").inner_text() == "Đã thanh toán"
    assert "Đã nhận thanh toán: 15.000 ₫" in page.locator(".flash").inner_text()
    with page.expect_download() as download:
        page.get_by_test_id("payment-receipt").click()
    assert download.value.suggested_filename.startswith("bien-lai-")
    shot(page, "payments-dossier-paid-vi")

    # The leader sees it paid, in the inbox and on the dossier, and now approves.
    op.goto(op.base_url + f"/dossiers/?q={code}")
    assert op.get_by_test_id("fee-state").inner_text() == "Đã nộp phí"
    shot(op, "payments-inbox-vi")
    op.goto(op.base_url + f"/dossiers/{code}/")
    assert op.get_by_test_id("fee-status").inner_text() == "Đã thanh toán"
    op.click("button[value='approve']")
    assert op.get_by_test_id("status").inner_text() == "Đã phê duyệt"
    shot(op, "payments-dossier-officer-vi")
    officer.close()
