"""National-portal sync in the browser: dossier events that the portal refused or never answered show up
as dead letters for the administrator, who sends one again and discards the other with a reason."""

import pytest
from playwright.sync_api import expect

from precinct.accounts.models import User
from precinct.eservices.models import Procedure
from precinct.eservices.services import dossier_submit, dossier_transition
from precinct.portalsync.delivery import sync_pass
from precinct.portalsync.models import OutboxEvent, OutboxState
from precinct.portalsync.tests.receiver import Receiver
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_dead_letters_are_sent_again_or_discarded(page, demo, shot, settings):
    citizen = User.objects.get(username="022090012345")
    officer = User.objects.get(username="canbo.haan")
    procedure = Procedure.objects.get(code="CT-06")
    refused, silent = (
        dossier_submit(actor=citizen, procedure=procedure, form_data={"muc_dich": "Xin việc"}, unit_code="07168")
        for _ in range(2)
    )
    dossier_transition(actor=officer, dossier=refused, action="receive")
    with Receiver() as portal:
        settings.PORTAL_SYNC_URL = portal.url
        settings.PORTAL_SYNC_MAX_ATTEMPTS = 2
        settings.PORTAL_SYNC_BACKOFF_SECONDS = 0
        settings.PORTAL_SYNC_BACKOFF_MAX_SECONDS = 0
        portal.failing[refused.code] = 422  # refused for good: a dead letter at once
        portal.failing[silent.code] = "drop_before"  # never answers: dead after two attempts
        sync_pass()
        assert OutboxEvent.objects.filter(state=OutboxState.DEAD).count() == 2

        sign_in(page, "admin")
        page.click("nav >> text=Đồng bộ Cổng DVC")
        page.wait_for_url(page.base_url + "/portal-sync/")
        assert page.locator("h1").inner_text() == "Đồng bộ Cổng Dịch vụ công quốc gia"
        assert page.locator("text=HTTP 422").count() == 1
        assert page.locator("text=connection dropped").count() == 1
        shot(page, "portalsync-dead-letters-vi")

        # The portal is fixed: send the refused one again; its dossier's held-back event follows it.
        del portal.failing[refused.code]
        row = page.locator("tr", has_text=refused.code)
        row.get_by_role("button", name="Gửi lại").click()
        assert f"Sự kiện của hồ sơ {refused.code} sẽ được gửi lại." in page.locator(".flash").inner_text()
        sync_pass()
        assert [b["event"]["action"] for b in portal.received.accepted.values()] == ["submit", "receive"]

        # The other one is discarded with a reason (an empty reason is refused by the browser's form).
        row = page.locator("tr", has_text=silent.code)
        row.locator("input[name=reason]").fill("Đã nhập thủ công trên Cổng")
        row.get_by_role("button", name="Bỏ").click()
        assert f"Đã bỏ sự kiện của hồ sơ {silent.code}." in page.locator(".flash").inner_text()
        assert page.locator("text=Không có sự kiện nào.").count() == 1

        page.click("text=Đã gửi")
        # count() does not wait: the list may still be the dead letters' when it runs (failed once in CI).
        expect(page.locator("tr", has_text=refused.code)).to_have_count(2)
        shot(page, "portalsync-delivered-vi")
