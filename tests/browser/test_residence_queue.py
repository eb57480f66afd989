"""The data-quality work queue in the browser (ADR 0038): a ward officer filters the queue, sees a possible
duplicate side by side and the demo's planted inconsistencies, closes one as confirmed correct with a reason
(wide and phone widths); the province's PC06 officer changes a rule's parameter on the rules page."""

import pytest

from precinct.accounts.models import User
from precinct.organisation.models import RoleAssignment
from precinct.residence.models import IssueState, QualityIssue, QualityRule
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_ward_officer_works_the_queue(page, demo, shot, width):
    officer = User.objects.get(username="canbo.haan")
    ward = RoleAssignment.objects.filter(user=officer).select_related("unit").first().unit
    assert QualityIssue.objects.filter(unit=ward, rule__code="relation_ages").exists()  # the incremental scan
    page.set_viewport_size({"width": width, "height": 860})
    sign_in(page, "canbo.haan")
    page.goto(page.base_url + f"/residence/quality/{ward.code}/")
    page.get_by_role("link", name="Danh sách việc cần xử lý").click()
    assert page.locator("h1").inner_text() == "Danh sách việc cần xử lý về chất lượng dữ liệu"
    assert page.locator("table.side-by-side").count() >= 1  # the planted duplicate, side by side
    assert page.locator("text=Con sinh sau chủ hộ chưa đến 12 năm").count() == 1
    assert page.locator("text=Tạm trú đã hết hạn").count() >= 1
    shot(page, f"residence-queue-{width}-vi")
    page.select_option("#f-rule", "relation_ages")
    page.get_by_role("button", name="Lọc").click()
    assert page.locator("table.side-by-side").count() == 0
    row = page.locator("tbody tr[id^=issue-]").first
    row.locator("input[name=reason]").fill("Con nuôi, đã xác minh tại nhà")
    row.get_by_role("button", name="Xác nhận đúng").click()
    assert page.locator("text=Đã xác nhận đúng").count() >= 1
    shot(page, f"residence-queue-confirmed-{width}-vi")
    issue = QualityIssue.objects.get(unit=ward, rule__code="relation_ages")
    assert issue.state == IssueState.CONFIRMED and issue.reason == "Con nuôi, đã xác minh tại nhà"


def test_the_pc06_officer_changes_a_rule(page, demo, shot):
    page.set_viewport_size({"width": 1366, "height": 860})
    sign_in(page, "canbo.pc06")
    page.goto(page.base_url + "/residence/quality-rules/")
    form = page.locator("#rule-relation_ages form")
    form.locator("input[name=spouse_min_age]").fill("18")
    form.get_by_role("button", name="Lưu").click()
    assert page.locator("text=Đã lưu quy tắc").count() == 1
    shot(page, "residence-rules-1366-vi")
    assert QualityRule.objects.get(code="relation_ages").parameters["spouse_min_age"] == 18
