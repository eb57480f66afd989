"""A newcomer's first minutes: the landing page in Vietnamese and English, registering, signing in."""

import pytest

from precinct.accounts.models import User
from tests.browser.conftest import fill_registration, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_landing_page_in_vietnamese_then_english(page, demo, shot):
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", level=1).inner_text() == "Dịch vụ công trực tuyến của Công an"
    shot(page, "landing-vi")
    page.locator("button.lang__btn[value=en]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Police public services, online"
    shot(page, "landing-en")


def test_landing_page_on_a_phone(browser, live_server, demo, shot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + "/")
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "landing-vi-phone")
    context.close()


def test_citizen_registers_with_a_wrong_number_then_a_right_one(page, demo, shot):
    page.goto(page.base_url + "/accounts/register/")
    fill_registration(page, "022090012399")
    assert page.locator("#id_personal_id-errors").is_visible()
    shot(page, "register-error-vi")
    assert not User.objects.filter(username="022090012399").exists()

    fill_registration(page, "022190012399")  # 1 = woman born in the 1900s
    page.wait_for_url(page.base_url + "/")
    assert "022190012399" in page.content()
    shot(page, "citizen-home-vi")


def test_officer_signs_in_and_sees_only_their_ward(page, demo, shot):
    sign_in(page, "canbo.haan")
    shot(page, "officer-home-vi")
    page.goto(page.base_url + "/org/officers/")
    units = set(page.locator("table tbody tr td:nth-child(4)").all_inner_texts())
    assert units == {"Công an phường Hà An"}
    shot(page, "officers-vi")


def test_leader_landing(page, demo, shot):
    sign_in(page, "lanhdao.tinh")
    assert page.locator(".tile__figure").first.inner_text() == "63"
    shot(page, "leader-home-vi")
