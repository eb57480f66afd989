"""A crime report referred to a case becomes (or joins) an incident; the report's content stays in tips."""

import json

import pytest

from precinct.audit.models import AuditEvent
from precinct.core.errors import ValidationFailed
from precinct.incidents.models import Incident, IncidentReport
from precinct.incidents.tests.conftest import record
from precinct.testing import Expect, assert_matrix
from precinct.tips.models import Tip
from precinct.tips.services import handling
from precinct.tips.tests.conftest import REPORT, file_tip

SECRET = "Có người bán ma túy"  # the reporter's words, encrypted in tips


def tip_in_a(world) -> Tip:
    tip = Tip.objects.get(reference=file_tip(ward=world.ward_a.code)["reference"])
    return handling.tip_transition(actor=world.user("officer_a"), tip=tip, status="triage")


def test_referral_creates_an_incident_without_copying_the_report(world):
    tip = tip_in_a(world)
    handling.tip_transition(actor=world.user("officer_a"), tip=tip, status="referred")
    link = IncidentReport.objects.get(tip=tip)
    incident = link.incident
    assert (incident.source, incident.status, incident.unit) == ("crime_report", "received", world.ward_a)
    assert (link.tip_reference, link.summary, incident.description) == (tip.reference, "", "")
    assert incident.priority == tip.priority and incident.occurred_at == tip.occurred_at
    # Nothing the reporter wrote reached the register or its audit rows.
    rows = json.dumps(list(Incident.objects.values()) + list(IncidentReport.objects.values()), default=str)
    rows += json.dumps(list(AuditEvent.objects.filter(action__startswith="incidents.").values()), default=str)
    for words in (SECRET, REPORT["address"], REPORT["people"], "0988 777 666"):
        assert words not in rows
    assert [e.action for e in incident.events.all()] == ["recorded", "report_linked"]
    assert AuditEvent.objects.filter(action="incidents.report_link", target_id=str(incident.pk)).exists()


def test_what_the_officer_copies_goes_into_the_incident(world):
    tip = tip_in_a(world)
    client = world.api_client("officer_a")
    response = client.post(
        f"/api/v1/tips/{tip.pk}/status",
        data=json.dumps({"status": "referred", "case_summary": "Nghi bán ma túy tại quán nước ngõ 12"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert IncidentReport.objects.get(tip=tip).summary == "Nghi bán ma túy tại quán nước ngõ 12"


def test_referral_joins_an_existing_incident(world):
    existing = record(world)
    tip = tip_in_a(world)
    handling.tip_transition(actor=world.user("duty_a"), tip=tip, status="referred", case_reference=existing.reference)
    assert IncidentReport.objects.get(tip=tip).incident == existing
    assert Incident.objects.count() == 1


def test_an_unknown_case_refuses_the_referral_and_changes_nothing(world):
    elsewhere = record(world, actor="officer_b", unit=world.ward_b)  # ward B's: not ward A's officer's
    tip = tip_in_a(world)
    for reference in ("SV-999999", elsewhere.reference, "nonsense"):
        with pytest.raises(ValidationFailed) as refused:
            handling.tip_transition(actor=world.user("officer_a"), tip=tip, status="referred", case_reference=reference)
        assert "case_reference" in refused.value.fields
    tip.refresh_from_db()
    assert tip.status == "triage" and not IncidentReport.objects.exists()


def test_the_incident_page_says_which_report_it_came_from(world):
    tip = tip_in_a(world)
    handling.tip_transition(actor=world.user("officer_a"), tip=tip, status="referred", case_summary="Tóm tắt")
    incident = IncidentReport.objects.get(tip=tip).incident
    ref = f"{tip.reference[:4]}-{tip.reference[4:]}"
    sees = Expect(200, shows=(ref, "Tóm tắt"), hides=(SECRET,))
    hidden = Expect(404, hides=(ref,))
    assert_matrix(
        world,
        lambda c: c.get(f"/incidents/{incident.pk}/"),
        {
            "anonymous": 302,
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
    )
