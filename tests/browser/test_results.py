"""Signed results end to end: a citizen submits a fee-free dossier; the officer of Hà An approves and
issues it (signed on the spot); the citizen downloads the signed PDF and checks it on the public verify page
(valid), then checks a copy with one byte changed (tampered); the ward's leader revokes it and the same file
then verifies as revoked."""

import re

import pytest

from precinct.results.models import ResultDocument
from tests.browser.conftest import sign_in

LEADS = ("approve", "issue_result")
pytestmark = pytest.mark.django_db(transaction=True)


def _check(page, path) -> str:
    page.set_input_files("#id_file", str(path))
    page.click("button[type=submit].btn--primary")
    verdict = page.get_by_test_id("verdict")
    verdict.wait_for()
    return verdict.get_attribute("data-status") or ""


def test_issue_download_verify_tamper_revoke(page, browser, live_server, demo, shot, tmp_path):
    # The citizen submits CT-06 (no fee) to Hà An.
    sign_in(page, "022090012345")
    page.goto(page.base_url + "/services/CT-06/submit/")
    page.select_option("#id_unit", label="Công an phường Hà An")
    page.fill("[name='form.muc_dich']", "Bổ sung hồ sơ xin việc tại Hạ Long")
    page.click("button[type=submit].btn--primary")
    page.wait_for_url(re.compile(r".*/dossiers/07168-\d{6}-\d{4}/$"))
    code = page.locator("h1.mono").inner_text()

    # The officer receives, reviews, approves and issues the result.
    # The officer receives, reviews and proposes; the ward's leader approves and issues (and signs).
    for who, actions in (("canbo.haan", ("receive", "start_review", "propose")), ("lanhdao.haan", LEADS)):
        officer = browser.new_context(viewport={"width": 1280, "height": 860})
        op = officer.new_page()
        op.base_url = live_server.url
        sign_in(op, who)
        op.goto(op.base_url + f"/dossiers/{code}/")
        for action in actions:
            op.click(f"button[value='{action}']")
            op.wait_for_load_state()
        if who == "canbo.haan":
            officer.close()
    assert op.get_by_test_id("status").inner_text() == "Đã trả kết quả"
    assert "Kết quả có chữ ký số" in op.get_by_test_id("result").inner_text()
    shot(op, "result-issued-officer-vi")
    officer.close()

    # The citizen downloads the signed PDF from the dossier page.
    page.goto(page.base_url + f"/dossiers/{code}/")
    shot(page, "result-dossier-citizen-vi")
    with page.expect_download() as download_info:
        page.get_by_test_id("result-download").click()
    signed = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(signed)
    data = signed.read_bytes()
    assert data.startswith(b"%PDF") and b"/ByteRange" in data

    # Anyone checks it on the verify page the QR code leads to.
    checker = browser.new_context(viewport={"width": 1280, "height": 860})
    cp = checker.new_page()
    token = ResultDocument.objects.get(dossier__code=code).token  # what the QR code carries
    cp.goto(live_server.url + f"/verify/{token}")
    assert code in cp.get_by_test_id("on-record").inner_text()
    assert _check(cp, signed) == "valid"
    text = cp.get_by_test_id("verdict").inner_text()
    assert "Hợp lệ" in text and "Công an phường Hà An" in text
    shot(cp, "verify-valid-vi")

    # One byte changed in the middle of the file: tampered.
    changed = bytearray(data)
    changed[len(data) // 2] ^= 0x01
    forged = tmp_path / "ket-qua-sua.pdf"
    forged.write_bytes(bytes(changed))
    cp.goto(live_server.url + "/verify/")
    assert _check(cp, forged) == "tampered"
    assert "Đã bị sửa đổi" in cp.get_by_test_id("verdict").inner_text()
    shot(cp, "verify-tampered-vi")

    # The ward's leader revokes the result; the untouched file now verifies as revoked.
    leader = browser.new_context(viewport={"width": 1280, "height": 860})
    lp = leader.new_page()
    lp.base_url = live_server.url
    sign_in(lp, "lanhdao.haan")
    lp.goto(lp.base_url + f"/dossiers/{code}/")
    shot(lp, "result-dossier-leader-vi")
    lp.fill("#revoke-reason", "Cấp nhầm thông tin mục đích")
    lp.click("text=Thu hồi kết quả")
    assert "Kết quả đã được thu hồi." in lp.content()
    leader.close()
    cp.goto(live_server.url + f"/verify/{code}")
    assert _check(cp, signed) == "revoked"
    assert "Cấp nhầm thông tin mục đích" in cp.get_by_test_id("verdict").inner_text()
    shot(cp, "verify-revoked-vi")

    # The same check in English.
    cp.click("button.lang__btn[value='en']")
    assert _check(cp, forged) == "tampered"
    assert "Tampered: the file was changed after it was signed." in cp.get_by_test_id("verdict").inner_text()
    shot(cp, "verify-tampered-en")
    checker.close()


def test_acceptance_fee_paid_then_issued_downloaded_and_verified(page, browser, live_server, demo, shot, tmp_path):
    """Issue 4's acceptance: a fee-bearing dossier, paid in the sandbox, approved and issued; the signed PDF
    verifies as valid, and with one byte changed as tampered."""
    sign_in(page, "022090012345")
    page.goto(page.base_url + "/services/CT-03/submit/")
    page.select_option("#id_unit", label="Công an phường Hà An")
    page.fill("[name='form.dia_chi']", "Tổ 5, khu 3, phường Hà An")
    page.fill("[name='form.den_ngay']", "2027-06-30")
    page.click("button[type=submit].btn--primary")
    page.wait_for_url(re.compile(r".*/dossiers/07168-\d{6}-\d{4}/$"))
    code = page.locator("h1.mono").inner_text()
    page.get_by_test_id("pay").click()
    page.wait_for_url(re.compile(r".*/payments/sandbox/\?.*"))
    page.get_by_test_id("sandbox-pay").click()
    page.wait_for_url(re.compile(rf".*/dossiers/{code}/$"))
    assert page.get_by_test_id("fee-status").inner_text() == "Đã thanh toán"

    # The officer receives, reviews and proposes; the ward's leader approves and issues (and signs).
    for who, actions in (("canbo.haan", ("receive", "start_review", "propose")), ("lanhdao.haan", LEADS)):
        officer = browser.new_context(viewport={"width": 1280, "height": 860})
        op = officer.new_page()
        op.base_url = live_server.url
        sign_in(op, who)
        op.goto(op.base_url + f"/dossiers/{code}/")
        for action in actions:
            op.click(f"button[value='{action}']")
            op.wait_for_load_state()
        if who == "canbo.haan":
            officer.close()
    assert op.get_by_test_id("status").inner_text() == "Đã trả kết quả"
    officer.close()

    page.goto(page.base_url + f"/dossiers/{code}/")
    with page.expect_download() as download_info:
        page.get_by_test_id("result-download").click()
    signed = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(signed)
    shot(page, "result-paid-dossier-citizen-vi")

    page.goto(page.base_url + f"/verify/{code}")
    assert _check(page, signed) == "valid"
    data = bytearray(signed.read_bytes())
    data[len(data) // 3] ^= 0x04
    forged = tmp_path / "sua-mot-byte.pdf"
    forged.write_bytes(bytes(data))
    page.goto(page.base_url + f"/verify/{code}")
    assert _check(page, forged) == "tampered"
    shot(page, "result-paid-verify-tampered-vi")
