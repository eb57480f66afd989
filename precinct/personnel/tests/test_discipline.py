"""Discipline: who reads it (by role alone), every read audited, a suspension ends roles and blocks sign-in."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from precinct.accounts.models import User, UserKind
from precinct.accounts.services import api_token_issue, api_token_user
from precinct.audit.models import AuditEvent
from precinct.core.errors import NotFound, PermissionDenied
from precinct.organisation.models import Role, RoleAssignment
from precinct.personnel import selectors
from precinct.personnel.models import DisciplineKind
from precinct.personnel.services import discipline
from precinct.testing import PASSWORD

from .conftest import make_officer

pytestmark = pytest.mark.django_db


def _record(world, hr, officer, kind=DisciplineKind.WARNING, **extra):
    return discipline.discipline_record(
        actor=hr,
        officer=officer,
        kind=kind,
        violation="Secret violation text",
        decided_on=timezone.localdate(),
        decision_number="7/QĐ-CAT",
        **extra,
    )


def test_only_the_personnel_department_and_leaders_over_the_officer_read_it_and_each_read_is_audited(world, hr):
    officer = make_officer(world, world.ward_a, "Disciplined")
    record = _record(world, hr, officer)
    for actor in ("officer_a", "duty_a", "officer_b", "officer_dept", "admin_p", "superuser"):
        with pytest.raises(NotFound):
            selectors.discipline_get(actor=world.user(actor), record_id=record.pk)
        assert selectors.discipline_list(actor=world.user(actor)) == []
    before = AuditEvent.objects.filter(action="personnel.discipline_read").count()
    for actor in ("leader_a", "leader_p"):
        assert (
            selectors.discipline_get(actor=world.user(actor), record_id=record.pk).violation == "Secret violation text"
        )
    assert selectors.discipline_get(actor=hr, record_id=record.pk) == record
    reads = AuditEvent.objects.filter(action="personnel.discipline_read").order_by("pk")
    assert reads.count() == before + 3
    last = reads.last()
    assert last.actor == hr and last.target_id == str(record.pk)
    assert "Secret" not in str(last.after) and "warning" not in str(last.after)


def test_another_wards_leader_does_not_see_it(world, hr):
    leader_b = User.objects.create_user(username="leader_b", password=PASSWORD, kind=UserKind.OFFICER, full_name="B")
    RoleAssignment.objects.create(user=leader_b, unit=world.ward_b, role=Role.LEADER)
    record = _record(world, hr, make_officer(world, world.ward_a, "Disciplined"))
    with pytest.raises(NotFound):
        selectors.discipline_get(actor=leader_b, record_id=record.pk)


def test_only_the_personnel_department_records_it(world, hr):
    officer = make_officer(world, world.ward_a, "X")
    for actor in ("leader_a", "admin_p", "superuser"):
        with pytest.raises(PermissionDenied):
            _record(world, world.user(actor), officer)


def test_a_suspension_ends_roles_and_blocks_sign_in_for_its_duration(world, hr):
    user = User.objects.create_user(username="suspended", password=PASSWORD, kind=UserKind.OFFICER, full_name="S")
    RoleAssignment.objects.create(user=user, unit=world.ward_a, role=Role.OFFICER)
    officer = make_officer(world, world.ward_a, "Suspended", user=user)
    token = api_token_issue(user=user)
    client = Client()
    client.force_login(user)
    today = timezone.localdate()
    record = _record(world, hr, officer, kind=DisciplineKind.SUSPENSION, ends_on=today + datetime.timedelta(days=30))

    assert not RoleAssignment.objects.filter(user=user).exists()
    assert record.ended_roles == [{"unit": world.ward_a.code, "role": Role.OFFICER}]
    response = Client().post(
        "/api/v1/auth/token", {"username": "suspended", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "sign_in_blocked"
    assert client.get("/planning/").status_code == 302  # the open session is gone too
    assert api_token_user(token) is None
    assert AuditEvent.objects.filter(action="accounts.sign_in_block", target_id=str(user.pk)).exists()

    # When it is over, the sweep gives the roles back and sign-in works again.
    discipline.discipline_sweep(today=today + datetime.timedelta(days=31))
    assert set(RoleAssignment.objects.filter(user=user).values_list("unit__code", "role")) == {
        (world.ward_a.code, Role.OFFICER)
    }
    record.refresh_from_db()
    assert record.lifted_at is not None


def test_bad_input_names_the_fields_and_changes_nothing(world, hr):
    from precinct.core.errors import ValidationFailed
    from precinct.personnel.models import DisciplineRecord

    officer = make_officer(world, world.ward_a, "Y")
    with pytest.raises(ValidationFailed) as failed:
        discipline.discipline_record(
            actor=hr,
            officer=officer,
            kind="beheading",
            violation=" ",
            decided_on=timezone.localdate(),
            decision_number="",
        )
    assert set(failed.value.fields) == {"kind", "violation", "decision_number"}
    assert not DisciplineRecord.objects.exists()
