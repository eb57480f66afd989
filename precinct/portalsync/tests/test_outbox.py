"""The outbox row is written with the change it reports, and only then."""

import datetime
import json

import pytest

from precinct.core.errors import DomainError
from precinct.eservices.models import Dossier, DossierEvent, DossierStatus, Procedure
from precinct.eservices.services import dossier_mark_overdue, dossier_submit, dossier_transition
from precinct.eservices.signals import dossier_changed, dossier_transition_checking
from precinct.eservices.workflow import LEADER_ACTIONS
from precinct.portalsync.checks import portal_sync_settings
from precinct.portalsync.mapping import DEFAULT_STATUS_CODES, override_errors, status_codes
from precinct.portalsync.models import OutboxEvent, OutboxState


def test_a_submission_writes_one_pending_event_with_the_portal_fields(dossier, world):
    [event] = OutboxEvent.objects.all()
    history = DossierEvent.objects.get(dossier=dossier)
    assert event.state == OutboxState.PENDING and event.attempts == 0
    assert (event.dossier_id, event.dossier_event_id, event.action) == (dossier.pk, history.pk, "submit")
    assert event.unit_path == world.ward_a.path
    assert event.payload == {
        "MaHoSo": dossier.code,
        "MaTTHC": "CT-06",
        "MaDonViTiepNhan": world.ward_a.code,
        "NgayNopHoSo": dossier.submitted_at.isoformat(),
        "NgayTiepNhan": dossier.received_on.isoformat(),
        "NgayHenTra": dossier.due_date.isoformat(),
        "NgayTra": None,
        "TrangThaiHoSo": "1",
        "event": {
            "idempotency_key": str(event.key),
            "id": history.pk,
            "action": "submit",
            "from_status": "",
            "to_status": "submitted",
            "at": history.at.isoformat(),
        },
    }


def test_each_transition_writes_its_event_in_order_with_the_mapped_status(dossier, world, signing_keys):
    for action in ("receive", "start_review", "approve", "issue_result", "complete"):
        actor = world.users["leader_a" if action in LEADER_ACTIONS else "officer_a"]
        dossier_transition(actor=actor, dossier=dossier, action=action)
    events = list(OutboxEvent.objects.filter(dossier=dossier).order_by("id"))
    assert [e.action for e in events] == ["submit", "receive", "start_review", "approve", "issue_result", "complete"]
    assert [e.payload["TrangThaiHoSo"] for e in events] == ["1", "2", "4", "4", "9", "10"]
    assert events[-1].payload["NgayTra"] is not None and events[-1].status == DossierStatus.DONE
    assert len({e.key for e in events}) == 6  # one idempotency key per event


def test_a_refused_transition_writes_nothing(dossier, world):
    with pytest.raises(DomainError):  # wrong state
        dossier_transition(actor=world.users["officer_a"], dossier=dossier, action="approve")
    with pytest.raises(DomainError):  # not in the officer's reach
        dossier_transition(actor=world.users["officer_b"], dossier=dossier, action="receive")

    def refuse(**kwargs):
        raise DomainError("fee_unpaid", "The fee is not paid yet.", status=409)

    dossier_transition_checking.connect(refuse, dispatch_uid="test-refuse")
    try:
        with pytest.raises(DomainError):
            dossier_transition(actor=world.users["officer_a"], dossier=dossier, action="receive")
    finally:
        dossier_transition_checking.disconnect(dispatch_uid="test-refuse")
    assert list(OutboxEvent.objects.values_list("action", flat=True)) == ["submit"]


def test_when_a_later_receiver_fails_the_outbox_row_rolls_back_with_the_change(dossier, world):
    def explode(**kwargs):
        raise DomainError("boom", "Another app refused after the change.")

    dossier_changed.connect(explode, dispatch_uid="test-explode")
    try:
        with pytest.raises(DomainError):
            dossier_transition(actor=world.users["officer_a"], dossier=dossier, action="receive")
    finally:
        dossier_changed.disconnect(dispatch_uid="test-explode")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert OutboxEvent.objects.filter(dossier=dossier).count() == 1


def test_a_failed_submission_writes_nothing(world, catalogue):
    with pytest.raises(DomainError):
        dossier_submit(
            actor=world.users["citizen"],
            procedure=Procedure.objects.get(code="CT-06"),
            form_data={"muc_dich": "Xin việc"},
            unit_code="no-such-unit",
        )
    assert not OutboxEvent.objects.exists() and not Dossier.objects.exists()


def test_a_submission_through_the_api_writes_its_event(world, catalogue):
    response = world.api_client("citizen").post(
        "/api/v1/dossiers",
        {"procedure_code": "CT-06", "unit_code": world.ward_a.code, "data": {"muc_dich": "Xin việc"}},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    [event] = OutboxEvent.objects.all()
    assert event.dossier_code == response.json()["code"] and event.payload["TrangThaiHoSo"] == "1"


def test_every_dossier_status_has_a_portal_code():
    assert set(DEFAULT_STATUS_CODES) == set(DossierStatus.values)


def test_the_status_codes_can_be_changed_by_configuration(settings, dossier, world):
    settings.PORTAL_SYNC_STATUS_CODES = json.dumps({"received": "2", "approved": "9"})
    assert status_codes()["approved"] == "9" and status_codes()["submitted"] == "1"
    for action in ("receive", "start_review", "approve"):
        actor = world.users["leader_a" if action in LEADER_ACTIONS else "officer_a"]
        dossier_transition(actor=actor, dossier=dossier, action=action)
    assert OutboxEvent.objects.get(action="approve").payload["TrangThaiHoSo"] == "9"


def test_a_wrong_status_mapping_stops_the_start(settings):
    assert override_errors('{"approved": "9"}') == []
    assert override_errors("{not json") and override_errors("[1]")
    assert override_errors('{"paid": "6"}') == ["unknown dossier status 'paid'"]
    assert override_errors('{"approved": 9}') == ["the code for 'approved' must be non-empty text"]
    settings.PORTAL_SYNC_STATUS_CODES = '{"paid": "6"}'
    settings.PORTAL_SYNC_URL = "ftp://portal"
    ids = {e.id for e in portal_sync_settings(None)}
    assert {"portalsync.E001", "portalsync.E002"} <= ids


def test_an_overdue_mark_writes_no_outbox_row(dossier):
    """Nothing the portal is sent changes (status, dates): it judges lateness from the due date it has."""
    late = dossier_mark_overdue(dossier=dossier, today=dossier.due_date + datetime.timedelta(days=30))
    assert late is not None and late.overdue_on is not None
    assert list(OutboxEvent.objects.values_list("action", flat=True)) == ["submit"]
