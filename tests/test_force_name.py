"""One name for the force, from the unit data (issue 14, item 9): a root unit the data calls a city
("Thành phố Quảng Ninh") is never "Công an tỉnh" on a page or a PDF, and a province ("Tỉnh Cao Bằng") is never
"Công an thành phố"."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from precinct.tips.receipt import proof_pdf

pytestmark = pytest.mark.django_db

PAGES = ["/", "/report/", "/org/units/", "/accounts/login/", "/services/", "/lookup/", "/stats/public/", "/verify/"]


@pytest.mark.parametrize(
    ("code", "own", "wrong"),
    [(22, "Công an thành phố Quảng Ninh", "Công an tỉnh"), (4, "Công an tỉnh Cao Bằng", "Công an thành phố")],
)
def test_the_force_is_named_from_its_unit_data(client, settings, code, own, wrong):
    settings.PRECINCT_PROVINCE_CODE = code
    call_command("load_units", "--province", str(code), stdout=io.StringIO())
    bodies = {}
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        bodies[path] = response.content.decode()
    reader = PdfReader(io.BytesIO(proof_pdf("ABCD12345678", timezone.now())))
    bodies["proof.pdf"] = "\n".join(page.extract_text() for page in reader.pages)

    assert own in bodies["/"] and own in bodies["/report/"]  # the header, and the duty desk a report goes to
    assert own.upper() in bodies["proof.pdf"].upper()
    named_wrong = [where for where, body in bodies.items() if wrong.lower() in body.lower()]
    assert not named_wrong, f"{wrong!r} on {named_wrong}"
