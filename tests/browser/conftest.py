"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser).

Without a Chromium they are skipped with a plain message; with CI=true a missing Chromium fails.
Screenshots go to test-artifacts/screenshots/ for a person to look at.
"""

import os
import shutil
from pathlib import Path

import pytest

from precinct.core.demo import DEMO_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Playwright runs an event loop in the test thread; the live server's database work is synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    browser_items = [i for i in items if "tests/browser" in str(i.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if CHROMIUM or not browser_items:
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError("CI=true but no Chromium was found for the browser tests (apt-get install chromium)")
    reason = "Browser tests skipped: no Chromium found (install Debian's 'chromium' package to run them)"
    print(f"\n*** {reason} ***")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture
def shot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def demo(transactional_db):
    """The demo data, as `make run` loads it (the live server needs committed rows)."""
    from django.core.management import call_command

    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in as a person would: the password, then (leaders, administrators) the code their authenticator
    app shows, computed from the device's secret."""
    import re

    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].btn--primary")
    page.wait_for_url(re.compile(re.escape(page.base_url) + r"/(accounts/second-factor/.*)?$"))
    if "/accounts/second-factor/" in page.url:
        second_factor(page, username)
        page.wait_for_url(page.base_url + "/")


def second_factor(page, username: str) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from precinct.testing import totp_code

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    page.fill("#id_token", totp_code(device))
    page.click("button[type=submit].btn--primary")


def fill_registration(page, personal_id: str) -> None:
    """Fill the registration form for Phạm Thị Lan, a woman born in 1990, and send it."""
    page.fill("#id_personal_id", personal_id)
    page.fill("#id_full_name", "Phạm Thị Lan")
    page.fill("#id_date_of_birth", "1990-04-02")
    page.select_option("#id_sex", "female")
    page.fill("#id_phone", "0911222333")
    page.fill("#id_password", "Ha-Long-Bay-2026")
    page.fill("#id_password_again", "Ha-Long-Bay-2026")
    page.click("button[type=submit].btn--primary")
