"""The citizen's inbox in the browser: the unread count beside the menu button and in the phone menu, the
list, a message opened (and so read) with its dossier linked, all marked read; at 360 px and 1366 px."""

import pytest

from precinct.accounts.models import User
from precinct.eservices.models import Procedure
from precinct.eservices.services import dossier_submit
from precinct.notifications.services import notifications_compose_pending
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def test_the_inbox_on_a_phone_and_a_desk(page, demo, shot):
    citizen = User.objects.get(username="022090012345")
    procedure = Procedure.objects.get(code="CT-06")
    dossier = dossier_submit(actor=citizen, procedure=procedure, form_data={"muc_dich": "Xin việc"}, unit_code="07168")
    notifications_compose_pending()  # what the worker does after the commit
    unread = citizen.notifications.filter(read_at__isnull=True).values("key").distinct().count()
    assert unread >= 1

    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, citizen.username)
    bell = page.locator("a.inbox-link")
    assert bell.is_visible() and bell.locator(".inbox-link__count").inner_text() == str(unread)
    assert bell.get_attribute("aria-label") == f"Thông báo: {unread} chưa đọc"
    page.click("button.menu-btn")
    assert page.locator("#site-menu a.nav__inbox").is_visible()
    assert str(unread) in page.locator("#site-menu a.nav__inbox").inner_text()
    page.click("#site-menu a.nav__inbox")
    assert page.locator("h1").inner_text() == "Thông báo"
    _no_sideways_scroll(page)
    shot(page, "inbox-360-vi")

    item = page.locator("li.inbox__item", has_text=f"Hồ sơ {dossier.code} đã được nộp")
    assert item.locator(".inbox__meta a").get_attribute("href") == f"/dossiers/{dossier.code}/"
    item.locator("a.inbox__subject").click()
    assert page.locator("h1").inner_text() == f"Hồ sơ {dossier.code} đã được nộp"
    assert page.locator("a", has_text=dossier.code).first.is_visible()
    _no_sideways_scroll(page)
    shot(page, "inbox-message-360-vi")
    count = page.locator("a.inbox-link .inbox-link__count")
    assert (count.count() == 0) if unread == 1 else count.inner_text() == str(unread - 1)

    page.set_viewport_size({"width": 1366, "height": 860})
    page.goto(page.base_url + "/notifications/")
    assert page.locator("a.inbox-link").is_visible() and not page.locator("a.nav__inbox").is_visible()
    shot(page, "inbox-1366-vi")
    if unread > 1:
        page.get_by_role("button", name="Đánh dấu tất cả là đã đọc").click()
        assert "Tất cả tin nhắn đã được đánh dấu là đã đọc." in page.locator(".flash").inner_text()
    assert page.locator("a.inbox-link .inbox-link__count").count() == 0
    assert page.locator("li.inbox__item.is-unread").count() == 0
