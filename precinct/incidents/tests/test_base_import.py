"""Base-period counts from XLSX: refused rows reported with their row and reason, nothing half-imported
unless the user asks for the valid rows; the public page with aggregates only and the crime-reduction
figure of the acceptance (1,000 a year in 2016–2020, 930 this year: −7 % against −5 %, met)."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from precinct.audit.models import AuditEvent
from precinct.incidents import services
from precinct.incidents.models import BaseFigure
from precinct.incidents.tests.conftest import record
from precinct.testing import Expect, assert_matrix

TZ = datetime.timezone(datetime.timedelta(hours=7))


def xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["ward", "year", "month", "group", "count"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, rows, **extra):
    return client.post("/incidents/base-figures/", {"file": SimpleUploadedFile("f.xlsx", xlsx(rows)), **extra})


BAD = [
    ("07168", 2016, None, "social_order", 95),  # row 2: good
    ("99999", 2016, None, "social_order", 10),  # row 3: unknown ward
    ("07168", 2017, None, "drugs", -4),  # row 4: negative count
    ("07168", 2018, 13, "social_order", 9),  # row 5: a month of 13
    ("07168", 2019, 1, "Tội phạm về ma túy", 3),  # row 6: good (group by its Vietnamese name, a month)
    ("07168", 2019, 2, "drugs", 4),  # row 7: good, added to January's
]


def test_bad_rows_are_refused_with_row_and_reason_and_nothing_is_imported(world):
    response = upload(world.client("leader_a"), BAD)
    assert response.status_code == 422
    page = response.content.decode()
    refused = response.context["refused"]
    assert [(r.row, r.column) for r in refused] == [(3, "ward"), (4, "count"), (5, "month")]
    assert "không có công an phường, xã, đặc khu nào có mã “99999”" in page.lower()
    assert "số đếm không thể âm" in page.lower()
    assert "tháng là số từ 1 đến 12" in page.lower()
    assert "Không nhập gì" in page
    assert not BaseFigure.objects.exists()
    assert not AuditEvent.objects.filter(action="incidents.base_figures_import").exists()


def test_the_valid_rows_only_when_asked(world):
    response = upload(world.client("leader_a"), BAD, import_valid="1")
    assert response.status_code == 200
    assert len(response.context["refused"]) == 3  # still reported
    figures = {(f.year, f.crime_group): f.count for f in BaseFigure.objects.all()}
    assert figures == {(2016, "social_order"): 95, (2019, "drugs"): 7}
    audit = AuditEvent.objects.get(action="incidents.base_figures_import")
    assert audit.after["refused_rows"] == [3, 4, 5]


def test_the_api_refuses_in_english_too_and_a_year_clashing_with_its_months(world):
    rows = [("07168", 2016, None, "social_order", 95), ("07168", 2016, 5, "social_order", 3)]
    client = world.api_client("leader_a")
    response = client.post(
        "/api/v1/incidents/base-figures/import",
        {"file": SimpleUploadedFile("f.xlsx", xlsx(rows))},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["message"] == "Nothing was imported: 1 of 2 rows are refused."
    assert error["fields"]["file"] == [
        "Row 3, Month (1–12, empty for the whole year): the same ward, year and group is already counted in row 2."
    ]
    assert not BaseFigure.objects.exists()
    ok = client.post("/api/v1/incidents/base-figures/import", {"file": SimpleUploadedFile("f.xlsx", xlsx(rows[:1]))})
    assert ok.status_code == 200 and ok.json() == {"rows": 1, "figures": 1, "refused": []}


def test_rows_for_a_ward_the_leader_does_not_reach_are_refused(world):
    response = upload(world.client("leader_a"), [("06688", 2016, None, "social_order", 5)])
    assert response.status_code == 422 and not BaseFigure.objects.exists()


def test_import_pages_matrix(world):
    everyone_else = {a: 403 for a in ("citizen", "officer_a", "duty_a", "officer_b", "officer_dept")}
    assert_matrix(
        world,
        lambda c: c.get("/incidents/base-figures/"),
        {"anonymous": 302, **everyone_else, "leader_a": 200, "leader_p": 200, "admin_p": 200, "superuser": 200},
    )
    template = world.client("leader_p").get("/incidents/base-figures/template.xlsx")
    book = load_workbook(io.BytesIO(template.content))
    assert book.worksheets[0]["A1"].value.startswith("Công an phường")
    assert [c.value for c in book.worksheets[1]["A"]][1:3] == ["social_order", "drugs"]


def _crimes(world, count, year):
    """`count` social-order crimes received in `year`, cases opened (through the services)."""
    leader = world.user("leader_a")
    start = datetime.datetime(year, 1, 1, 9, tzinfo=TZ)
    for i in range(count):
        incident = record(world, actor="leader_a", received_at=start + datetime.timedelta(hours=9 * i))
        services.incident_transition(
            actor=leader,
            incident=incident,
            status="case_opened",
            case_number=f"{i}/QĐ",
            case_opened_on=timezone.localdate(incident.received_at),
            investigating_unit=world.ward_a,
        )


def test_public_page_says_minus_7_against_minus_5_met(world):
    """The acceptance: base 2016–2020 averaging 1,000 social-order crimes a year (imported), 930 in the year
    shown → −7 % against a −5 % target, met; aggregates only."""
    rows = [
        ("07168", y, None, "social_order", c)
        for y, c in zip(range(2016, 2021), (980, 1000, 1020, 990, 1010), strict=True)
    ]
    assert upload(world.client("leader_p"), rows).status_code == 200
    _crimes(world, 930, 2025)
    response = world.client("anonymous").get("/incidents/public/", {"year": "2025"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "-7,0 % so với mục tiêu -5 %" in page or "-7,0 % so với mục tiêu -5,0 %" in page
    assert 'data-testid="target-met"' in page
    assert "SV-" not in page and "karaoke" not in page  # no incident detail
    api = world.client("anonymous").get("/api/v1/incidents/public", {"year": 2025}).json()
    assert api["target"] == {
        "group": "social_order",
        "base_period": {"from": 2016, "to": 2020},
        "percent": -5.0,
        "change_percent": -7.0,
        "met": True,
    }
    assert {w["name"]: w["crimes"] for w in api["wards"]} == {"Công an phường A": 930, "Công an phường B": 0}


def test_public_page_suppresses_small_ward_counts(world):
    _crimes(world, 3, 2025)
    body = world.client("anonymous").get("/api/v1/incidents/public", {"year": 2025}).json()
    ward_a = next(w for w in body["wards"] if w["name"] == "Công an phường A")
    assert ward_a == {"name": "Công an phường A", "crimes": None, "suppressed": True}
    assert body["crimes"] == 3  # the province's own total is published
    assert_matrix(
        world,
        lambda c: c.get("/incidents/public/", {"year": "2025"}),
        {
            a: Expect(200, shows=("1–4",), hides=("SV-", "karaoke"))
            for a in (
                "anonymous",
                "citizen",
                "officer_a",
                "duty_a",
                "leader_a",
                "officer_b",
                "officer_dept",
                "leader_p",
                "admin_p",
                "superuser",
            )
        },
    )
    assert world.client("anonymous").get("/incidents/public/", {"year": "1800"}).status_code == 422
