"""A camera alert's evidence and handling in the browser: Hà An's duty officer sees the snapshot on the console
card, opens the alert (the snapshot large, the clip link, the timeline), dispatches forces ("4 on-site") and
closes it as resolved on site. Screenshots at 1366 px and 390 px."""

import pytest

from precinct.audit.models import AuditEvent
from precinct.cameras.models import Alert, AlertStatus
from precinct.organisation.demo import demo_communes
from precinct.organisation.selectors import province_root
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _loaded(page, selector: str) -> bool:
    return page.eval_on_selector(selector, "img => img.complete && img.naturalWidth > 0")


def test_alert_evidence_dispatch_and_outcome(page, demo, shot):
    from precinct.accounts.demo import _slug

    ha_an = demo_communes(province_root())[0]
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, f"truc.{_slug(ha_an)}")
    page.goto(page.base_url + "/cameras/console/")
    page.wait_for_selector(".alert-card__thumb")
    assert page.locator(".alert-card__thumb").count() == 3
    assert _loaded(page, ".alert-card__thumb")
    shot(page, "cameras-console-snapshots-1366-vi")

    page.locator(".alert-card__link").first.click()
    page.wait_for_selector("img.alert-snapshot")
    assert _loaded(page, "img.alert-snapshot")
    alert = Alert.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert page.get_by_role("link", name="Đoạn phim trên đầu ghi").get_attribute("href") == alert.clip_url
    assert AuditEvent.objects.filter(action="cameras.snapshot_view", actor__username=f"truc.{_slug(ha_an)}").exists()

    page.locator(".dispatch-form input[name=officer_ids]").first.check()
    page.locator(".dispatch-form select[name=commander_id]").select_option(index=1)
    page.fill("#means", "Xuồng máy CA-01, đèn pha")
    page.fill("#logistics", "Áo phao, bộ đàm")
    page.get_by_role("button", name="Điều lực lượng").click()
    assert "Đã cập nhật cảnh báo" in page.locator(".flash").inner_text()
    assert "Xuồng máy CA-01" in page.locator(".dispatch").inner_text()
    shot(page, "cameras-alert-dispatched-1366-vi")

    page.select_option("#outcome", "resolved")
    page.fill("#close-note", "Nhắc nhở người lạ rời khu bè")
    page.get_by_role("button", name="Đóng cảnh báo").click()
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.RESOLVED
    assert "Giải quyết tại chỗ" in page.locator(".timeline").inner_text()

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    shot(page, "cameras-alert-390-vi")
    page.goto(page.base_url + "/cameras/console/")
    page.wait_for_selector(".alert-card__thumb")
    shot(page, "cameras-console-snapshots-390-vi")
    page.goto("about:blank")
