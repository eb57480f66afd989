import hashlib

import pytest
from pypdf import PdfReader

from precinct.audit.models import AuditEvent
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.eservices.models import DossierStatus
from precinct.eservices.services import dossier_transition
from precinct.results import services
from precinct.results.models import ResultDocument, SigningKey
from precinct.results.testing import unit_key

pytestmark = pytest.mark.django_db


def test_issuing_signs_and_stores_the_result(world, issued):
    document = ResultDocument.objects.get(dossier=issued)
    data = document.file.read()
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert document.size == len(data)
    assert document.unit == world.ward_a
    assert "Công an phường A" in document.signer_subject
    text = PdfReader(__import__("io").BytesIO(data)).pages[0].extract_text()
    assert issued.code in text
    assert "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "Bổ sung hồ sơ xin việc tại Hạ Long" in text
    assert AuditEvent.objects.filter(action="results.result_issue", target_id=str(document.pk)).exists()


def test_a_unit_without_a_key_cannot_issue_and_nothing_changes(world, approved):
    with pytest.raises(DomainError) as refused:
        dossier_transition(actor=world.users["leader_a"], dossier=approved, action="issue_result")
    assert refused.value.code == "signing_unavailable"
    assert "Công an phường A" in str(refused.value.message)
    approved.refresh_from_db()
    assert approved.status == DossierStatus.APPROVED
    assert not ResultDocument.objects.exists()
    assert not AuditEvent.objects.filter(action="eservices.dossier_issue_result").exists()


def test_a_key_that_will_not_open_refuses_issuing(world, signing, approved, settings):
    settings.PRECINCT_SIGNING_PASSPHRASE = "not-the-passphrase"
    from precinct.results.keys import forget_key_material

    forget_key_material()
    with pytest.raises(DomainError, match="khóa ký số"):
        dossier_transition(actor=world.users["leader_a"], dossier=approved, action="issue_result")
    approved.refresh_from_db()
    assert approved.status == DossierStatus.APPROVED
    assert not ResultDocument.objects.exists()


def test_a_failure_while_storing_leaves_the_dossier_approved_and_no_file(world, signing, approved, monkeypatch):
    stored = []
    original = ResultDocument.save

    def failing_save(self, *args, **kwargs):
        stored.append(self.file.name)
        raise RuntimeError("database went away")

    monkeypatch.setattr(ResultDocument, "save", failing_save)
    with pytest.raises(RuntimeError):
        dossier_transition(actor=world.users["leader_a"], dossier=approved, action="issue_result")
    monkeypatch.setattr(ResultDocument, "save", original)
    approved.refresh_from_db()
    assert approved.status == DossierStatus.APPROVED
    from django.core.files.storage import default_storage

    assert stored and not default_storage.exists(stored[0])  # the signed file was removed with the row


def test_revocation_is_for_the_units_leader_with_a_reason(world, issued):
    document = issued.result
    for actor in ("officer_a", "duty_a", "officer_b", "citizen", "admin_p"):
        with pytest.raises(PermissionDenied):
            services.result_revoke(actor=world.users[actor], document=document, reason="x")
    with pytest.raises(ValidationFailed):
        services.result_revoke(actor=world.users["leader_a"], document=document, reason="  ")
    document.refresh_from_db()
    assert document.revoked_at is None
    services.result_revoke(actor=world.users["leader_a"], document=document, reason="Sai thông tin")
    document.refresh_from_db()
    assert document.revoked_at is not None and document.revoked_by == world.users["leader_a"]
    event = AuditEvent.objects.get(action="results.result_revoke")
    assert event.actor == world.users["leader_a"] and event.after["reason"] == "Sai thông tin"
    with pytest.raises(DomainError, match="đã bị thu hồi"):
        services.result_revoke(actor=world.users["leader_p"], document=document, reason="again")


def test_rotation_retires_the_previous_key_and_old_results_keep_theirs(world, issued):
    old = SigningKey.objects.get(unit=world.ward_a, is_active=True)
    new = unit_key(world.ward_a, name="rotated")
    old.refresh_from_db()
    assert new.is_active and not old.is_active and old.retired_at is not None
    assert issued.result.signing_key == old
    assert unit_key(world.ward_a, name="rotated") == new  # registering the same key again changes nothing
    assert SigningKey.objects.filter(unit=world.ward_a).count() == 2


def test_a_certificate_outside_the_trust_roots_is_refused(world, tmp_path, settings):
    from precinct.results import keys

    authority = keys.ca_load() or keys.ca_create(name="Test CA", organisation="Test")
    assert authority is not None
    settings.PRECINCT_SIGNING_TRUST_ROOTS = [str(tmp_path / "nothing.pem")]  # trust nobody
    keys.forget_key_material()
    key_file, _ = keys.unit_key_write(
        authority, unit_code=world.ward_b.code, common_name="B", organisation="T", filename="untrusted"
    )
    with pytest.raises(ValidationFailed) as refused:
        services.signing_key_register(actor=None, unit=world.ward_b, key_file=key_file)
    assert "tin cậy" in str(refused.value.fields["key_file"][0])
    with pytest.raises(ValidationFailed) as outside:
        services.signing_key_register(actor=None, unit=world.ward_b, key_file="../../etc/passwd")
    assert "PRECINCT_SIGNING_DIR" in str(outside.value.fields["key_file"][0])
    assert not SigningKey.objects.exists()


def test_only_administrators_of_the_unit_manage_keys(world):
    for actor in ("leader_a", "officer_a", "officer_b", "citizen"):
        with pytest.raises(PermissionDenied):
            services.signing_key_issue(actor=world.users[actor], unit=world.ward_a)
        with pytest.raises(PermissionDenied):
            services.signing_key_register(actor=world.users[actor], unit=world.ward_a, key_file="units/x.p12")
    unit_key(world.ward_a)  # makes sure the local CA exists
    key = services.signing_key_issue(actor=world.users["admin_p"], unit=world.ward_a)
    assert key.is_active and key.unit == world.ward_a
    assert AuditEvent.objects.filter(action="results.signing_key_register", actor=world.users["admin_p"]).exists()


def test_demo_signing_is_idempotent(world):
    import io

    from precinct.results import demo

    out = io.StringIO()
    demo.seed(stdout=out)
    first = set(SigningKey.objects.values_list("unit__code", flat=True))
    # The province and its department always; wards whose officers have accounts (both here).
    assert first == {world.province.code, world.department.code, world.ward_a.code, world.ward_b.code}
    demo.seed(stdout=out)
    assert SigningKey.objects.count() == 4
    SigningKey.objects.all().delete()
    demo.seed(stdout=out)  # a new database finds the files again
    assert set(SigningKey.objects.values_list("unit__code", flat=True)) == first
    assert "0 unit keys created, 4 reused" in out.getvalue()


def test_the_signing_key_command(world):
    import io

    from django.core.management import CommandError, call_command

    unit_key(world.ward_a)  # the session's test CA exists from here on
    with pytest.raises(CommandError, match="already exists"):
        call_command("signing_key", "ca", stdout=io.StringIO())
    out = io.StringIO()
    call_command("signing_key", "issue", world.ward_b.code, "--format", "pem", stdout=out)
    key = SigningKey.objects.get(unit=world.ward_b, is_active=True)
    assert key.key_file.endswith(".key.pem") and key.cert_file.endswith(".cert.pem")
    assert key.fingerprint in out.getvalue()
    call_command("signing_key", "issue", world.ward_b.code, stdout=out)  # rotate
    assert SigningKey.objects.filter(unit=world.ward_b).count() == 2
    call_command("signing_key", "import", world.ward_b.code, key.key_file, key.cert_file, stdout=out)  # back to it
    assert SigningKey.objects.get(unit=world.ward_b, is_active=True) == key
    listing = io.StringIO()
    call_command("signing_key", "list", stdout=listing)
    assert listing.getvalue().count("retired") == 1 and world.ward_a.code in listing.getvalue()
    with pytest.raises(CommandError, match="No unit"):
        call_command("signing_key", "issue", "NOPE", stdout=out)


def test_production_never_writes_an_unencrypted_key(world, settings):
    from precinct.results import keys

    unit_key(world.ward_a)
    authority = keys.ca_load()
    assert authority is not None
    settings.PRODUCTION, settings.PRECINCT_SIGNING_PASSPHRASE = True, ""
    with pytest.raises(keys.KeyMaterialError, match="PRECINCT_SIGNING_PASSPHRASE"):
        keys.unit_key_write(authority, unit_code="X", common_name="X", organisation="Y")
    assert not (keys.signing_dir() / "units" / "X").exists() or not any((keys.signing_dir() / "units" / "X").iterdir())


def test_an_expired_key_refuses_issuing(world, signing, approved):
    import datetime

    from django.utils import timezone

    SigningKey.objects.filter(unit=world.ward_a).update(not_after=timezone.now() - datetime.timedelta(days=1))
    with pytest.raises(DomainError) as refused:
        dossier_transition(actor=world.users["leader_a"], dossier=approved, action="issue_result")
    assert refused.value.code == "signing_unavailable"
    approved.refresh_from_db()
    assert approved.status == DossierStatus.APPROVED
