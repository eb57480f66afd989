"""Crime statistics against the base period, the registered measures, the page, the API and the export."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.core.measures import measure_value
from precinct.incidents import services
from precinct.incidents.tests.conftest import record
from precinct.testing import Expect, assert_matrix

TZ = datetime.timezone(datetime.timedelta(hours=7))
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


def crime(world, article, day, *, solved=False, unit=None, actor="officer_a"):
    received = datetime.datetime(2025, 1, 1, 9, tzinfo=TZ) + datetime.timedelta(days=day)
    incident = record(world, actor=actor, unit=unit, article=article, received_at=received)
    services.incident_transition(
        actor=world.user(actor),
        incident=incident,
        status="case_opened",
        case_number=f"{incident.pk}/QĐ",
        case_opened_on=received.date(),
        investigating_unit=world.department,
    )
    if solved:
        services.incident_transition(actor=world.user(actor), incident=incident, status="solved")
    return incident


@pytest.fixture
def year_of_crimes(world):
    """Ward A: base 2016–2020 averaging 100 social-order crimes a year; 93 this year (a third solved),
    2 drug crimes, an administrative matter and a crime closed as not a crime (neither counted)."""
    leader = world.user("leader_a")
    for year, count in zip(range(2016, 2021), (95, 100, 105, 110, 90), strict=True):
        services.base_figure_set(actor=leader, unit=world.ward_a, year=year, crime_group="social_order", count=count)
    services.base_figure_set(actor=leader, unit=world.ward_a, year=2018, crime_group="drugs", count=10)
    for i in range(93):
        crime(world, ("173", "134", "321")[i % 3], i * 3, solved=i % 3 == 0)
    crime(world, "251", 40)
    crime(world, "251", 41, solved=True)
    crime(world, "173", 100, unit=world.ward_b, actor="officer_b")
    other = record(
        world, classification="administrative", article="", received_at=datetime.datetime(2025, 5, 1, tzinfo=TZ)
    )
    services.incident_transition(actor=leader, incident=other, status="administrative")
    not_crime = record(world, received_at=datetime.datetime(2025, 6, 1, tzinfo=TZ))
    services.incident_transition(actor=leader, incident=not_crime, status="not_a_crime")


def test_the_crime_reduction_figure(world, year_of_crimes):
    response = world.api_client("leader_a").get("/api/v1/incidents/stats", {"unit": world.ward_a.code, **YEAR})
    assert response.status_code == 200, response.content
    stats = response.json()
    assert (stats["crimes"], stats["solved"], stats["solve_rate"]) == (95, 32, 33.7)
    social = next(g for g in stats["groups"] if g["group"] == "social_order")
    assert (social["crimes"], social["base_average"], social["change_percent"]) == (93, 100.0, -7.0)
    assert stats["target"] == {"group": "social_order", "percent": -5.0, "change_percent": -7.0, "met": True}
    drugs = next(g for g in stats["groups"] if g["group"] == "drugs")
    assert (drugs["crimes"], drugs["base_average"], drugs["change_percent"]) == (2, 2.0, 0.0)
    assert {a["article"]: a["crimes"] for a in stats["articles"]} == {"173": 31, "134": 31, "321": 31, "251": 2}
    assert [w["code"] for w in stats["wards"]] == [world.ward_a.code]
    assert sum(m["crimes"] for m in stats["months"]) == 95
    # A stricter target is not met; half a year is compared with half the base average.
    strict = world.api_client("leader_a").get("/api/v1/incidents/stats", {**YEAR, "target": "-10"}).json()
    assert strict["target"]["met"] is False
    half = world.api_client("leader_a").get("/api/v1/incidents/stats", {"from": "2025-01-01", "to": "2025-06-30"})
    social_half = next(g for g in half.json()["groups"] if g["group"] == "social_order")
    assert social_half["base_average"] == 50.0 and social_half["crimes"] == 61  # days 0..180, every third day


def test_the_province_counts_every_ward(world, year_of_crimes):
    stats = world.api_client("leader_p").get("/api/v1/incidents/stats", YEAR).json()
    assert stats["unit"]["code"] == world.province.code
    assert stats["crimes"] == 96
    assert {w["code"]: w["crimes"] for w in stats["wards"]} == {world.ward_a.code: 95, world.ward_b.code: 1}


def test_measures_are_the_pages_figures(world, year_of_crimes):
    period = {"start": datetime.date(2025, 1, 1), "end": datetime.date(2025, 12, 31)}
    assert measure_value("incidents.crimes_social_order", unit_path=world.ward_a.path, **period) == 93
    assert measure_value("incidents.crimes", unit_path=world.province.path, **period) == 96
    assert measure_value("incidents.crimes_drugs", unit_path=world.ward_b.path, **period) == 0
    assert measure_value("incidents.solve_rate", unit_path=world.ward_a.path, **period) == Decimal("33.7")
    assert measure_value("incidents.solve_rate", unit_path=world.department.path, **period) is None


def test_stats_matrix(world, year_of_crimes):
    # Ward A: 93 against 100 (−7 %); the province adds ward B's one theft: 94 against 100 (−6 %).
    ward, province = Expect(200, shows=("-7,0 %",)), Expect(200, shows=("-6,0 %",), hides=("-7,0 %",))
    leaders = {
        "anonymous": 302,
        "citizen": 403,
        "officer_a": 403,
        "duty_a": 403,
        "leader_a": ward,
        "officer_b": 403,
        "officer_dept": 403,
        "leader_p": province,
        "admin_p": 403,
        "superuser": province,
    }
    assert_matrix(world, lambda c: c.get("/incidents/stats/", YEAR), leaders)
    api = {
        a: (
            Expect(200, shows=tuple(s.replace(",", ".").replace(" %", "") for s in e.shows))
            if isinstance(e, Expect)
            else e
        )
        for a, e in leaders.items()
    }
    assert_matrix(world, lambda c: c.get("/api/v1/incidents/stats", YEAR), api | {"anonymous": 401}, api=True)
    # A leader asking for a unit outside their reach: 404, like an absent one.
    ward_b = world.client("leader_a").get("/incidents/stats/", {"unit": world.ward_b.code, **YEAR})
    assert ward_b.status_code == 404


def test_the_page_says_met_and_exports(world, year_of_crimes):
    client = world.client("leader_a")
    page = client.get("/incidents/stats/", YEAR).content.decode()
    assert 'data-testid="target-met"' in page and "-7,0 %" in page
    export = client.get("/incidents/stats/export.xlsx", YEAR)
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.content))
    groups = {row[0]: row[1:] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert groups["Tội phạm về trật tự xã hội"] == (93, 31, 100.0, -7.0)
    assert world.client("officer_a").get("/incidents/stats/export.xlsx", YEAR).status_code == 403


def test_drill_down_lists_the_counted_crimes(world, year_of_crimes):
    listed = world.api_client("leader_a").get(
        "/api/v1/incidents", {"crimes_only": "true", "group": "drugs", "limit": 500, **YEAR}
    )
    assert [i["article"] for i in listed.json()] == ["251", "251"]


def test_base_figures_are_validated_and_scoped(world):
    leader = world.user("leader_a")
    with pytest.raises(ValidationFailed) as refused:
        services.base_figure_set(actor=leader, unit=world.ward_a, year=1980, crime_group="nonsense", count=-1)
    assert set(refused.value.fields) == {"year", "crime_group", "count"}
    with pytest.raises(PermissionDenied):
        services.base_figure_set(actor=leader, unit=world.ward_b, year=2018, crime_group="drugs", count=1)
    with pytest.raises(PermissionDenied):
        services.base_figure_set(
            actor=world.user("officer_a"), unit=world.ward_a, year=2018, crime_group="drugs", count=1
        )


def test_arrests_are_counted_by_the_day_they_were_made(world, year_of_crimes):
    """Issue 16 item 5: arrests beside crimes. A person arrested twice is two arrests and one person; an
    arrest made after the period is not counted in it; another ward's arrest counts for the province only."""
    from precinct.incidents import case_services
    from precinct.incidents.models import Incident

    officer = world.user("officer_a")
    theft = Incident.objects.filter(unit=world.ward_a, article="173").order_by("received_at").first()
    suspect = case_services.person_add(
        actor=officer, incident=theft, data=case_services.NewPerson(role="suspect", full_name="Trần Văn Bình")
    )
    accomplice = case_services.person_add(
        actor=officer, incident=theft, data=case_services.NewPerson(role="suspect", full_name="Lê Văn Cường")
    )
    case_services.person_arrest(actor=officer, person=suspect, arrested_on=datetime.date(2025, 3, 1), grounds="")
    case_services.person_release(actor=officer, person=suspect, released_on=datetime.date(2025, 3, 4), reason="x")
    case_services.person_arrest(actor=officer, person=suspect, arrested_on=datetime.date(2025, 4, 1), grounds="")
    case_services.person_arrest(actor=officer, person=accomplice, arrested_on=datetime.date(2026, 1, 5), grounds="")
    theft_b = Incident.objects.get(unit=world.ward_b)
    other = case_services.person_add(
        actor=world.user("officer_b"), incident=theft_b, data=case_services.NewPerson(role="suspect", full_name="Vũ Hà")
    )
    case_services.person_arrest(
        actor=world.user("officer_b"), person=other, arrested_on=datetime.date(2025, 5, 1), grounds=""
    )

    ward = world.api_client("leader_a").get("/api/v1/incidents/stats", {"unit": world.ward_a.code, **YEAR}).json()
    assert (ward["arrests"], ward["arrested_persons"]) == (2, 1)
    assert {w["code"]: w["arrests"] for w in ward["wards"]} == {world.ward_a.code: 2}
    province = world.api_client("leader_p").get("/api/v1/incidents/stats", YEAR).json()
    assert (province["arrests"], province["arrested_persons"]) == (3, 2)
    page = world.client("leader_a").get("/incidents/stats/", {"unit": world.ward_a.code, **YEAR})
    assert page.status_code == 200
    assert 'data-testid="arrests">2<' in page.content.decode()
