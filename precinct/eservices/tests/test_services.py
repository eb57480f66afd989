import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from precinct.audit.models import AuditEvent
from precinct.core.calendar import LOCAL_TZ
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.eservices.models import Dossier, DossierStatus, Procedure
from precinct.eservices.selectors import dossier_list, procedure_list
from precinct.eservices.services import Upload, dossier_submit, dossier_transition, procedure_save
from precinct.eservices.tests.conftest import pdf
from precinct.eservices.workflow import LEADER_ACTIONS

pytestmark = pytest.mark.django_db

MONDAY_10 = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=LOCAL_TZ)
CT01 = "Tờ khai thay đổi thông tin cư trú (CT01)"


def submit(world, code="CT-06", form=None, unit="07168", uploads=None, now=MONDAY_10, actor=None):
    return dossier_submit(
        actor=actor or world.users["citizen"],
        procedure=Procedure.objects.get(code=code),
        form_data=form if form is not None else {"muc_dich": "Bổ sung hồ sơ xin việc"},
        unit_code=unit,
        uploads=uploads,
        now=now,
    )


def test_submission_gets_a_code_a_due_date_history_and_an_audit_row(world, catalogue):
    dossier = submit(world)
    assert dossier.code == "07168-261123-0001"
    assert (dossier.received_on, dossier.due_date) == (
        datetime.date(2026, 11, 23),
        datetime.date(2026, 11, 25),
    )
    assert dossier.status == DossierStatus.SUBMITTED and dossier.unit == world.ward_a
    assert list(dossier.events.values_list("action", flat=True)) == ["submit"]
    assert AuditEvent.objects.filter(action="eservices.dossier_submit", target_id=str(dossier.pk)).exists()
    assert submit(world).code == "07168-261123-0002"


def test_provincial_procedures_go_to_their_department(world, catalogue):
    dossier = submit(world, code="CD-01", form={"ten_to_chuc": "Công ty TNHH Du lịch Vịnh"}, unit=None)
    assert dossier.unit == world.department and dossier.code.startswith("22-PC06-261123-")


def test_invalid_form_is_refused_per_field_and_creates_nothing(world, catalogue):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        submit(world, code="CT-02", form={"dia_chi": "x" * 400, "tu_ngay": "not-a-date", "extra": 1})
    assert {"form.dia_chi", "form.tu_ngay", "form.den_ngay", "form.extra"} <= set(exc.value.fields)
    assert not Dossier.objects.exists() and AuditEvent.objects.count() == events


def test_required_documents_and_file_types(world, catalogue):
    form = {"dia_chi": "Tổ 5, khu 3, phường Hà An", "ly_do": "Chuyển đến ở cùng gia đình"}
    with pytest.raises(ValidationFailed) as exc, translation.override("en"):
        submit(world, code="CT-01", form=form)
    assert exc.value.fields["documents.0"] == ["Attach this document: Residence change declaration (CT01)."]
    fake = SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationFailed):
        submit(world, code="CT-01", form=form, uploads=[Upload("Tờ khai thay đổi thông tin cư trú (CT01)", fake)])
    dossier = submit(
        world, code="CT-01", form=form, uploads=[Upload("Tờ khai thay đổi thông tin cư trú (CT01)", pdf())]
    )
    attachment = dossier.attachments.get()
    assert attachment.content_type == "application/pdf" and attachment.original_name == "giay-to.pdf"
    assert "giay-to" not in attachment.file.name  # stored under a random name


def test_only_citizens_submit(world, catalogue):
    with pytest.raises(PermissionDenied):
        submit(world, actor=world.users["officer_a"])


def test_full_happy_path(world, catalogue, signing_keys):
    dossier = submit(world)
    officer, leader = world.users["officer_a"], world.users["leader_a"]
    for action in ("receive", "start_review", "propose", "approve", "issue_result", "complete"):
        actor = leader if action in LEADER_ACTIONS else officer
        dossier = dossier_transition(actor=actor, dossier=dossier, action=action)
    assert dossier.status == DossierStatus.DONE and dossier.completed_at is not None
    assert list(dossier.events.values_list("to_status", flat=True)) == [
        "submitted",
        "received",
        "in_review",
        "in_review",  # proposed to the leader: the state does not change
        "approved",
        "result_issued",
        "done",
    ]


def test_a_refused_transition_changes_nothing_and_says_why(world, catalogue):
    dossier = submit(world)
    officer = world.users["officer_a"]
    dossier = dossier_transition(actor=officer, dossier=dossier, action="receive")
    dossier = dossier_transition(actor=officer, dossier=dossier, action="request_supplement", note="Thiếu ảnh")
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        dossier_transition(actor=world.users["leader_a"], dossier=dossier, action="approve")
    assert exc.value.code == "transition_not_allowed" and exc.value.status == 409
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED and AuditEvent.objects.count() == events


def test_roles_and_reach_decide_who_acts(world, catalogue):
    dossier = submit(world)
    with pytest.raises(PermissionDenied):
        dossier_transition(actor=world.users["officer_b"], dossier=dossier, action="receive")
    with pytest.raises(PermissionDenied):  # withdrawing is the applicant's action, not an officer's
        dossier_transition(actor=world.users["duty_a"], dossier=dossier, action="withdraw")
    with pytest.raises(ValidationFailed):  # refusing needs a reason
        dossier_transition(
            actor=world.users["leader_a"],
            dossier=dossier_transition(actor=world.users["duty_a"], dossier=dossier, action="receive"),
            action="refuse",
        )


def test_supplement_stops_the_clock_and_restarts_it(world, catalogue, monkeypatch):
    from django.utils import timezone

    form = {"dia_chi": "Hà An", "tu_ngay": "2026-12-01", "den_ngay": "2027-06-01"}
    dossier = submit(world, code="CT-02", form=form, uploads=[Upload(CT01, pdf())])
    assert dossier.due_date == datetime.date(2026, 11, 27)  # 3 working days, the 24th is a holiday
    officer = world.users["officer_a"]
    monkeypatch.setattr(timezone, "now", lambda: MONDAY_10 + datetime.timedelta(days=2))  # Wednesday the 25th
    dossier = dossier_transition(actor=officer, dossier=dossier, action="receive")
    dossier = dossier_transition(actor=officer, dossier=dossier, action="request_supplement", note="Thiếu hợp đồng")
    assert dossier.paused_days_left == 2  # Thursday and Friday were still to come
    # The citizen answers a week later, on Wednesday 2 December, in the morning.
    monkeypatch.setattr(timezone, "now", lambda: MONDAY_10 + datetime.timedelta(days=9))
    dossier = dossier_transition(
        actor=world.users["citizen"],
        dossier=dossier,
        action="supplement",
        note="Đã bổ sung hợp đồng thuê nhà",
        uploads=[Upload("Hợp đồng", pdf())],
    )
    assert dossier.status == DossierStatus.IN_REVIEW and dossier.paused_days_left is None
    assert dossier.due_date == datetime.date(2026, 12, 4)
    assert dossier.attachments.count() == 2  # the declaration, then the supplement


def test_transfer_moves_the_dossier_out_of_the_old_units_reach(world, catalogue):
    dossier = submit(world)
    dossier_transition(
        actor=world.users["officer_a"], dossier=dossier, action="transfer", note="Sai địa bàn", target_unit=world.ward_b
    )
    assert not dossier_list(actor=world.users["officer_a"]).exists()
    assert dossier_list(actor=world.users["officer_b"]).get().code == dossier.code


def test_extension_needs_a_later_working_day_and_a_leader(world, catalogue):
    dossier = dossier_transition(actor=world.users["officer_a"], dossier=submit(world), action="receive")
    with pytest.raises(PermissionDenied):
        dossier_transition(
            actor=world.users["officer_a"],
            dossier=dossier,
            action="extend",
            note="Xin lỗi",
            new_due_date=datetime.date(2026, 12, 1),
        )
    with pytest.raises(ValidationFailed):
        dossier_transition(
            actor=world.users["leader_a"],
            dossier=dossier,
            action="extend",
            note="Xin lỗi",
            new_due_date=datetime.date(2026, 11, 29),
        )  # a Sunday
    dossier = dossier_transition(
        actor=world.users["leader_a"],
        dossier=dossier,
        action="extend",
        note="Chúng tôi xin lỗi vì sự chậm trễ",
        new_due_date=datetime.date(2026, 12, 1),
    )
    assert dossier.due_date == datetime.date(2026, 12, 1)


def test_withdrawal_is_the_applicants_alone(world, catalogue):
    from precinct.accounts.models import User

    other = User.objects.create_user(username="022190000001", password="x", kind="citizen", full_name="Other")
    dossier = submit(world)
    with pytest.raises(PermissionDenied):
        dossier_transition(actor=other, dossier=dossier, action="withdraw")
    dossier = dossier_transition(actor=world.users["citizen"], dossier=dossier, action="withdraw")
    assert dossier.status == DossierStatus.WITHDRAWN


def test_editing_a_procedure_makes_a_new_version_and_dossiers_keep_theirs(world, catalogue):
    dossier = submit(world)
    v2 = procedure_save(actor=world.users["superuser"], code="CT-06", deadline_days=2)
    assert v2.number == 2 and Procedure.objects.get(code="CT-06").current == v2
    dossier.refresh_from_db()
    assert dossier.version.number == 1 and dossier.version.deadline_days == 1
    assert submit(world).version == v2
    with pytest.raises(PermissionDenied):
        procedure_save(actor=world.users["leader_p"], code="CT-06", deadline_days=5)


def test_search_ignores_accents(world, catalogue):
    codes = set(procedure_list(q="cu tru").values_list("code", flat=True))
    assert {"CT-01", "CT-02", "CT-06"} <= codes and "XNC-01" not in codes
    assert set(procedure_list(q="HỘ CHIẾU").values_list("code", flat=True)) == {"XNC-01", "XNC-02"}
    assert set(procedure_list(q="passport").values_list("code", flat=True)) == {"XNC-01", "XNC-02"}


def test_catalogue_round_trip(world, catalogue):
    from precinct.eservices.catalogue import catalogue_export, catalogue_import

    exported = catalogue_export()
    assert len(exported["procedures"]) == 37 and len({p["field"] for p in exported["procedures"]}) == 13
    assert catalogue_import(actor=None, data=exported).new_versions == 0
