import json

from django.test import Client

from precinct.tips.models import Tip
from precinct.tips.tests.conftest import file_tip, solved


def test_report_followup_and_answer(world):
    filed = file_tip(ward=world.ward_a.division_code)
    assert len(filed["receipt"]) == 16 and filed["receipt"].isdigit()
    tip = Tip.objects.get(reference=filed["reference"])
    assert tip.unit == world.ward_a and tip.status == "new"

    client = Client()
    r = client.post(
        "/api/v1/tips/followup",
        data=json.dumps({"receipt": filed["receipt"]} | solved(client)),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "new" and r.json()["messages"] == []

    officer = world.api_client("officer_a")
    r = officer.post(
        f"/api/v1/tips/{tip.pk}/messages",
        data={"body": "Cảm ơn, chúng tôi đang xác minh."},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    r = client.post(
        "/api/v1/tips/followup",
        data=json.dumps({"receipt": filed["receipt"]} | solved(client)),
        content_type="application/json",
    )
    assert [m["body"] for m in r.json()["messages"]] == ["Cảm ơn, chúng tôi đang xác minh."]
