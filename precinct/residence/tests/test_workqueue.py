"""The ward's work queue (ADR 0038): the full scan opens one issue per finding, the incremental scan after every
change keeps it in step (a finding that no longer holds closes as fixed), officers close findings as confirmed
correct or not a duplicate with a reason (audited, their ward only), and such a finding is not opened again."""

import datetime

import pytest

from precinct.audit.models import AuditEvent
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.residence.models import IssueState, NotDuplicate, Person, QualityIssue
from precinct.residence.services import correction_approve, correction_request, person_create
from precinct.residence.workqueue import issue_confirm, issue_not_duplicate, ward_sync


def _open(**filters):
    return QualityIssue.objects.filter(state=IssueState.OPEN, **filters)


def test_the_full_scan_opens_one_issue_per_finding_and_a_second_run_adds_nothing(world, register):
    twin = person_create(
        actor=world.users["officer_a"],
        unit=world.ward_a,
        full_name="Nguyen Van Hung",
        date_of_birth=register["head"].date_of_birth,
        sex="male",
    )
    opened, fixed = ward_sync(actor=world.users["officer_a"], unit=world.ward_a)
    codes = sorted(_open().values_list("rule__code", flat=True))
    assert codes == ["duplicate_person", "required_fields"] and (opened, fixed) == (2, 0)
    pair = _open(rule__code="duplicate_person").get()
    assert (pair.person_id, pair.other_id) == (register["head"].pk, twin.pk)
    assert ward_sync(actor=world.users["officer_a"], unit=world.ward_a) == (0, 0)
    assert _open().count() == 2 and AuditEvent.objects.filter(action="residence.quality_queue_scan").count() == 2
    with pytest.raises(PermissionDenied):
        ward_sync(actor=world.users["officer_b"], unit=world.ward_a)


def test_an_approved_correction_closes_its_finding_as_fixed_through_the_incremental_scan(
    world, register, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        thin = person_create(
            actor=world.users["officer_a"],
            unit=world.ward_a,
            full_name="Đỗ Thị Thiếu",
            personal_id="022190001111",
            date_of_birth=datetime.date(1990, 4, 5),
            sex="female",
        )
    issue = _open(person=thin).get()  # the incremental scan opened it: no origin, no ethnicity
    assert issue.rule.code == "required_fields"
    asked = correction_request(
        actor=world.users["officer_a"],
        person=thin,
        values={"place_of_origin": "Hạ Long", "ethnicity": "Kinh"},
        reason="Theo CCCD",
    )
    with django_capture_on_commit_callbacks(execute=True):
        correction_approve(actor=world.users["leader_a"], correction=asked)
    issue.refresh_from_db()
    assert issue.state == IssueState.FIXED and issue.closed_at is not None
    assert not _open(person=thin).exists()
    assert AuditEvent.objects.filter(action="residence.quality_queue_check").count() == 2  # opened, then fixed


def test_confirmed_correct_needs_a_reason_is_audited_and_stays_closed(world, register):
    Person.objects.filter(pk=register["wife"].pk).update(date_of_birth=datetime.date(1900, 7, 9))
    ward_sync(actor=None, unit=world.ward_a)
    issue = _open(rule__code="over_age").get()
    with pytest.raises(ValidationFailed):
        issue_confirm(actor=world.users["officer_a"], issue=issue, reason="  ")
    with pytest.raises(PermissionDenied):
        issue_confirm(actor=world.users["officer_b"], issue=issue, reason="Cụ vẫn sống")
    with pytest.raises(PermissionDenied):
        issue_confirm(actor=world.users["duty_a"], issue=issue, reason="Cụ vẫn sống")
    assert _open(pk=issue.pk).exists()
    issue_confirm(actor=world.users["officer_a"], issue=issue, reason="Cụ vẫn sống, đã gặp")
    issue.refresh_from_db()
    assert issue.state == IssueState.CONFIRMED and issue.reason == "Cụ vẫn sống, đã gặp"
    assert issue.closed_by == world.users["officer_a"]
    assert AuditEvent.objects.filter(action="residence.quality_issue_confirmed").count() == 1
    ward_sync(actor=None, unit=world.ward_a)
    assert not _open(rule__code="over_age").exists()


def test_not_a_duplicate_marks_the_pair_and_the_scans_leave_it(world, register, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        twin = person_create(
            actor=world.users["officer_a"],
            unit=world.ward_a,
            full_name="Nguyen Van Hung",
            date_of_birth=register["head"].date_of_birth,
            sex="male",
        )
    issue = _open(rule__code="duplicate_person").get()
    assert {issue.person_id, issue.other_id} == {register["head"].pk, twin.pk}
    with pytest.raises(ValidationFailed):
        issue_not_duplicate(actor=world.users["officer_a"], issue=issue, reason="")
    issue_not_duplicate(actor=world.users["officer_a"], issue=issue, reason="Hai anh em họ, đã xác minh")
    assert NotDuplicate.objects.count() == 1
    assert QualityIssue.objects.get(pk=issue.pk).state == IssueState.NOT_DUPLICATE
    ward_sync(actor=None, unit=world.ward_a)
    assert not _open(rule__code="duplicate_person").exists()
    assert AuditEvent.objects.filter(action="residence.quality_issue_not_duplicate").count() == 1


def test_a_finding_of_a_rule_switched_off_is_left_alone_and_a_fixed_one_can_come_back(world, register):
    Person.objects.filter(pk=register["wife"].pk).update(ethnicity="")
    ward_sync(actor=None, unit=world.ward_a)
    first = _open(rule__code="required_fields").get()
    Person.objects.filter(pk=register["wife"].pk).update(ethnicity="Kinh")
    assert ward_sync(actor=None, unit=world.ward_a) == (0, 1)
    Person.objects.filter(pk=register["wife"].pk).update(ethnicity="")
    assert ward_sync(actor=None, unit=world.ward_a) == (1, 0)
    assert _open(rule__code="required_fields").get().pk != first.pk


def test_a_pair_across_two_wards_found_incrementally_is_left_open_by_a_wards_full_scan(
    world, register, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        twin = person_create(
            actor=world.users["officer_b"],
            unit=world.ward_b,
            full_name="Nguyen Van Hung",
            date_of_birth=register["head"].date_of_birth,
            sex="male",
        )
    pair = _open(rule__code="duplicate_person").get()
    assert (pair.person_id, pair.other_id, pair.unit_id) == (register["head"].pk, twin.pk, world.ward_a.pk)
    ward_sync(actor=None, unit=world.ward_a)
    ward_sync(actor=None, unit=world.ward_b)
    assert _open(pk=pair.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        Person.objects.get(pk=twin.pk).delete()  # the twin's record removed: the pair no longer holds
    assert not QualityIssue.objects.filter(pk=pair.pk).exists()  # its row goes with the record (CASCADE)
