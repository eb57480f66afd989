"""Campaigns: launched by a leader, seen by the units taking part, tagging incidents; results by unit
(rings dismantled, persons arrested, exhibits seized)."""

import datetime
import json

import pytest
from django.utils import timezone

from precinct.audit.models import AuditEvent
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.incidents import campaign_services, case_services
from precinct.incidents.models import Campaign, CampaignIncident
from precinct.incidents.tests.conftest import record
from precinct.testing import Expect, assert_matrix


def launch(world, actor="leader_p", units=None, **fields):
    today = timezone.localdate()
    data = {
        "name": "Cao điểm tấn công tội phạm tín dụng đen",
        "starts_on": today - datetime.timedelta(days=30),
        "ends_on": today + datetime.timedelta(days=30),
        "lead_unit": world.province,
        "units": [world.ward_a, world.ward_b] if units is None else units,
        "targets": "Triệt phá ít nhất 2 đường dây",
        "target_rings": 2,
        "target_arrests": 10,
    } | fields
    return campaign_services.campaign_create(actor=world.user(actor), **data)


def arrested_suspect(world, incident, actor, name):
    person = case_services.person_add(
        actor=world.user(actor), incident=incident, data=case_services.NewPerson(role="suspect", full_name=name)
    )
    case_services.person_arrest(actor=world.user(actor), person=person, arrested_on=timezone.localdate(), grounds="")
    return person


@pytest.fixture
def campaign_with_results(world):
    campaign = launch(world)
    a1, a2 = record(world), record(world)
    b1 = record(world, actor="officer_b", unit=world.ward_b)
    campaign_services.campaign_tag(actor=world.user("officer_a"), campaign=campaign, incident=a1, ring_dismantled=True)
    campaign_services.campaign_tag(actor=world.user("officer_a"), campaign=campaign, incident=a2)
    campaign_services.campaign_tag(actor=world.user("officer_b"), campaign=campaign, incident=b1, ring_dismantled=True)
    arrested_suspect(world, a1, "officer_a", "Đối tượng 1")
    arrested_suspect(world, a1, "officer_a", "Đối tượng 2")
    arrested_suspect(world, b1, "officer_b", "Đối tượng 3")
    case_services.person_add(
        actor=world.user("officer_a"), incident=a2, data=case_services.NewPerson(role="victim", full_name="Bị hại")
    )
    for description, value in (("Sổ ghi nợ", 0), ("Tiền mặt", 120_000_000)):
        case_services.exhibit_seize(
            actor=world.user("officer_a"),
            incident=a1,
            data=case_services.NewExhibit(
                description=description, quantity="1", measure="bộ", stored_at="Kho A", estimated_value=value
            ),
        )
    return campaign


def test_results_by_unit(world, campaign_with_results):
    response = world.api_client("leader_p").get(f"/api/v1/incidents/campaigns/{campaign_with_results.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    rows = {u["unit"]: u for u in body["units"]}
    assert rows[world.ward_a.code] | {"name": ""} == {
        "unit": world.ward_a.code,
        "name": "",
        "incidents": 2,
        "rings": 1,
        "arrested": 2,
        "exhibits": 2,
        "exhibits_value": 120_000_000,
    }
    assert (rows[world.ward_b.code]["rings"], rows[world.ward_b.code]["arrested"]) == (1, 1)
    assert body["totals"] == {"incidents": 3, "rings": 2, "arrested": 3, "exhibits": 2, "exhibits_value": 120_000_000}
    # A ward sees its own line only.
    ward = world.api_client("officer_b").get(f"/api/v1/incidents/campaigns/{campaign_with_results.pk}").json()
    assert [u["unit"] for u in ward["units"]] == [world.ward_b.code] and ward["totals"]["rings"] == 1
    page = world.client("leader_p").get(f"/incidents/campaigns/{campaign_with_results.pk}/").content.decode()
    assert 'data-testid="rings">2 / 2' in page and 'data-testid="arrested">3 / 10' in page


def test_campaign_pages_and_api_matrix(world, campaign_with_results):
    pk = campaign_with_results.pk
    sees = Expect(200, shows=("Cao điểm tấn công",))
    matrix = {
        "anonymous": 302,
        "citizen": 403,
        "officer_a": sees,
        "duty_a": sees,
        "leader_a": sees,
        "officer_b": sees,
        "officer_dept": Expect(404, hides=("Cao điểm tấn công",)),  # PC06 takes no part
        "leader_p": sees,
        "admin_p": 403,
        "superuser": sees,
    }
    assert_matrix(world, lambda c: c.get(f"/incidents/campaigns/{pk}/"), matrix)
    listing = matrix | {"officer_dept": Expect(200, hides=("Cao điểm tấn công",))}
    assert_matrix(world, lambda c: c.get("/incidents/campaigns/"), listing)
    api = {
        k: (v if not (isinstance(v, Expect) and v.status == 200) else Expect(200, shows=("tags", "units")[1:]))
        for k, v in matrix.items()
    }
    api |= {"anonymous": 401, "officer_dept": 404}
    assert_matrix(world, lambda c: c.get(f"/api/v1/incidents/campaigns/{pk}"), api, api=True)


def test_launching_a_campaign_matrix(world):
    today = timezone.localdate()

    def create(client):
        body = {
            "name": "Tấn công tội phạm ma túy",
            "starts_on": today.isoformat(),
            "ends_on": (today + datetime.timedelta(days=60)).isoformat(),
            "lead_unit": world.ward_a.code,
        }
        return client.post("/api/v1/incidents/campaigns", data=json.dumps(body), content_type="application/json")

    assert_matrix(
        world,
        create,
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": 403,
            "duty_a": 403,
            "leader_a": 201,
            "officer_b": 403,
            "officer_dept": 403,
            "leader_p": 201,
            "admin_p": 403,
            "superuser": 201,
        },
        api=True,
    )
    assert Campaign.objects.count() == 3
    assert AuditEvent.objects.filter(action="incidents.campaign_create").count() == 3


def test_launching_refuses_bad_input_and_changes_nothing(world):
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as refused:
        launch(
            world,
            actor="leader_a",
            lead_unit=world.ward_a,
            units=[world.ward_b],
            name="",
            ends_on=today - datetime.timedelta(days=60),
        )
    assert set(refused.value.fields) == {"name", "ends_on", "units"}
    response = world.api_client("leader_p").post(
        "/api/v1/incidents/campaigns",
        data=json.dumps({"name": "X", "lead_unit": world.province.code, "ends_on": today.isoformat()}),
        content_type="application/json",
        headers={"Accept-Language": "vi"},
    )
    assert response.status_code == 422 and response.json()["error"]["fields"]["starts_on"] == ["Hãy cho biết ngày."]
    assert not Campaign.objects.exists()


def test_tagging_rules(world):
    campaign = launch(world, units=[world.ward_a])
    old = record(world, received_at=timezone.now() - datetime.timedelta(days=90))
    with pytest.raises(ValidationFailed):
        campaign_services.campaign_tag(actor=world.user("officer_a"), campaign=campaign, incident=old)
    b = record(world, actor="officer_b", unit=world.ward_b)
    with pytest.raises(ValidationFailed):  # ward B takes no part
        campaign_services.campaign_tag(actor=world.user("leader_p"), campaign=campaign, incident=b)
    a = record(world)
    with pytest.raises(PermissionDenied):
        campaign_services.campaign_tag(actor=world.user("officer_b"), campaign=campaign, incident=a)
    campaign_services.campaign_tag(actor=world.user("officer_a"), campaign=campaign, incident=a)
    with pytest.raises(DomainError) as again:
        campaign_services.campaign_tag(actor=world.user("officer_a"), campaign=campaign, incident=a)
    assert again.value.status == 409
    assert CampaignIncident.objects.count() == 1
    # Through the page, by reference.
    other = record(world)
    response = world.client("duty_a").post(
        f"/incidents/campaigns/{campaign.pk}/tag/", {"incident": other.reference, "ring_dismantled": "1"}
    )
    assert response.status_code == 302
    assert CampaignIncident.objects.get(incident=other).ring_dismantled is True
    assert other.events.filter(action="campaign_tagged").exists()
