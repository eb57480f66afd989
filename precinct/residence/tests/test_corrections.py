"""Manual corrections: asked with a reason, applied only when a second officer of the ward approves."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from precinct.audit.models import AuditEvent
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.residence.models import CorrectionRequest, CorrectionStatus, Person
from precinct.residence.services import correction_approve, correction_reject, correction_request
from precinct.testing import Expect, assert_matrix


def ask(world, register, actor="officer_a", **values):
    values = values or {"full_name": "Nguyễn Văn Hưng", "date_of_birth": "03/02/1975"}
    return correction_request(
        actor=world.users[actor], person=register["head"], values=values, reason="Giấy khai sinh ghi khác"
    )


def test_a_correction_changes_nothing_until_a_second_officer_approves_it(world, register):
    head = register["head"]
    audits = AuditEvent.objects.count()
    correction = ask(world, register)
    head.refresh_from_db()
    assert head.full_name == "Nguyễn Văn Hùng" and head.date_of_birth == datetime.date(1975, 3, 2)
    assert correction.changes == {
        "full_name": {"before": "Nguyễn Văn Hùng", "after": "Nguyễn Văn Hưng"},
        "date_of_birth": {"before": "1975-03-02", "after": "1975-02-03"},
    }
    with pytest.raises(DomainError) as exc:  # the officer who asked cannot approve
        correction_approve(actor=world.users["officer_a"], correction=correction)
    assert exc.value.code == "four_eyes"
    with translation.override("vi"):
        assert "cán bộ thứ hai" in str(exc.value.message)
    with pytest.raises(PermissionDenied):  # another ward's officer neither
        correction_approve(actor=world.users["officer_b"], correction=correction)
    with pytest.raises(PermissionDenied):  # a duty officer reads, does not decide
        correction_approve(actor=world.users["duty_a"], correction=correction)
    assert CorrectionRequest.objects.get().status == CorrectionStatus.PENDING
    correction_approve(actor=world.users["leader_a"], correction=correction, note="Đã đối chiếu")
    head.refresh_from_db()
    assert head.full_name == "Nguyễn Văn Hưng" and head.name_folded == "nguyen van hung"
    assert head.date_of_birth == datetime.date(1975, 2, 3)
    approved = AuditEvent.objects.get(action="residence.correction_approve")
    assert approved.before == {"full_name": "Nguyễn Văn Hùng", "date_of_birth": "1975-03-02"}
    assert approved.actor_label == "leader_a" and approved.after["requested_by"] == world.users["officer_a"].pk
    assert AuditEvent.objects.count() == audits + 2
    with pytest.raises(DomainError) as exc:
        correction_reject(actor=world.users["leader_p"], correction=correction, note="muộn")
    assert exc.value.code == "already_decided"


def test_the_database_refuses_a_decision_by_the_officer_who_asked_even_when_the_code_is_bypassed(world, register):
    correction = ask(world, register)
    with pytest.raises(IntegrityError), transaction.atomic():
        CorrectionRequest.objects.filter(pk=correction.pk).update(
            status=CorrectionStatus.APPROVED, decided_by=world.users["officer_a"]
        )


def test_bad_corrections_are_refused_with_reasons_and_change_nothing(world, register):
    cases = [
        ({"full_name": "Nguyễn Văn Hùng"}, "__all__"),  # nothing would change
        ({"date_of_birth": "31/02/1975"}, "date_of_birth"),
        ({"personal_id": "022175001234"}, "personal_id"),  # the fourth digit says a woman
        ({"personal_id": register["wife"].personal_id, "sex": "female"}, "personal_id"),  # held by another
        ({"unit_path": "22/"}, "unit_path"),  # not a correctable field
        ({"status": "asleep"}, "status"),
    ]
    for values, field in cases:
        with pytest.raises(ValidationFailed) as exc:
            ask(world, register, **values)
        assert field in exc.value.fields, (values, exc.value.fields)
    with pytest.raises(ValidationFailed) as exc:
        correction_request(
            actor=world.users["officer_a"], person=register["head"], values={"ethnicity": "Tày"}, reason=" "
        )
    with translation.override("vi"):
        assert "lý do" in str(exc.value.fields["reason"][0]).lower()
    with pytest.raises(PermissionDenied):
        ask(world, register, actor="officer_b")
    assert not CorrectionRequest.objects.exists()
    assert Person.objects.get(pk=register["head"].pk).full_name == "Nguyễn Văn Hùng"


def test_an_approval_after_the_record_changed_is_refused_and_a_rejection_needs_a_note(world, register):
    first = ask(world, register, ethnicity="Tày")
    second = ask(world, register, actor="leader_a", ethnicity="Dao")
    correction_approve(actor=world.users["leader_a"], correction=first)
    with pytest.raises(DomainError) as exc:
        correction_approve(actor=world.users["officer_a"], correction=second)
    assert exc.value.code == "record_changed"
    assert Person.objects.get(pk=register["head"].pk).ethnicity == "Tày"
    with pytest.raises(ValidationFailed):
        correction_reject(actor=world.users["officer_a"], correction=second, note="")
    correction_reject(actor=world.users["officer_a"], correction=second, note="Đã có điều chỉnh khác")
    assert CorrectionRequest.objects.get(pk=second.pk).status == CorrectionStatus.REJECTED


def test_pages_and_api_of_corrections(world, register):
    head = register["head"]
    client = world.client("officer_a")
    response = client.post(
        f"/residence/persons/{head.pk}/correct/",
        {"full_name": head.full_name, "ethnicity": "Tày", "reason": "Sai dân tộc"},
    )
    assert response.status_code == 302
    correction = CorrectionRequest.objects.get()
    assert correction.changes == {"ethnicity": {"before": "Kinh", "after": "Tày"}}
    waiting = Expect(200, shows=("Sai dân tộc", "Tày"))
    nothing = Expect(200, hides=("Sai dân tộc",))
    assert_matrix(
        world,
        lambda c: c.get("/residence/corrections/"),
        {
            "anonymous": 302,
            "citizen": nothing,
            "officer_a": waiting,
            "duty_a": waiting,
            "leader_a": waiting,
            "officer_b": nothing,
            "officer_dept": waiting,
            "leader_p": waiting,
            "admin_p": nothing,
            "superuser": waiting,
        },
    )
    api = world.api_client("officer_a")
    refused = api.post(f"/api/v1/residence/corrections/{correction.pk}/approve", {}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "four_eyes"
    hidden = world.api_client("officer_b").post(
        f"/api/v1/residence/corrections/{correction.pk}/approve", {}, content_type="application/json"
    )
    assert hidden.status_code == 404
    done = world.client("leader_a").post(f"/residence/corrections/{correction.pk}/decide/", {"decision": "approve"})
    assert done.status_code == 302
    assert Person.objects.get(pk=head.pk).ethnicity == "Tày"
    created = api.post(
        f"/api/v1/residence/persons/{head.pk}/corrections",
        {"values": {"place_of_origin": "Uông Bí"}, "reason": "Theo CCCD"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["changes"]["place_of_origin"]["after"] == "Uông Bí"
    bad = api.post(
        f"/api/v1/residence/persons/{head.pk}/corrections",
        {"values": {"date_of_birth": "2999-01-01"}, "reason": "x"},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert bad.status_code == 422 and "dd/mm/yyyy" in bad.json()["error"]["fields"]["date_of_birth"][0]
    listed = world.api_client("leader_a").get("/api/v1/residence/corrections").json()
    assert [c["id"] for c in listed] == [created.json()["id"]]
