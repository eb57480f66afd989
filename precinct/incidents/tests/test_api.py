"""Every endpoint and page of the register as each of the ten actors (precinct.testing.assert_matrix)."""

import json

from django.utils import timezone

from precinct.incidents.models import Incident
from precinct.incidents.tests.conftest import record
from precinct.testing import Expect, assert_matrix


def everyone(default, **overrides):
    return {
        a: overrides.get(a, default)
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
    }


def test_list_api_matrix(world):
    ref = record(world).reference
    sees, empty = Expect(200, shows=(ref,)), Expect(200, hides=(ref,))
    assert_matrix(
        world,
        lambda c: c.get("/api/v1/incidents"),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": sees,
            "duty_a": sees,
            "leader_a": sees,
            "officer_b": empty,
            "officer_dept": empty,
            "leader_p": sees,
            "admin_p": 403,
            "superuser": sees,
        },
        api=True,
    )


def test_get_api_matrix(world):
    incident = record(world)
    ref = incident.reference
    sees, hidden = Expect(200, shows=(ref, "karaoke")), Expect(404, hides=(ref, "karaoke"))
    assert_matrix(
        world,
        lambda c: c.get(f"/api/v1/incidents/{incident.pk}"),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": sees,
            "duty_a": sees,
            "leader_a": sees,
            "officer_b": hidden,
            "officer_dept": hidden,
            "leader_p": sees,
            "admin_p": 403,
            "superuser": sees,
        },
        api=True,
    )


def test_record_api_matrix(world):
    body = {
        "unit": world.ward_a.code,
        "source": "walk_in",
        "description": "Mất trộm xe máy tại bãi xe chợ",
        "classification": "crime",
        "article": "173",
        "latitude": "21.0",
        "longitude": "107.3",
    }
    assert_matrix(
        world,
        lambda c: c.post("/api/v1/incidents", data=json.dumps(body), content_type="application/json"),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": 201,
            "duty_a": 201,
            "leader_a": 201,
            "officer_b": 403,
            "officer_dept": 403,
            "leader_p": 201,
            "admin_p": 403,
            "superuser": 201,
        },
        api=True,
    )
    assert Incident.objects.count() == 5


def test_record_api_refuses_bad_input_in_the_callers_language(world):
    client = world.api_client("officer_a")
    body = {"unit": world.ward_a.code, "source": "walk_in", "classification": "crime", "article": "999"}
    response = client.post(
        "/api/v1/incidents", data=json.dumps(body), content_type="application/json", headers={"Accept-Language": "vi"}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"]["article"] == ["Không có điều luật này trong danh mục."]
    assert error["fields"]["description"] == ["Hãy cho biết nội dung vụ việc."]
    assert not Incident.objects.exists()


def test_status_api_matrix(world):
    def move(client):
        incident = record(world)
        return client.post(
            f"/api/v1/incidents/{incident.pk}/status",
            data=json.dumps({"status": "verifying"}),
            content_type="application/json",
        )

    assert_matrix(
        world,
        move,
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": 200,
            "duty_a": 200,
            "leader_a": 200,
            "officer_b": 404,
            "officer_dept": 404,
            "leader_p": 200,
            "admin_p": 403,
            "superuser": 200,
        },
        api=True,
    )


def test_opening_a_case_through_the_api(world):
    incident = record(world)
    client = world.api_client("officer_a")
    body = {
        "status": "case_opened",
        "case_number": "15/QĐ-CSĐT",
        "case_opened_on": timezone.localdate(incident.received_at).isoformat(),
        "investigating_unit": world.department.code,
    }
    response = client.post(
        f"/api/v1/incidents/{incident.pk}/status", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["case_number"] == "15/QĐ-CSĐT" and response.json()["investigating_unit"] == "22-PC06"
    # The investigating department now sees it.
    assert world.api_client("officer_dept").get(f"/api/v1/incidents/{incident.pk}").status_code == 200
    again = client.post(
        f"/api/v1/incidents/{incident.pk}/status", data=json.dumps(body), content_type="application/json"
    )
    assert again.status_code == 409


def test_classification_api_matrix(world):
    def classify(client):
        incident = record(world)
        return client.post(
            f"/api/v1/incidents/{incident.pk}/classification",
            data=json.dumps({"classification": "crime", "article": "171", "priority": 3}),
            content_type="application/json",
        )

    assert_matrix(
        world,
        classify,
        everyone(200, anonymous=401, citizen=403, officer_b=404, officer_dept=404, admin_p=403),
        api=True,
    )


def test_duty_api_matrix(world):
    ref = record(world).reference
    sees = Expect(200, shows=(ref,))
    assert_matrix(
        world,
        lambda c: c.get("/api/v1/incidents/duty"),
        everyone(
            sees,
            anonymous=401,
            citizen=403,
            officer_a=403,
            officer_b=403,
            officer_dept=403,
            admin_p=403,
        ),
        api=True,
    )
    assert_matrix(
        world,
        lambda c: c.get("/incidents/duty/"),
        everyone(sees, anonymous=302, citizen=403, officer_a=403, officer_b=403, officer_dept=403, admin_p=403),
    )


def test_articles_api(world):
    response = world.api_client("officer_a").get("/api/v1/incidents/articles")
    articles = {a["article"]: a for a in response.json()}
    assert articles["173"]["group"] == "social_order" and articles["251"]["group"] == "drugs"
    assert articles["290"]["group"] == "high_tech"


def test_pages_matrix(world):
    ref = record(world).reference
    sees, empty = Expect(200, shows=(ref,)), Expect(200, hides=(ref,))
    assert_matrix(
        world,
        lambda c: c.get("/incidents/"),
        {
            "anonymous": 302,
            "citizen": 403,
            "officer_a": sees,
            "duty_a": sees,
            "leader_a": sees,
            "officer_b": empty,
            "officer_dept": empty,
            "leader_p": sees,
            "admin_p": 403,
            "superuser": sees,
        },
    )
    assert_matrix(
        world,
        lambda c: c.get("/incidents/new/"),
        everyone(200, anonymous=302, citizen=403, admin_p=403),
    )


def test_record_page(world):
    client = world.client("duty_a")
    response = client.post(
        "/incidents/new/",
        {
            "unit": world.ward_a.code,
            "source": "patrol",
            "description": "Tuần tra phát hiện nhóm đánh bạc",
            "classification": "crime",
            "article": "321",
            "priority": "3",
            "occurred_at": "2025-03-01T22:10",
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/incidents/{incident.pk}/"
    assert (incident.crime_group, incident.priority, incident.source) == ("social_order", 3, "patrol")
    bad = client.post("/incidents/new/", {"unit": world.ward_a.code, "source": "patrol", "classification": "crime"})
    assert bad.status_code == 422 and "Hãy cho biết nội dung vụ việc." in bad.content.decode()
    assert Incident.objects.count() == 1


def test_act_page_matrix(world):
    def act(client):
        incident = record(world)
        return client.post(f"/incidents/{incident.pk}/act/", {"do": "status", "status": "verifying"})

    assert_matrix(
        world,
        act,
        everyone(302, citizen=403, officer_b=404, officer_dept=404, admin_p=403),
    )
    # anonymous is sent to sign in (302) and nothing moved for them, nor for those refused
    assert Incident.objects.filter(status="verifying").count() == 5  # officer_a, duty_a, leader_a, leader_p, superuser
