"""A camera alert handed on from the duty console becomes one incident, through the real services of both apps."""

import uuid
from decimal import Decimal

import pytest
from django.db import transaction

from precinct.audit.models import AuditEvent
from precinct.cameras.models import AlertKind, AlertStatus
from precinct.cameras.services import alert_acknowledge, alert_hand_on, alert_raise, alert_rule_create
from precinct.cameras.tests.conftest import DAY, NIGHT, alert_for, feed, frigate
from precinct.core.errors import DomainError
from precinct.incidents import selectors, services
from precinct.incidents.models import Incident, IncidentCameraAlert, Priority
from precinct.testing import Expect, assert_matrix


def hand_on(world, cams, note="Tàu lạ áp sát bè, hai người"):
    alert = alert_for(world, cams)  # a person on CAM-A2 at 23:30, ward A
    alert_acknowledge(actor=world.user("duty_a"), alert=alert)
    alert_hand_on(actor=world.user("duty_a"), alert=alert, note=note)
    return alert, IncidentCameraAlert.objects.get(alert_number=alert.pk).incident


def test_handing_on_an_alert_records_one_linked_incident(world, cams):
    alert, incident = hand_on(world, cams)
    assert Incident.objects.count() == 1
    assert (incident.source, incident.status, incident.classification) == ("camera_alert", "received", "other")
    assert (incident.unit, incident.unit_path) == (world.ward_a, world.ward_a.path)
    assert (incident.latitude, incident.longitude) == (cams.a2.latitude, cams.a2.longitude)
    assert incident.address == "oyster cages, zone 1"
    assert incident.occurred_at == NIGHT and incident.received_at >= alert.raised_at
    assert incident.priority == Priority.HIGH  # a detection at night
    assert incident.created_by == world.user("duty_a")
    # Described in the officer's language (Vietnamese), from the detection and the note.
    assert incident.description.startswith(f"Cảnh báo camera #{alert.pk}: camera CAM-A2 (Camera CAM-A2) phát hiện")
    assert "độ tin cậy 80%, lúc 20/11/2026 23:30." in incident.description
    assert incident.description.endswith("Ghi chú của cán bộ trực ban: Tàu lạ áp sát bè, hai người")
    link = incident.camera_alerts.get()
    assert (link.alert, link.alert_number, link.camera_code, link.event_label) == (alert, alert.pk, "CAM-A2", "person")
    assert (link.event_score, link.detected_at, link.linked_by) == (Decimal("0.800"), NIGHT, world.user("duty_a"))
    assert [e.action for e in incident.events.all()] == ["recorded", "camera_alert_linked"]
    audited = AuditEvent.objects.filter(target_type="incidents.Incident", target_id=str(incident.pk))
    assert sorted(audited.values_list("action", flat=True)) == [
        "incidents.camera_alert_link",
        "incidents.incident_record",
    ]
    assert audited.get(action="incidents.camera_alert_link").after == {
        "alert": alert.pk,
        "camera": "CAM-A2",
        "kind": "detection",
    }
    alert.refresh_from_db()
    assert alert.status == AlertStatus.HANDED_ON


def test_the_same_alert_never_makes_two_incidents(world, cams):
    alert, incident = hand_on(world, cams)
    # Cameras refuses a second hand-on of a closed alert...
    with pytest.raises(DomainError) as refused:
        alert_hand_on(actor=world.user("duty_a"), alert=alert, note="again")
    assert refused.value.code == "alert_closed"
    # ...and incidents answers a repeat with the incident it already made.
    again = services.incident_from_camera_alert(actor=world.user("officer_a"), alert=alert, note="again")
    assert again == incident
    assert Incident.objects.count() == 1 and IncidentCameraAlert.objects.count() == 1
    assert AuditEvent.objects.filter(action="incidents.camera_alert_link").count() == 1


def test_each_alert_its_own_incident(world, cams):
    _, first = hand_on(world, cams)
    _, second = hand_on(world, cams)
    assert first != second and Incident.objects.count() == 2


def test_an_officer_writing_english_gets_an_english_description_and_a_day_detection_is_normal(world, cams):
    officer = world.user("officer_a")
    officer.language = "en"
    officer.save(update_fields=["language"])
    alert_rule_create(actor=None, unit=world.ward_a, name="all day", labels=["boat"], start_hour=0, end_hour=24)
    feed("rec-a", frigate("new", f"day-{uuid.uuid4()}", camera="cage_1", label="boat", score=0.913, at=DAY))
    alert = cams.a1.alerts.get()
    alert_hand_on(actor=officer, alert=alert)
    incident = IncidentCameraAlert.objects.get(alert_number=alert.pk).incident
    assert incident.description == (
        f"Camera alert #{alert.pk}: boat detected by camera CAM-A1 (Camera CAM-A1), confidence 91%, "
        "at 20/11/2026 10:00."
    )
    assert (incident.priority, incident.occurred_at) == (Priority.NORMAL, DAY)


def test_a_recorder_alert_handed_on_has_no_point(world, cams):
    with transaction.atomic():
        alert = alert_raise(kind=AlertKind.OFFLINE, unit=world.ward_a, recorder=cams.rec_a)
    alert_hand_on(actor=world.user("duty_a"), alert=alert, note="Kiểm tra tại nhà")
    link = IncidentCameraAlert.objects.get(alert_number=alert.pk)
    incident = link.incident
    assert (link.camera_code, link.camera_name, link.event_label) == ("", "Recorder A", "")
    assert (incident.latitude, incident.address, incident.priority) == (None, "", Priority.NORMAL)
    assert incident.occurred_at == alert.raised_at
    assert incident.description.startswith(f"Cảnh báo camera #{alert.pk}: ")
    assert "(Recorder A)" in incident.description


def test_only_the_ward_and_those_above_it_see_the_incident_and_its_camera(world, cams):
    alert, incident = hand_on(world, cams)
    shown = f"Từ cảnh báo camera #{alert.pk} (camera CAM-A2)"
    sees = Expect(200, shows=(incident.reference, shown, "Tàu lạ áp sát bè"))
    hidden = Expect(404, hides=(shown, "CAM-A2"))
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
    assert incident not in selectors.incident_list(actor=world.user("officer_b"))
    api = world.api_client("officer_a").get(f"/api/v1/incidents/{incident.pk}")
    assert api.status_code == 200 and api.json()["from_camera_alerts"] == [alert.pk]
    assert world.api_client("officer_b").get(f"/api/v1/incidents/{incident.pk}").status_code == 404


def test_the_duty_log_lists_incidents_from_cameras(world, cams):
    _, incident = hand_on(world, cams)
    assert selectors.duty_log(actor=world.user("duty_a")).from_cameras == [incident]
    assert selectors.duty_log(actor=world.user("leader_p")).from_cameras == [incident]
    page = world.client("duty_a").get("/incidents/duty/").content.decode()
    cameras_section = page.split('data-testid="duty-cameras"')[1]
    assert incident.reference in cameras_section and "camera CAM-A2" in cameras_section
