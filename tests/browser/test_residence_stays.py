"""The guests page in the browser (ADR 0039): a ward officer sees the stay of a guest the incident register looks
for marked and first, at wide and phone widths; the message in their inbox links to the page."""

import pytest
from django.db import transaction
from django.test import Client

from precinct.accounts.models import User
from precinct.incidents import case_services, services
from precinct.organisation.models import RoleAssignment
from precinct.residence.services import establishment_register, stay_notices_process
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SUSPECT = {
    "stay_id": "P-301",
    "full_name": "Phạm Minh Tuấn",
    "personal_id": "001088012345",
    "date_of_birth": "1988-04-05",
    "sex": "male",
    "arrival": "2026-12-01T14:00:00+07:00",
    "expected_departure": "2026-12-04",
}
TOURIST = {
    "stay_id": "P-302",
    "full_name": "Anna Schmidt",
    "nationality": "DE",
    "passport_number": "C01X00T47",
    "date_of_birth": "1990-02-03",
    "arrival": "2026-12-01T15:00:00+07:00",
}


@pytest.mark.parametrize("width", [1366, 360])
def test_a_flagged_guest_is_marked_on_the_guests_page(page, demo, shot, width):
    officer = User.objects.get(username="canbo.haan")
    officer.email = officer.email or "canbo.haan@congan.example"
    officer.save(update_fields=["email"])
    ward = RoleAssignment.objects.filter(user=officer).select_related("unit").first().unit
    incident = services.incident_record(
        actor=officer,
        data=services.NewIncident(
            unit=ward, source="phone", description="Trộm cắp tài sản tại chợ.", classification="crime", article="173"
        ),
    )
    case_services.person_add(
        actor=officer,
        incident=incident,
        data=case_services.NewPerson(role="suspect", full_name="Phạm Minh Tuấn", personal_id="001088012345"),
    )
    with transaction.atomic():
        _est, key = establishment_register(
            actor=None, unit=ward, name="Khách sạn Hòn Gai", kind="hotel", owner_name="Vũ Thị Hoa", address="Số 1"
        )
    answer = Client(headers={"X-Establishment-Key": key}).post(
        "/api/v1/residence/stays", {"stays": [TOURIST, SUSPECT]}, content_type="application/json"
    )
    assert answer.status_code == 200 and not answer.json()["refused"]
    stay_notices_process()

    page.set_viewport_size({"width": width, "height": 860})
    sign_in(page, "canbo.haan")
    page.goto(page.base_url + "/residence/guests/")
    first = page.locator("tbody tr").first
    assert "Phạm Minh Tuấn" in first.inner_text()
    assert first.locator("[data-testid=flagged]").inner_text() == "đối tượng trong sổ vụ việc"
    assert page.locator("tbody tr", has_text="Anna Schmidt").locator("[data-testid=flagged]").count() == 0
    shot(page, f"residence-guests-flagged-{width}-vi")
