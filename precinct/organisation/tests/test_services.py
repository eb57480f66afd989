import pytest

from precinct.audit.models import AuditEvent
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.organisation.models import Rank, Role, Unit, UnitKind
from precinct.organisation.services import officer_save, role_grant, unit_save

pytestmark = pytest.mark.django_db


def test_moving_a_unit_rewrites_the_paths_under_it(world):
    admin = world.users["superuser"]
    team = unit_save(actor=admin, code="07168-T1", name="Tổ 1", kind=UnitKind.DEPARTMENT, parent=world.ward_a)
    sub = unit_save(actor=admin, code="07168-T1a", name="Tổ 1a", kind=UnitKind.DEPARTMENT, parent=team)
    unit_save(actor=admin, unit=team, parent=world.ward_b)
    sub.refresh_from_db()
    assert sub.path == "22/06688/07168-T1/07168-T1a/"
    assert AuditEvent.objects.filter(action="organisation.unit_update", target_id=str(team.pk)).exists()


def test_a_unit_cannot_move_under_itself(world):
    with pytest.raises(ValidationFailed) as exc:
        unit_save(actor=world.users["superuser"], unit=world.province, parent=world.ward_a, kind=UnitKind.PROVINCE)
    assert "parent" in exc.value.fields


def test_ward_administrator_manages_only_their_ward(world):
    admin_a = world.users["officer_a"]
    role_grant(actor=world.users["admin_p"], user=admin_a, unit=world.ward_a, role=Role.ADMINISTRATOR)
    officer = officer_save(actor=admin_a, full_name="Mới", rank=Rank.CAPTAIN, unit=world.ward_a)
    assert officer.unit == world.ward_a
    with pytest.raises(PermissionDenied):
        officer_save(actor=admin_a, full_name="Khác", rank=Rank.CAPTAIN, unit=world.ward_b)
    with pytest.raises(PermissionDenied):  # transferring out of reach
        officer_save(actor=admin_a, officer=officer, unit=world.ward_b)
    with pytest.raises(PermissionDenied):
        unit_save(actor=admin_a, unit=world.ward_b, name="Đổi tên")
    assert Unit.objects.get(pk=world.ward_b.pk).name == world.ward_b.name


def test_only_administrators_grant_roles_and_grants_are_audited(world):
    with pytest.raises(PermissionDenied):
        role_grant(actor=world.users["leader_p"], user=world.users["officer_b"], unit=world.ward_b, role=Role.LEADER)
    assignment = role_grant(
        actor=world.users["admin_p"], user=world.users["officer_b"], unit=world.ward_b, role=Role.LEADER
    )
    assert AuditEvent.objects.filter(action="organisation.role_grant", target_id=str(assignment.pk)).exists()
    with pytest.raises(ValidationFailed):
        role_grant(actor=world.users["admin_p"], user=world.users["citizen"], unit=world.ward_b, role=Role.LEADER)


def test_scope_reaches_subtrees_not_siblings(world):
    from precinct.organisation.scoping import reaches

    assert reaches(world.users["leader_p"], world.ward_b)
    assert reaches(world.users["leader_a"], world.ward_a)
    assert not reaches(world.users["leader_a"], world.ward_b)
    assert not reaches(world.users["leader_a"], world.province)
    assert not reaches(world.users["citizen"], world.ward_a)
    assert not reaches(None, world.ward_a)


def test_reach_by_role_ignores_superuser_status(world):
    from precinct.organisation.scoping import has_role, reaches, reaches_by_role, restrict_by_role

    superuser = world.users["superuser"]
    assert reaches(superuser, world.ward_a) and not reaches_by_role(superuser, world.ward_a)
    assert not has_role(superuser) and not restrict_by_role(Unit.objects.all(), superuser, "path").exists()
    assert reaches_by_role(world.users["leader_p"], world.ward_b, (Role.LEADER,))
    assert not reaches_by_role(world.users["leader_p"], world.ward_b, (Role.OFFICER,))
    assert not reaches_by_role(world.users["leader_a"], None)
    role_grant(actor=None, user=superuser, unit=world.ward_a, role=Role.OFFICER)
    assert reaches_by_role(superuser, world.ward_a) and not reaches_by_role(superuser, world.ward_b)
    assert list(restrict_by_role(Unit.objects.all(), superuser, "path")) == [world.ward_a]
