"""Recording, classifying and moving incidents: validation, the transition table, history and audit."""

import datetime

import pytest

from precinct.audit.models import AuditEvent
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.incidents import services
from precinct.incidents.models import Incident, IncidentEvent
from precinct.incidents.tests.conftest import open_case, record


def test_record_writes_history_and_audit(world):
    incident = record(world, latitude="21.0123456", longitude="107.1")
    assert incident.status == "received"
    assert incident.crime_group == "social_order"  # from the article's group in the data file
    assert incident.unit_path == world.ward_a.path
    assert str(incident.latitude) == "21.012346"
    assert [e.action for e in incident.events.all()] == ["recorded"]
    audit = AuditEvent.objects.get(action="incidents.incident_record")
    assert audit.unit_path == world.ward_a.path and audit.actor == world.user("officer_a")


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"source": "rumour"}, "source"),
        ({"description": "  "}, "description"),
        ({"classification": "crime", "article": "999"}, "article"),
        ({"classification": "traffic_accident", "article": "260"}, "article"),
        ({"classification": "unknown", "article": ""}, "classification"),
        ({"priority": 9}, "priority"),
        ({"latitude": "95", "longitude": "107"}, "latitude"),
        ({"latitude": "21"}, "latitude"),
        ({"latitude": "abc", "longitude": "107"}, "latitude"),
        ({"occurred_at": datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)}, "occurred_at"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(world, fields, bad):
    with pytest.raises(ValidationFailed) as refused:
        record(world, **fields)
    assert bad in refused.value.fields
    assert not Incident.objects.exists() and not AuditEvent.objects.filter(action__startswith="incidents.").exists()


def test_messages_are_in_vietnamese_and_english(world):
    from django.utils import translation

    for language, text in (("vi", "Hãy cho biết"), ("en", "Say what happened")):
        with translation.override(language):
            with pytest.raises(ValidationFailed) as refused:
                record(world, description="")
            assert text in str(refused.value.fields["description"][0])


def test_an_officer_records_only_for_a_unit_they_reach(world):
    with pytest.raises(PermissionDenied):
        record(world, actor="officer_b")  # ward A, recorded by ward B's officer
    for actor in ("citizen", "admin_p", "anonymous"):
        with pytest.raises(PermissionDenied):
            record(world, actor=actor)
    assert record(world, actor="leader_p").unit == world.ward_a  # the province's leader reaches ward A


def test_the_transition_table(world):
    incident = record(world)
    officer = world.user("officer_a")
    with pytest.raises(DomainError) as refused:
        services.incident_transition(actor=officer, incident=incident, status="solved")
    assert refused.value.code == "transition_not_allowed"
    services.incident_transition(actor=officer, incident=incident, status="verifying", note="Đã gọi lại người báo")
    incident = open_case(world, incident)
    assert (incident.status, incident.investigating_unit) == ("case_opened", world.department)
    services.incident_transition(actor=officer, incident=incident, status="suspended")
    services.incident_transition(actor=officer, incident=incident, status="case_opened")  # resumed
    incident = services.incident_transition(actor=officer, incident=incident, status="solved")
    assert incident.closed_at is not None
    with pytest.raises(DomainError):
        services.incident_transition(actor=officer, incident=incident, status="verifying")
    history = list(IncidentEvent.objects.filter(incident=incident).values_list("from_status", "to_status"))
    assert history == [
        ("", "received"),
        ("received", "verifying"),
        ("verifying", "case_opened"),
        ("case_opened", "suspended"),
        ("suspended", "case_opened"),
        ("case_opened", "solved"),
    ]
    assert AuditEvent.objects.filter(action="incidents.incident_transition", target_id=str(incident.pk)).count() == 5


def test_opening_a_case_needs_an_article_a_number_a_date_and_a_unit(world):
    incident = record(world, classification="crime", article="")
    with pytest.raises(ValidationFailed) as refused:
        services.incident_transition(actor=world.user("officer_a"), incident=incident, status="case_opened")
    assert {"status", "case_number", "case_opened_on", "investigating_unit"} <= set(refused.value.fields)
    with pytest.raises(ValidationFailed) as refused:
        open_case(world, record(world), case_opened_on=datetime.date.today() + datetime.timedelta(days=1))
    assert "case_opened_on" in refused.value.fields
    with pytest.raises(ValidationFailed):  # case details on another move
        services.incident_transition(
            actor=world.user("officer_a"), incident=incident, status="verifying", case_number="1/2025"
        )
    incident.refresh_from_db()
    assert incident.status == "received" and incident.case_number == ""


def test_the_investigating_unit_reaches_the_case(world):
    incident = open_case(world, record(world))
    # The department's officer now handles it (the investigating unit), ward B's does not.
    services.incident_transition(actor=world.user("officer_dept"), incident=incident, status="solved")
    with pytest.raises(PermissionDenied):
        services.incident_classify(actor=world.user("officer_b"), incident=incident, classification="crime")


def test_classify(world):
    incident = record(world, classification="other", article="")
    incident = services.incident_classify(
        actor=world.user("duty_a"), incident=incident, classification="crime", article="251", priority=4
    )
    assert (incident.crime_group, incident.priority) == ("drugs", 4)
    event = incident.events.last()
    assert event.action == "classified" and event.data["before"]["classification"] == "other"
    open_case(world, incident)
    with pytest.raises(ValidationFailed):  # an open case stays a crime, under an article
        services.incident_classify(actor=world.user("duty_a"), incident=incident, classification="other")
    with pytest.raises(ValidationFailed):
        services.incident_classify(actor=world.user("duty_a"), incident=incident, classification="crime", article="")
