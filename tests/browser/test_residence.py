"""The residence register in the browser: a ward officer opens a household, a person and the ward's data
quality page (wide and phone widths), asks for a correction that a second officer must approve, opens the
import page, and the register shows only the officer's ward."""

import pytest

from precinct.accounts.models import User
from precinct.organisation.models import RoleAssignment
from precinct.residence.models import Household, Person
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1366, 360])
def test_household_person_and_quality_pages(page, demo, shot, width):
    officer = User.objects.get(username="canbo.haan")
    ward = RoleAssignment.objects.filter(user=officer).select_related("unit").first().unit
    household = Household.objects.filter(unit=ward).order_by("pk").first()
    assert household is not None
    page.set_viewport_size({"width": width, "height": 860})
    sign_in(page, "canbo.haan")
    page.goto(page.base_url + "/residence/")
    assert page.locator("h1").inner_text() == "Dữ liệu cư trú"
    other = Person.objects.exclude(unit_path__startswith=ward.path).exclude(personal_id="").first()
    assert other is not None and other.personal_id
    assert page.locator(f"text={other.personal_id}").count() == 0  # another ward's resident is not listed
    page.goto(page.base_url + f"/residence/households/{household.pk}/")
    assert page.locator("td", has_text="Chủ hộ").count() == 1
    page.locator("summary", has_text="Tách hộ").click()
    assert page.get_by_role("button", name="Tách hộ").count() == 1
    shot(page, f"residence-household-{width}-vi")
    page.locator("tbody a").first.click()
    assert page.locator("h1").inner_text() == household.head.full_name
    assert page.locator("h2", has_text="Chất lượng dữ liệu của hồ sơ này").count() == 1
    page.locator("summary", has_text="Đề nghị điều chỉnh").click()
    page.fill("#c-eth", "Tày")
    page.fill("#c-reason", "Theo giấy khai sinh")
    shot(page, f"residence-person-{width}-vi")
    page.get_by_role("button", name="Gửi đề nghị điều chỉnh").click()
    assert page.locator("text=cần một cán bộ khác").count() == 1
    page.goto(page.base_url + "/residence/corrections/")
    assert page.locator("td strong", has_text="Tày").count() == 1
    page.get_by_role("button", name="Duyệt và cập nhật").first.click()
    assert page.locator("text=Phải do cán bộ thứ hai quyết định").count() == 1  # four eyes: not the asker
    shot(page, f"residence-corrections-{width}-vi")
    page.goto(page.base_url + f"/residence/import/{ward.code}/")
    assert page.get_by_role("button", name="Kiểm tra và nhập").count() == 1
    shot(page, f"residence-import-{width}-vi")
    page.goto(page.base_url + f"/residence/quality/{ward.code}/")
    assert page.locator("h2", has_text="Nghi trùng lặp").count() == 1
    assert page.get_by_role("button", name="Không trùng").count() >= 1  # the planted duplicate
    shot(page, f"residence-quality-{width}-vi")
    response = page.goto(page.base_url + f"/residence/persons/{other.pk}/")
    assert response is not None and response.status == 404
