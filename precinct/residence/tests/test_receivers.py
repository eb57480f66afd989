import datetime

import pytest

from precinct.eservices.models import DossierStatus
from precinct.residence.models import Person, ResidenceKind, ResidenceRecord
from precinct.residence.tests.conftest import advance, submit

pytestmark = pytest.mark.usefixtures("signing_keys")

RESULT = ("receive", "start_review", "approve", "issue_result")


def test_an_approved_temporary_registration_makes_a_temporary_residence_linked_to_the_dossier(world, catalogue):
    form = {"dia_chi": "Số 8, Tổ 2, Khu 1", "tu_ngay": "2026-12-01", "den_ngay": "2027-06-30"}
    dossier = advance(world, submit(world, "CT-02", form), RESULT[:3])
    assert not ResidenceRecord.objects.exists()  # approved, result not issued: nothing yet
    dossier = advance(world, dossier, RESULT[3:])
    record = ResidenceRecord.objects.get()
    assert record.kind == ResidenceKind.TEMPORARY and record.dossier_id == dossier.pk
    assert record.unit_id == world.ward_a.pk and record.end == datetime.date(2027, 6, 30)
    assert record.person.personal_id == "022090012345"  # the applicant, created in the register
    assert record.events.get().dossier_id == dossier.pk
    advance(world, dossier, ["complete"])  # closing the file changes nothing more
    assert ResidenceRecord.objects.count() == 1


@pytest.mark.parametrize("ending", ["refuse", "withdraw"])
def test_a_refused_or_withdrawn_dossier_changes_nothing(world, catalogue, ending):
    from precinct.eservices.services import dossier_transition

    form = {"dia_chi": "Số 8", "tu_ngay": "2026-12-01", "den_ngay": "2027-06-30"}
    dossier = advance(world, submit(world, "CT-02", form), ["receive", "start_review"])
    actor = world.users["citizen"] if ending == "withdraw" else world.users["leader_a"]
    dossier = dossier_transition(actor=actor, dossier=dossier, action=ending, note="Không đủ điều kiện")
    assert dossier.status in (DossierStatus.REFUSED, DossierStatus.WITHDRAWN)
    assert not ResidenceRecord.objects.exists() and not Person.objects.exists()


def test_permanent_registration_moves_and_deregistration_ends(world, catalogue, register):
    citizen = Person.objects.create(
        personal_id="022090012345", full_name="Citizen Person", unit=world.ward_b, unit_path=world.ward_b.path
    )
    ResidenceRecord.objects.create(
        person=citizen,
        kind="permanent",
        unit=world.ward_b,
        unit_path=world.ward_b.path,
        address="Cũ",
        start=datetime.date(2000, 1, 1),
        basis="import",
    )
    advance(world, submit(world, "CT-01", {"dia_chi": "Số 9, Tổ 1", "ly_do": "Chuyển đến"}), RESULT)
    current = citizen.records.get(is_current=True)
    assert current.kind == "permanent" and current.unit_id == world.ward_a.pk and current.address == "Số 9, Tổ 1"
    assert citizen.records.get(is_current=False).address == "Cũ"
    dossier = advance(world, submit(world, "CT-05", {"dia_chi": "Số 9, Tổ 1", "ly_do": "Đi"}), RESULT)
    assert not citizen.records.filter(kind="permanent", is_current=True).exists()
    assert citizen.records.get(address="Số 9, Tổ 1").events.last().dossier_id == dossier.pk


def test_an_extension_with_no_temporary_residence_on_file_registers_one(world, catalogue):
    dossier = advance(world, submit(world, "CT-03", {"dia_chi": "Số 8", "den_ngay": "2027-06-30"}), RESULT)
    assert dossier.status == DossierStatus.RESULT_ISSUED
    record = ResidenceRecord.objects.get()
    assert record.kind == ResidenceKind.TEMPORARY and record.dossier_id == dossier.pk
    assert record.end == datetime.date(2027, 6, 30)


def test_an_extension_moves_the_end_date(world, catalogue):
    advance(
        world, submit(world, "CT-02", {"dia_chi": "Số 8", "tu_ngay": "2026-12-01", "den_ngay": "2027-01-31"}), RESULT
    )
    advance(world, submit(world, "CT-03", {"dia_chi": "Số 8", "den_ngay": "2027-06-30"}), RESULT)
    record = ResidenceRecord.objects.get()
    assert record.end == datetime.date(2027, 6, 30)
    assert [e.action for e in record.events.all()] == ["registered", "extended"]


def test_other_procedures_and_submissions_send_no_query_from_the_receiver(world, catalogue, django_assert_num_queries):
    from precinct.eservices.models import DossierEvent
    from precinct.eservices.signals import DossierChange
    from precinct.residence.receivers import on_dossier_changed
    from precinct.residence.selectors import residence_procedure_code

    dossier = submit(world, "CT-06", {"muc_dich": "Xin việc"})
    residence_procedure_code(0)  # the memo warmed, as in a running process
    submitted = DossierEvent.objects.filter(dossier=dossier).first()
    result = DossierEvent(dossier=dossier, action="issue_result", to_status="result_issued")
    with django_assert_num_queries(0):
        on_dossier_changed(None, change=DossierChange(dossier=dossier, event=submitted, actor=None))
        on_dossier_changed(None, change=DossierChange(dossier=dossier, event=result, actor=None))
