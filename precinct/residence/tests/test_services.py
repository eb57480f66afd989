import datetime

import pytest
from django.db import IntegrityError, transaction

from precinct.audit.models import AuditEvent
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.residence.models import Basis, Person, ResidenceKind, ResidenceRecord
from precinct.residence.services import person_create, residence_register


def test_a_second_current_permanent_residence_is_refused_by_the_database(world, register):
    head = register["head"]
    with pytest.raises(IntegrityError), transaction.atomic():  # the service is bypassed
        ResidenceRecord.objects.create(
            person=head,
            kind=ResidenceKind.PERMANENT,
            unit=world.ward_b,
            unit_path=world.ward_b.path,
            address="Elsewhere",
            start=datetime.date(2020, 1, 1),
            basis=Basis.IMPORT,
        )
    # an ended permanent residence and a temporary one beside it are allowed
    ResidenceRecord.objects.create(
        person=head,
        kind=ResidenceKind.PERMANENT,
        unit=world.ward_b,
        unit_path=world.ward_b.path,
        address="Old",
        start=datetime.date(2000, 1, 1),
        basis=Basis.IMPORT,
        is_current=False,
    )
    ResidenceRecord.objects.create(
        person=head,
        kind=ResidenceKind.TEMPORARY,
        unit=world.ward_b,
        unit_path=world.ward_b.path,
        address="Tmp",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 6, 1),
        basis=Basis.IMPORT,
    )


def test_a_temporary_residence_needs_an_end_date_even_when_the_code_is_bypassed(world, register):
    with pytest.raises(IntegrityError), transaction.atomic():
        ResidenceRecord.objects.create(
            person=register["head"],
            kind=ResidenceKind.TEMPORARY,
            unit=world.ward_a,
            unit_path=world.ward_a.path,
            address="x",
            start=datetime.date(2026, 1, 1),
            basis=Basis.IMPORT,
        )


def test_a_new_permanent_residence_ends_the_current_one_with_history_and_audit(world, register):
    head = register["head"]
    audits = AuditEvent.objects.count()
    record = residence_register(
        actor=world.users["leader_p"],
        person=head,
        kind=ResidenceKind.PERMANENT,
        unit=world.ward_b,
        address="Số 1, Tổ 1",
        start=datetime.date(2026, 5, 1),
    )
    old = head.records.get(is_current=False)
    assert old.ended_on == datetime.date(2026, 5, 1)
    assert [e.action for e in old.events.all()] == ["registered", "ended"]
    assert record.events.get().data["before"]["address"] == "Số 12, Tổ 3, Khu 5"
    head.refresh_from_db()
    assert head.unit_path == world.ward_b.path  # the record moves to the new ward
    assert AuditEvent.objects.count() == audits + 1


def test_ward_officers_manage_only_their_ward(world):
    with pytest.raises(PermissionDenied):
        person_create(actor=world.users["officer_b"], unit=world.ward_a, full_name="Lê Văn Ba")
    with pytest.raises(PermissionDenied):
        person_create(actor=world.users["citizen"], unit=world.ward_a, full_name="Lê Văn Ba")
    assert not Person.objects.exists()


def test_the_personal_id_rules_apply_with_messages_in_both_languages(world):
    from django.utils import translation

    with pytest.raises(ValidationFailed) as exc:
        person_create(
            actor=world.users["officer_a"],
            unit=world.ward_a,
            full_name="Lê Văn Ba",
            personal_id="022185001111",
            date_of_birth=datetime.date(1985, 1, 1),
            sex="male",
        )
    assert "personal_id" in exc.value.fields
    with translation.override("vi"):
        assert "chữ số thứ tư" in str(exc.value.fields["personal_id"][0]).lower()
    with pytest.raises(ValidationFailed):
        person_create(actor=world.users["officer_a"], unit=world.ward_a, full_name="   ")
    assert not Person.objects.exists()
