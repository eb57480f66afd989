"""The personnel department's pages: the force's figures and a Resolution 40 round's eligibility, at a laptop's
width and a phone's."""

import pytest

from tests.browser.conftest import SCREENSHOTS, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_force_figures_and_round_eligibility(page, demo, shot):
    sign_in(page, "tochuc")
    page.click("nav >> text=Công tác cán bộ")
    page.wait_for_url(page.base_url + "/personnel/")
    headcount = int(page.locator(".tile__figure").first.inner_text().replace(".", "").replace(",", ""))
    assert 2000 < headcount < 2300
    page.set_viewport_size({"width": 1366, "height": 900})
    shot(page, "personnel-figures-1366-vi")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "personnel-figures-390-vi")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.click(".personnel-nav >> text=Điều động")
    page.click("text=Điều động Công an xã lên tỉnh")
    page.wait_for_selector("ul.criteria")
    body = page.locator("main").inner_text()
    assert "Đủ tiêu chuẩn" in body and "Chưa đủ tiêu chuẩn" in body
    assert "Số năm công tác ở cấp hiện tại" in body
    # The round lists a hundred officers a page: its screenshots show the first screen, not the whole page.
    page.screenshot(path=str(SCREENSHOTS / "personnel-round-1366-vi.png"), timeout=60_000)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "personnel-round-390-vi.png"), timeout=60_000)


def _fits(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_courses_attendance_activities_and_career_form(page, demo, shot):
    from django.utils import timezone

    sign_in(page, "tochuc")
    page.goto(page.base_url + "/personnel/courses/")
    for width in (1366, 360):
        _fits(page, width)
        shot(page, f"personnel-courses-{width}-vi")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.locator("table a").first.click()
    page.wait_for_selector("text=Buổi học và điểm danh")
    # A session within the course's dates, then everyone shown marked present.
    first_day = page.locator("dl.facts dd").nth(2).inner_text().split("–")[0].strip()  # dd/mm/yyyy
    dd, mm, yyyy = first_day.split("/")
    page.fill("#held_on", f"{yyyy}-{mm}-{dd}")
    page.click("text=Thêm buổi học")
    page.wait_for_selector("form.attendance")
    page.locator("form.attendance input[type=checkbox]").first.check()
    page.click("text=Lưu điểm danh")
    page.wait_for_selector("text=1 có mặt")
    for width in (1366, 360):
        _fits(page, width)
        shot(page, f"personnel-course-{width}-vi")

    page.goto(page.base_url + "/personnel/activities/")
    assert "Đối thoại" in page.locator("main").inner_text()
    for width in (1366, 360):
        _fits(page, width)
        shot(page, f"personnel-activities-{width}-vi")

    page.goto(page.base_url + "/personnel/officers/")
    page.locator("table a").first.click()
    page.click("text=Bổ sung quá trình công tác")
    page.click(".form-actions >> text=Điều động, bố trí")
    page.fill("#f-unit", "KHONG-CO")
    page.fill("#f-start_on", str(timezone.localdate().replace(year=timezone.localdate().year + 1)))
    page.click("button:has-text('Lưu')")
    body = page.locator("main").inner_text()
    assert "Chưa lưu gì." in body and "Trường này là bắt buộc." in body
    for width in (1366, 360):
        _fits(page, width)
        shot(page, f"personnel-career-form-{width}-vi")
