import datetime

import pytest

from precinct.cameras.tests.conftest import cams  # noqa: F401  (a fixture used here: cameras in wards A and B)
from precinct.incidents import services
from precinct.incidents.models import Incident


@pytest.fixture(autouse=True)
def _tips_settings(settings, tmp_path):
    """Crime reports' unit keys in a temporary directory and an easy proof of work (referral tests)."""
    settings.PRECINCT_TIPS_KEY_DIR = tmp_path / "keys"
    settings.PRECINCT_TIPS_POW_DIFFICULTY = 6
    settings.PRECINCT_TIPS_WRONG_RECEIPT_DELAY = 0


def record(world, actor="officer_a", unit=None, **fields) -> Incident:
    data = {
        "unit": unit or world.ward_a,
        "source": "phone",
        "description": "Hai nhóm thanh niên đánh nhau trước quán karaoke, một người bị thương.",
        "classification": "crime",
        "article": "134",
    } | fields
    return services.incident_record(actor=world.user(actor), data=services.NewIncident(**data))


def open_case(world, incident, actor="officer_a", **fields) -> Incident:
    data = {
        "case_number": f"{incident.pk}/2025/QĐ-CSHS",
        "case_opened_on": datetime.date.today(),
        "investigating_unit": world.department,
    } | fields
    return services.incident_transition(actor=world.user(actor), incident=incident, status="case_opened", **data)
