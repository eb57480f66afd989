"""The one-stop shop end to end: a citizen registers and submits with an attachment; an officer
receives and approves; the citizen sees the new status; anyone can look it up with code + ID."""

import re

import pytest

from tests.browser.conftest import fill_registration, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_submit_receive_approve_follow(page, browser, live_server, demo, shot, tmp_path):
    # A citizen registers.
    page.goto(page.base_url + "/accounts/register/")
    fill_registration(page, "022190012399")
    page.wait_for_url(page.base_url + "/")

    # Finds the procedure without typing accents, and submits with an attachment.
    page.goto(page.base_url + "/services/?q=dang+ky+thuong+tru")
    shot(page, "catalogue-search-vi")
    page.click("text=Đăng ký thường trú")
    shot(page, "procedure-vi")
    page.click("a.btn--primary:has-text('Nộp trực tuyến')")
    page.select_option("#id_unit", label="Công an phường Hà An")
    page.fill("[name='form.dia_chi']", "Tổ 5, khu 3, phường Hà An")
    page.fill("[name='form.ly_do']", "Chuyển về ở cùng gia đình")
    attachment = tmp_path / "to-khai-CT01.pdf"
    attachment.write_bytes(PDF)
    page.set_input_files("[name='doc.0']", str(attachment))
    shot(page, "submit-vi")
    page.click("button[type=submit].btn--primary")
    page.wait_for_url(re.compile(r".*/dossiers/07168-\d{6}-\d{4}/$"))
    code = page.locator("h1.mono").inner_text()
    assert page.get_by_test_id("status").inner_text() == "Đã nộp"
    assert "to-khai-CT01.pdf" in page.content()
    shot(page, "dossier-submitted-vi")
    # CT-01 carries a fee: the decision waits for it, so the citizen pays it in the sandbox first.
    page.get_by_test_id("pay").click()
    page.get_by_test_id("sandbox-pay").click()
    page.wait_for_url(re.compile(rf".*/dossiers/{code}/$"))

    # The officer of Hà An receives it from the inbox, then reviews and approves it.
    officer = browser.new_context(viewport={"width": 1280, "height": 860})
    op = officer.new_page()
    op.base_url = live_server.url
    sign_in(op, "canbo.haan")
    op.goto(op.base_url + "/dossiers/?status=submitted")
    op.check(f"input[value='{code}']")
    shot(op, "inbox-vi")
    op.click("text=Tiếp nhận các hồ sơ đã chọn")
    op.goto(op.base_url + f"/dossiers/{code}/")
    assert op.get_by_test_id("status").inner_text() == "Đã tiếp nhận"
    op.click("button[value='start_review']")
    op.click("button[value='propose']")
    shot(op, "dossier-officer-vi")
    officer.close()
    # The ward's leader approves (officers propose, leaders decide).
    leader = browser.new_context(viewport={"width": 1280, "height": 860})
    lp = leader.new_page()
    lp.base_url = live_server.url
    sign_in(lp, "lanhdao.haan")
    lp.goto(lp.base_url + f"/dossiers/{code}/")
    lp.click("button[value='approve']")
    assert lp.get_by_test_id("status").inner_text() == "Đã phê duyệt"
    leader.close()

    # The citizen sees the new status.
    page.reload()
    assert page.get_by_test_id("status").inner_text() == "Đã phê duyệt"

    # Anyone can look it up with the code and the personal identification number together.
    anonymous = browser.new_context()
    ap = anonymous.new_page()
    ap.goto(live_server.url + "/lookup/")
    ap.fill("#id_code", code)
    ap.fill("#id_personal_id", "022190012399")
    ap.click("button[type=submit].btn--primary")
    assert "Đã phê duyệt" in ap.get_by_test_id("lookup-result").inner_text()
    shot(ap, "lookup-vi")
    anonymous.close()


def test_officer_of_another_ward_cannot_open_it(page, browser, live_server, demo):
    from precinct.accounts.models import User
    from precinct.eservices.models import Procedure
    from precinct.eservices.services import dossier_submit

    dossier = dossier_submit(
        actor=User.objects.get(username="022090012345"),
        procedure=Procedure.objects.get(code="CT-06"),
        form_data={"muc_dich": "Xin việc"},
        unit_code=User.objects.get(username="canbo.haan").officer.unit.code,
    )
    sign_in(page, "canbo.halong")
    response = page.goto(page.base_url + f"/dossiers/{dossier.code}/")
    assert response.status == 404
    page.goto(page.base_url + "/dossiers/")
    assert dossier.code not in page.content()
