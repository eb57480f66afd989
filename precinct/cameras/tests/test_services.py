"""Registry, consent and console services: who may, what is refused, what is audited, what is told."""

import datetime
from decimal import Decimal

import pytest

from precinct.audit.models import AuditEvent
from precinct.cameras.models import AlertStatus, CameraStatus
from precinct.cameras.services import (
    alert_acknowledge,
    alert_dismiss,
    alert_hand_on,
    camera_register,
    camera_set_status,
    consent_record,
    consent_withdraw,
    rule_matches,
)
from precinct.cameras.signals import AlertHandedOn, camera_alert_handed_on
from precinct.cameras.tests.conftest import alert_for
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed


def test_officers_register_only_in_their_ward(world, cams):
    kwargs = {
        "code": "X-1",
        "name": "x",
        "owner_name": "y",
        "latitude": Decimal(20),
        "longitude": Decimal(106),
        "source_name": "x",
    }
    with pytest.raises(PermissionDenied):
        camera_register(actor=world.users["officer_b"], unit=world.ward_a, **kwargs)
    with pytest.raises(PermissionDenied):
        camera_register(actor=world.users["duty_a"], unit=world.ward_a, **kwargs)
    camera = camera_register(actor=world.users["officer_a"], unit=world.ward_a, **kwargs)
    assert camera.unit_path == world.ward_a.path
    assert AuditEvent.objects.filter(action="cameras.camera_register", target_id=str(camera.pk)).count() == 1


def test_a_recorder_of_another_ward_is_refused(world, cams):
    with pytest.raises(ValidationFailed) as refused:
        camera_register(
            actor=None, unit=world.ward_a, code="X-2", name="x", owner_name="y", latitude=20, longitude=106,
            recorder=cams.rec_b, source_name="z",
        )  # fmt: skip
    assert set(refused.value.fields) == {"recorder"}


def test_consent_one_in_force_and_withdrawal_only_by_the_owner(world, cams):
    with pytest.raises(ValidationFailed):
        consent_record(actor=None, camera=cams.a1, signed_on=datetime.date(2026, 10, 5))
    consent = cams.a1.consents.get()
    with pytest.raises(PermissionDenied):
        consent_withdraw(actor=world.users["officer_a"], consent=consent)
    consent_withdraw(actor=world.users["citizen"], consent=consent)
    with pytest.raises(DomainError):
        consent_withdraw(actor=world.users["citizen"], consent=consent)
    again = consent_record(actor=world.users["officer_a"], camera=cams.a1, signed_on=datetime.date(2026, 11, 1))
    assert again.withdrawn_at is None


def test_a_retired_camera_stays_retired(world, cams):
    camera_set_status(actor=world.users["officer_a"], camera=cams.a2, status=CameraStatus.RETIRED)
    with pytest.raises(DomainError) as refused:
        camera_set_status(actor=world.users["officer_a"], camera=cams.a2, status=CameraStatus.ACTIVE)
    assert refused.value.code == "camera_retired"


def test_hand_on_sends_the_signal_with_its_frozen_payload(world, cams):
    heard: list[AlertHandedOn] = []

    def receiver(sender, *, handed_on: AlertHandedOn, **kwargs):
        heard.append(handed_on)

    camera_alert_handed_on.connect(receiver, dispatch_uid="test-receiver")
    try:
        alert = alert_for(world, cams)
        alert_acknowledge(actor=world.users["duty_a"], alert=alert)
        alert_hand_on(actor=world.users["duty_a"], alert=alert, note=" tàu lạ gần bè ")
    finally:
        camera_alert_handed_on.disconnect(dispatch_uid="test-receiver")
    assert len(heard) == 1
    assert (heard[0].alert.pk, heard[0].actor, heard[0].note) == (alert.pk, world.users["duty_a"], "tàu lạ gần bè")
    assert heard[0].alert.status == AlertStatus.HANDED_ON
    with pytest.raises(AttributeError):
        heard[0].note = "x"  # type: ignore[misc]
    actions = list(
        AuditEvent.objects.filter(target_id=str(alert.pk), target_type="cameras.Alert")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["cameras.alert_raise", "cameras.alert_acknowledge", "cameras.alert_close"]


def test_a_receiver_may_refuse_the_hand_on(world, cams):
    def refuse(sender, *, handed_on, **kwargs):
        raise DomainError("no", "refused")

    camera_alert_handed_on.connect(refuse, dispatch_uid="test-refuse")
    alert = alert_for(world, cams)
    try:
        with pytest.raises(DomainError):
            alert_hand_on(actor=world.users["duty_a"], alert=alert)
    finally:
        camera_alert_handed_on.disconnect(dispatch_uid="test-refuse")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.NEW


def test_dismiss_needs_a_reason_and_closed_alerts_stay_closed(world, cams):
    alert = alert_for(world, cams)
    with pytest.raises(ValidationFailed):
        alert_dismiss(actor=world.users["duty_a"], alert=alert, note=" ")
    alert_dismiss(actor=world.users["duty_a"], alert=alert, note="chim đậu trên bè")
    with pytest.raises(DomainError) as closed:
        alert_acknowledge(actor=world.users["duty_a"], alert=alert)
    assert closed.value.code == "alert_closed"


def test_night_window_crosses_midnight(world, cams):
    from precinct.cameras.models import AlertRule, CameraEvent

    rule = AlertRule(
        unit=world.ward_a,
        unit_path=world.ward_a.path,
        labels=["person"],
        min_score=Decimal("0.5"),
        start_hour=20,
        end_hour=5,
    )
    tz = datetime.timezone(datetime.timedelta(hours=7))

    def at(hour: int) -> CameraEvent:
        started = datetime.datetime(2026, 11, 20, hour, 0, tzinfo=tz)
        return CameraEvent(camera=cams.a1, label="person", score=Decimal("0.9"), zones=[], started_at=started)

    assert [h for h in range(24) if rule_matches(rule, at(h))] == [0, 1, 2, 3, 4, 20, 21, 22, 23]


def _officer(world, unit, name):
    from precinct.organisation.models import Rank
    from precinct.organisation.services import officer_save

    return officer_save(actor=None, full_name=name, rank=Rank.CAPTAIN, unit=unit)


def test_dispatch_four_on_site(world, cams):
    from precinct.cameras.models import AlertEntryKind
    from precinct.cameras.services import alert_dispatch

    duty = world.users["duty_a"]
    alert = alert_for(world, cams)
    a, a2 = world.officers["a"], _officer(world, world.ward_a, "Trần Văn Biển")
    b = world.officers["b"]
    base = {"officer_ids": [a.pk, a2.pk], "commander_id": a.pk, "means": "xuồng máy CA-01", "logistics": "áo phao"}
    for wrong, field in (
        ({"officer_ids": []}, "officer_ids"),
        ({"officer_ids": [a.pk, b.pk]}, "officer_ids"),
        ({"commander_id": b.pk}, "commander_id"),
        ({"means": " "}, "means"),
        ({"logistics": "x" * 301}, "logistics"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            alert_dispatch(actor=duty, alert=alert, **{**base, **wrong})
        assert field in refused.value.fields
    with pytest.raises(PermissionDenied):
        alert_dispatch(actor=world.users["officer_b"], alert=alert, **base)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.NEW and not alert.dispatches.exists()

    dispatch = alert_dispatch(actor=duty, alert=alert, **base)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.acknowledged_by == duty  # dispatching acknowledges
    assert set(dispatch.officers.all()) == {a, a2} and dispatch.commander == a
    kinds = list(alert.entries.values_list("kind", flat=True))
    assert kinds == [AlertEntryKind.RAISED, AlertEntryKind.ACKNOWLEDGED, AlertEntryKind.DISPATCHED]
    assert "Trần Văn Biển" in alert.entries.get(kind=AlertEntryKind.DISPATCHED).text
    assert AuditEvent.objects.filter(action="cameras.alert_dispatch", target_id=str(alert.pk)).count() == 1


def test_outcomes_and_impossible_transitions(world, cams):
    from precinct.cameras.models import AlertOutcome
    from precinct.cameras.services import alert_close, alert_dispatch, alert_note_add

    duty = world.users["duty_a"]
    alert = alert_for(world, cams)
    with pytest.raises(DomainError) as refused:
        alert_close(actor=duty, alert=alert, outcome=AlertOutcome.RESOLVED)
    assert refused.value.code == "not_dispatched"
    assert "Hãy điều lực lượng trước" in str(refused.value.message)
    with pytest.raises(ValidationFailed):
        alert_close(actor=duty, alert=alert, outcome="lost")
    with pytest.raises(ValidationFailed) as no_ref:
        alert_close(actor=duty, alert=alert, outcome=AlertOutcome.CRIME_REPORT)
    assert "crime_report_ref" in no_ref.value.fields
    a = world.officers["a"]
    alert_dispatch(actor=duty, alert=alert, officer_ids=[a.pk], commander_id=a.pk, means="xuồng")
    closed = alert_close(actor=duty, alert=alert, outcome=AlertOutcome.RESOLVED, note="đã xử lý")
    assert (closed.status, closed.outcome) == (AlertStatus.RESOLVED, AlertOutcome.RESOLVED)
    for late in (
        lambda: alert_dispatch(actor=duty, alert=alert, officer_ids=[a.pk], commander_id=a.pk, means="x"),
        lambda: alert_close(actor=duty, alert=alert, outcome=AlertOutcome.FALSE_ALARM, note="x"),
    ):
        with pytest.raises(DomainError) as refused:
            late()
        assert refused.value.code == "alert_closed"
    # Notes are appended, on a closed alert too; never edited.
    alert_note_add(actor=duty, alert=alert, text="biên bản số 12")
    alert_note_add(actor=world.users["leader_a"], alert=alert, text="đã xem")
    with pytest.raises(ValidationFailed):
        alert_note_add(actor=duty, alert=alert, text="  ")
    with pytest.raises(PermissionDenied):
        alert_note_add(actor=world.users["officer_b"], alert=alert, text="x")
    assert list(alert.entries.filter(kind="note").values_list("text", flat=True)) == ["biên bản số 12", "đã xem"]

    report = alert_for(world, cams)
    closed = alert_close(actor=duty, alert=report, outcome=AlertOutcome.CRIME_REPORT, crime_report_ref="TB-118/2026")
    assert (closed.status, closed.crime_report_ref) == (AlertStatus.HANDED_ON, "TB-118/2026")
