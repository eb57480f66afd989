"""Signing in as a leader in the browser: the password, the authenticator's code, enrolling an authenticator
from its QR code page (the code computed from the key the page shows, as a phone app would), the recovery
codes, and asking for a password reset; at a desk (1366 px) and on a phone (390 px)."""

import base64

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from precinct.testing import PASSWORD, build_world
from tests.browser.conftest import second_factor

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desk": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def _page(browser, live_server, size):
    page = browser.new_context(viewport=WIDTHS[size], locale="vi-VN").new_page()
    page.set_default_timeout(60_000)  # a loaded machine (CI shares two cores) can be slow to serve a page
    page.base_url = live_server.url  # type: ignore[attr-defined]
    return page


def _password(page, username: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn--primary")


@pytest.mark.parametrize("size", ["desk", "phone"])
def test_second_factor_enrolment_and_reset_pages(browser, live_server, shot, size):
    build_world()
    page = _page(browser, live_server, size)
    _password(page, "leader_a")
    page.wait_for_selector("[data-testid=second-factor]")
    shot(page, f"signin-second-factor-{size}-vi")
    page.fill("#id_token", "000000x")
    page.click("button[type=submit].btn--primary")
    assert "Mã này không đúng." in page.get_by_role("alert").inner_text()
    shot(page, f"signin-second-factor-wrong-{size}-vi")
    second_factor(page, "leader_a")
    page.wait_for_url(page.base_url + "/")
    page.context.close()

    # A leader who has not enrolled yet is led to the enrolment page.
    TOTPDevice.objects.filter(user__username="leader_p").delete()
    page = _page(browser, live_server, size)
    _password(page, "leader_p")
    page.wait_for_selector("[data-testid=second-factor-setup]")
    assert page.locator("[data-testid=otp-qr] svg").is_visible()
    shot(page, f"signin-enrol-{size}-vi")
    secret = page.get_by_test_id("otp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_token", f"{TOTP(key).token():06d}")  # what the phone app shows
    page.click("button[type=submit].btn--primary")
    page.wait_for_selector("[data-testid=recovery-codes]")
    assert page.locator(".otp-codes li").count() == 10
    shot(page, f"signin-recovery-codes-{size}-vi")
    page.click("a.btn--primary")
    page.wait_for_url(page.base_url + "/")
    page.context.close()

    page = _page(browser, live_server, size)
    page.goto(page.base_url + "/accounts/login/")
    page.click("text=Quên mật khẩu?")
    page.wait_for_selector("[data-testid=password-reset]")
    shot(page, f"password-reset-{size}-vi")
    page.fill("#id_email", "someone@example.vn")
    page.click("button[type=submit].btn--primary")
    page.wait_for_selector("[data-testid=password-reset-sent]")
    shot(page, f"password-reset-sent-{size}-vi")
    page.context.close()
