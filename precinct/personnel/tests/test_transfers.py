"""Resolution 40: eligibility with each criterion named, the approval chain, applying on the effective date,
cancelling."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from precinct.accounts.models import User, UserKind
from precinct.audit.models import AuditEvent
from precinct.core.errors import DomainError, PermissionDenied
from precinct.organisation.models import Role, RoleAssignment
from precinct.organisation.scoping import scope_paths
from precinct.personnel import eligibility
from precinct.personnel.models import (
    Direction,
    DisciplineKind,
    Posting,
    TransferCriteria,
    TransferEvent,
    TransferStatus,
)
from precinct.personnel.services import discipline, transfers
from precinct.testing import PASSWORD

from .conftest import make_officer

pytestmark = pytest.mark.django_db


def _verdicts(officers):
    criteria = TransferCriteria.objects.get(direction=Direction.TO_PROVINCE)
    return {v.officer.full_name: v for v in eligibility.evaluate(officers, criteria, timezone.localdate())}


def test_four_years_and_a_discipline_record_is_not_eligible_with_the_criteria_named(world, hr, criteria):
    short = make_officer(world, world.ward_a, "Four Years", years_at_level=4)
    discipline.discipline_record(
        actor=hr,
        officer=short,
        kind=DisciplineKind.REPRIMAND,
        violation="Late to duty",
        decided_on=timezone.localdate() - datetime.timedelta(days=300),
        decision_number="12/QĐ-CAT",
    )
    good = make_officer(world, world.ward_a, "All Criteria", years_at_level=6)
    verdicts = _verdicts([short, good])
    assert not verdicts["Four Years"].eligible
    assert verdicts["Four Years"].failing == ["years_at_level", "discipline"]
    assert verdicts["All Criteria"].eligible
    assert all(c.met for c in verdicts["All Criteria"].checks)
    assert len(verdicts["All Criteria"].checks) == 6


def test_the_round_lists_commune_officers_only(world, hr, criteria):
    make_officer(world, world.ward_a, "In The Ward")
    make_officer(world, world.department, "In The Department")
    transfer_round = transfers.round_open(
        actor=hr, title="Đợt 1", direction=Direction.TO_PROVINCE, as_of=timezone.localdate()
    )
    from precinct.personnel.selectors import round_eligibility

    _round, verdicts = round_eligibility(actor=hr, round_id=transfer_round.pk)
    names = {v.officer.full_name for v in verdicts}
    assert "In The Ward" in names and "In The Department" not in names


def _approved_today(world, hr, officer):
    leader_a, director = world.user("leader_a"), world.user("leader_p")
    transfer = transfers.transfer_propose(
        actor=hr,
        officer=officer,
        to_unit_code=world.ward_b.code,
        to_position="Phó Trưởng Công an",
        effective_on=timezone.localdate(),
        new_roles=[Role.OFFICER, Role.DUTY_OFFICER],
    )
    with pytest.raises(PermissionDenied):
        transfers.transfer_approve(actor=hr, transfer=transfer)  # the unit leader comes first
    transfers.transfer_approve(actor=leader_a, transfer=transfer)
    with pytest.raises(PermissionDenied):
        transfers.transfer_approve(actor=director, transfer=transfer)  # then the personnel department
    transfers.transfer_approve(actor=hr, transfer=transfer)
    return transfers.transfer_approve(
        actor=director, transfer=transfer, decision_number="345/QĐ-CAT", decision_date=timezone.localdate()
    )


def test_an_approved_transfer_effective_today_moves_unit_position_roles_and_history(world, hr):
    user = User.objects.create_user(username="moving", password=PASSWORD, kind=UserKind.OFFICER, full_name="Moving")
    RoleAssignment.objects.create(user=user, unit=world.ward_a, role=Role.OFFICER)
    officer = make_officer(world, world.ward_a, "Moving Officer", user=user)

    transfer = _approved_today(world, hr, officer)

    transfer.refresh_from_db()
    officer.refresh_from_db()
    assert transfer.status == TransferStatus.APPLIED
    assert officer.unit == world.ward_b and officer.position == "Phó Trưởng Công an"
    assert set(RoleAssignment.objects.filter(user=user).values_list("unit__code", "role")) == {
        (world.ward_b.code, Role.OFFICER),
        (world.ward_b.code, Role.DUTY_OFFICER),
    }
    assert transfer.ended_roles == [{"unit": world.ward_a.code, "role": Role.OFFICER}]
    latest = Posting.objects.filter(officer=officer).order_by("-start_on", "-pk").first()
    assert latest.unit == world.ward_b and latest.decision_number == "345/QĐ-CAT"
    assert Posting.objects.filter(officer=officer).count() == 3  # the earlier postings stay
    assert list(TransferEvent.objects.filter(transfer=transfer).order_by("pk").values_list("kind", flat=True)) == [
        "proposed",
        "unit_approved",
        "department_approved",
        "director_approved",
        "applied",
    ]
    assert AuditEvent.objects.filter(action="personnel.transfer_apply", target_id=str(transfer.pk)).count() == 1
    assert AuditEvent.objects.filter(action="organisation.role_revoke").count() == 1

    # The officer signs in and works for the new unit only.
    assert scope_paths(User.objects.get(pk=user.pk)) == [world.ward_b.path]
    client = Client()
    assert client.post("/accounts/login/", {"username": "moving", "password": PASSWORD}).status_code == 302
    page = client.get("/org/officers/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Officer of B" in body and "Officer of A" not in body


def test_cancel_before_the_date_changes_nothing_and_after_it_is_refused(world, hr):
    officer = make_officer(world, world.ward_a, "Later")
    later = transfers.transfer_propose(
        actor=hr,
        officer=officer,
        to_unit_code=world.ward_b.code,
        to_position="Cán bộ",
        effective_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    transfers.transfer_cancel(actor=hr, transfer=later, reason="Nhu cầu thay đổi")
    officer.refresh_from_db()
    assert officer.unit == world.ward_a
    later.refresh_from_db()
    assert later.status == TransferStatus.CANCELLED

    done = _approved_today(world, hr, officer)
    with pytest.raises(DomainError) as refused:
        transfers.transfer_cancel(actor=hr, transfer=done, reason="Nhầm")
    assert refused.value.code == "transfer_in_effect"
    officer.refresh_from_db()
    assert officer.unit == world.ward_b


def test_the_daily_sweep_applies_what_has_come_due(world, hr):
    officer = make_officer(world, world.ward_a, "Tomorrow")
    transfer = transfers.transfer_propose(
        actor=hr,
        officer=officer,
        to_unit_code=world.ward_b.code,
        to_position="Cán bộ",
        effective_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    transfers.transfer_approve(actor=world.user("leader_a"), transfer=transfer)
    transfers.transfer_approve(actor=hr, transfer=transfer)
    transfers.transfer_approve(
        actor=world.user("leader_p"), transfer=transfer, decision_number="1/QĐ", decision_date=timezone.localdate()
    )
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.APPROVED
    assert transfers.transfers_apply_due() == 0
    assert transfers.transfers_apply_due(today=timezone.localdate() + datetime.timedelta(days=1)) == 1
    transfer.refresh_from_db()
    officer.refresh_from_db()
    assert transfer.status == TransferStatus.APPLIED and officer.unit == world.ward_b


def test_the_sweep_command_runs(world, hr):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("personnel_sweep", stdout=out)
    assert out.getvalue().startswith("transfers applied: 0; discipline changes: 0")
