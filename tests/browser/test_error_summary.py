"""The dossier form's error summary in the browser: every error of a submission at the top in one round,
focused, each a link that takes the keyboard to its field; at 360 px and 1366 px."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [360, 1366])
def test_every_error_at_the_top_linked_to_its_field(page, demo, shot, width):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, "022090012345")
    page.goto(page.base_url + "/services/CT-02/submit/")
    page.select_option("#id_unit", "")
    page.fill("#id_form\\.tu_ngay", "2026-12-10")
    page.fill("#id_form\\.den_ngay", "2026-12-01")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.id") == "error-summary"  # read first by a screen reader
    links = summary.locator("a")
    texts = links.all_inner_texts()
    assert any("không được trước" in t for t in texts), texts  # the dates' rule
    assert any("Hãy đính kèm giấy tờ" in t for t in texts), texts  # the required declaration
    assert len(texts) >= 3
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    shot(page, f"submit-errors-{width}-vi")
    summary.get_by_role("link", name="Đến ngày", exact=False).click()
    assert page.evaluate("document.activeElement.id") == "id_form.den_ngay"
