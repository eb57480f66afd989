"""Administrators configure, recipients read (as in GlobaLeaks): a superuser or an administrator opens no
report, its files, its conversation or its figures, and cannot act on it; the officers, duty officers and
leaders whose roles reach the receiving unit can, and a superuser who is given such a role reads by it."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from precinct.audit.models import AuditEvent
from precinct.core.errors import PermissionDenied
from precinct.organisation.models import Role
from precinct.organisation.services import role_grant
from precinct.testing import Expect, assert_matrix
from precinct.tips.models import Tip, TipMessage
from precinct.tips.services.keys import unit_key_rotate
from precinct.tips.services.reading import tip_duplicates, tip_file_read, tip_read
from precinct.tips.services.retention import policy_set
from precinct.tips.tests.conftest import file_tip, jpeg_with_gps, multipart_tip

PERSONAL_ID = "022090012345"  # the test world's citizen


def identified_tip_in_a(world) -> Tip:
    filed = file_tip(world.client("citizen"), identified=True, ward=world.ward_a.code)
    return Tip.objects.get(reference=filed["reference"])


def test_who_filed_an_identified_report_is_for_the_recipients_only(world):
    tip = identified_tip_in_a(world)
    sees, refused = Expect(200, shows=(PERSONAL_ID,)), Expect(403, hides=(PERSONAL_ID,))
    expected = {
        "anonymous": 401,
        "citizen": refused,
        "officer_a": sees,
        "duty_a": sees,
        "leader_a": sees,
        "officer_b": Expect(404, hides=(PERSONAL_ID,)),
        "officer_dept": Expect(404, hides=(PERSONAL_ID,)),
        "leader_p": sees,
        "admin_p": refused,
        "superuser": refused,
    }
    assert_matrix(world, lambda c: c.get(f"/api/v1/tips/{tip.pk}"), expected, api=True)
    # The page header names a signed-in citizen by their username, which is their personal id.
    assert_matrix(world, lambda c: c.get(f"/tips/{tip.pk}/"), expected | {"anonymous": 302, "citizen": 403})
    readers = set(AuditEvent.objects.filter(action="tips.content_read").values_list("actor_label", flat=True))
    assert readers == {"officer_a", "duty_a", "leader_a", "leader_p"}


def test_files_are_for_the_recipients_only(world):
    photo = jpeg_with_gps()
    filed = multipart_tip(ward=world.ward_a.code, files=[SimpleUploadedFile("p.jpg", photo, content_type="image/jpeg")])
    tip = Tip.objects.get(reference=filed["reference"])
    attachment = world.api_client("officer_a").get(f"/api/v1/tips/{tip.pk}").json()["attachments"][0]
    expected = {
        "anonymous": 401,
        "citizen": 403,
        "officer_a": 200,
        "duty_a": 200,
        "leader_a": 200,
        "officer_b": 404,
        "officer_dept": 404,
        "leader_p": 200,
        "admin_p": 403,
        "superuser": 403,
    }
    assert_matrix(world, lambda c: c.get(f"/api/v1/tips/{tip.pk}/files/{attachment['id']}"), expected, api=True)
    assert_matrix(world, lambda c: c.get(f"/tips/{tip.pk}/files/{attachment['id']}/"), expected | {"anonymous": 302})
    readers = set(AuditEvent.objects.filter(action="tips.file_read").values_list("actor_label", flat=True))
    assert readers == {"officer_a", "duty_a", "leader_a", "leader_p"}


def test_only_recipients_write_notes(world):
    tip = Tip.objects.get(reference=file_tip(ward=world.ward_a.code)["reference"])
    note = json.dumps({"body": "Ghi chú nội bộ"})
    assert_matrix(
        world,
        lambda c: c.post(f"/api/v1/tips/{tip.pk}/notes", data=note, content_type="application/json"),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": 201,
            "duty_a": 201,
            "leader_a": 201,
            "officer_b": 404,
            "officer_dept": 404,
            "leader_p": 201,
            "admin_p": 403,
            "superuser": 403,
        },
        api=True,
    )
    authors = set(TipMessage.objects.filter(tip=tip).values_list("author__username", flat=True))
    assert authors == {"officer_a", "duty_a", "leader_a", "leader_p"}


@pytest.mark.parametrize("actor", ["superuser", "admin_p"])
def test_administrators_cannot_act_on_a_report(world, actor):
    tip = Tip.objects.get(reference=file_tip(ward=world.ward_a.code)["reference"])
    api = world.api_client(actor)

    def post(path, body):
        return api.post(f"/api/v1/tips/{tip.pk}/{path}", data=json.dumps(body), content_type="application/json")

    assert post("messages", {"body": "Chúng tôi đã nhận"}).status_code == 403
    assert post("status", {"status": "closed", "outcome": "false"}).status_code == 403
    assert post("priority", {"priority": 4}).status_code == 403
    assert post("reassign", {"unit": world.ward_b.code}).status_code == 403
    assert post("retention", {"until": "2099-01-01"}).status_code == 403
    assert api.get(f"/api/v1/tips/{tip.pk}/duplicates").status_code == 403
    page = world.client(actor).post(f"/tips/{tip.pk}/act/", {"do": "priority", "priority": "4"})
    assert page.status_code == 403
    before = (tip.status, tip.priority, tip.unit_id, tip.retain_until)
    tip.refresh_from_db()
    assert (tip.status, tip.priority, tip.unit_id, tip.retain_until) == before
    assert not TipMessage.objects.filter(tip=tip).exists()


def test_the_services_refuse_a_superuser_too(world):
    """Not only the handlers: a caller that skips the selector is refused by the service itself."""
    photo = jpeg_with_gps()
    filed = multipart_tip(ward=world.ward_a.code, files=[SimpleUploadedFile("p.jpg", photo, content_type="image/jpeg")])
    tip = Tip.objects.get(reference=filed["reference"])
    superuser = world.users["superuser"]
    with pytest.raises(PermissionDenied):
        tip_read(actor=superuser, tip=tip)
    with pytest.raises(PermissionDenied):
        tip_file_read(actor=superuser, tip=tip, attachment_id=tip.attachments.first().pk)
    refused = ("tips.content_read", "tips.file_read", "tips.duplicates_read")
    assert not AuditEvent.objects.filter(action__in=refused).exists()
    file_tip(ward=world.ward_a.code)  # a duplicate the officer finds and the superuser must not
    content = tip_read(actor=world.users["officer_a"], tip=tip)
    assert tip_duplicates(actor=world.users["officer_a"], tip=tip, content=content)
    with pytest.raises(PermissionDenied):
        tip_duplicates(actor=superuser, tip=tip, content=content)


def test_a_superuser_given_a_role_reads_by_that_role(world):
    tip = Tip.objects.get(reference=file_tip(ward=world.ward_a.code)["reference"])
    superuser = world.users["superuser"]
    role_grant(actor=world.users["admin_p"], user=superuser, unit=world.ward_a, role=Role.OFFICER)
    # The grant is the record: who gave whom which reach, in the audit trail.
    assert AuditEvent.objects.filter(action="organisation.role_grant", actor_label="admin_p").exists()
    r = world.api_client("superuser").get(f"/api/v1/tips/{tip.pk}")
    assert r.status_code == 200 and r.json()["content"]["description"].startswith("Có người bán ma túy")
    other = Tip.objects.get(reference=file_tip(ward=world.ward_b.code)["reference"])
    assert world.api_client("superuser").get(f"/api/v1/tips/{other.pk}").status_code == 404


def test_figures_are_the_leaders_and_the_policy_the_administrators(world):
    file_tip(ward=world.ward_a.code)
    assert_matrix(
        world,
        lambda c: c.get("/api/v1/tips/figures"),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": 403,
            "duty_a": 403,
            "leader_a": 200,
            "officer_b": 403,
            "officer_dept": 403,
            "leader_p": 200,
            "admin_p": 403,
            "superuser": 403,
        },
        api=True,
    )
    page = world.client("superuser").get("/tips/figures/").content.decode()
    assert 'name="retention_days"' in page and 'data-testid="total"' not in page
    # Administrators still configure: the policy and the units' keys.
    assert policy_set(actor=world.users["superuser"], retention_days=400).retention_days == 400
    assert unit_key_rotate(actor=world.users["admin_p"], unit=world.ward_a).is_active
    with pytest.raises(PermissionDenied):
        unit_key_rotate(actor=world.users["leader_p"], unit=world.ward_a)


@pytest.mark.parametrize(
    ("actor", "queue_link"),
    [("officer_a", True), ("duty_a", True), ("leader_p", True), ("admin_p", False), ("superuser", False),
     ("citizen", False), ("anonymous", False)],
)  # fmt: skip
def test_the_header_offers_the_queue_only_to_recipients(world, actor, queue_link):
    """Administrators read no report, so their header offers the public form, not a queue that answers 403."""
    page = world.client(actor).get("/").content.decode()
    assert ('href="/tips/"' in page) is queue_link
    assert ('href="/report/"' in page) is not queue_link
