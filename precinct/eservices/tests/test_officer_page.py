"""The officer's dossier page: the applicant's identity and contacts (their reading recorded), the inbox
search by personal ID and by name without accents, the actions each role is offered, and messages that say
what happened."""

import pytest
from django.contrib.messages import get_messages

from precinct.accounts.models import User
from precinct.audit.models import AuditEvent
from precinct.eservices.models import Procedure
from precinct.eservices.selectors import dossier_list
from precinct.eservices.services import dossier_submit, dossier_transition
from precinct.testing import ACTORS, Expect, assert_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(world, catalogue):
    """A dossier of "Nguyễn Văn Thành" (the test citizen, renamed), in ward A."""
    User.objects.filter(pk=world.users["citizen"].pk).update(full_name="Nguyễn Văn Thành", phone="0912345678")
    world.users["citizen"].refresh_from_db()
    return dossier_submit(
        actor=world.users["citizen"],
        procedure=Procedure.objects.get(code="CT-06"),
        form_data={"muc_dich": "Xin việc"},
        unit_code=world.ward_a.code,
    )


def test_the_inbox_finds_a_dossier_by_personal_id_and_by_a_name_without_accents(world, named):
    officer = world.users["officer_a"]
    for q in ("022090012345", "nguyen van", "NGUYỄN VĂN THÀNH", "van thanh"):
        assert list(dossier_list(actor=officer, q=q)) == [named], q
    for q in ("022090012346", "nguyen thi", "02209001234"):
        assert not dossier_list(actor=officer, q=q).exists(), q
    assert not dossier_list(actor=world.users["officer_b"], q="nguyen van").exists()  # outside B's reach
    page = world.client("officer_a").get("/dossiers/", {"q": "nguyen van"})
    assert named.code in page.content.decode()


def test_officers_see_the_applicants_identity_and_contacts_and_the_reading_is_recorded(world, named):
    url = f"/dossiers/{named.code}/"
    contact = Expect(200, shows=("022090012345", "0912345678", 'data-testid="applicant-contact"'))
    no_contact = Expect(200, hides=('data-testid="applicant-contact"',))
    in_reach = ("officer_a", "duty_a", "leader_a", "leader_p", "admin_p", "superuser")
    expected = {a: contact for a in in_reach} | {"citizen": no_contact, "anonymous": 302}
    expected |= {"officer_b": 404, "officer_dept": 404}
    assert set(expected) == set(ACTORS)
    before = AuditEvent.objects.filter(action="eservices.applicant_read").count()
    assert_matrix(world, lambda c: c.get(url), expected)
    rows = AuditEvent.objects.filter(action="eservices.applicant_read", target_id=str(named.pk))
    assert rows.count() == before + len(in_reach)


def test_officers_propose_and_leaders_decide(world, named):
    officer, leader = world.users["officer_a"], world.users["leader_a"]
    dossier = dossier_transition(actor=officer, dossier=named, action="receive")
    dossier = dossier_transition(actor=officer, dossier=dossier, action="start_review")
    offered = world.client("officer_a").get(f"/dossiers/{dossier.code}/").context["actions"]
    names = {a["name"] for a in offered}
    assert "propose" in names and not names & {"approve", "refuse"}
    offered = world.client("leader_a").get(f"/dossiers/{dossier.code}/").context["actions"]
    assert {"approve", "refuse"} <= {a["name"] for a in offered}
    client = world.client("officer_a")
    response = client.post(f"/dossiers/{dossier.code}/actions/propose/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Đã trình lãnh đạo phê duyệt hồ sơ {dossier.code}."
    ]
    refused = world.client("officer_a").post(f"/dossiers/{dossier.code}/actions/approve/")
    assert refused.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "in_review"
    dossier = dossier_transition(actor=leader, dossier=dossier, action="approve")
    assert dossier.status == "approved"


def test_the_message_says_what_happened(world, named):
    client = world.client("officer_a")
    response = client.post(f"/dossiers/{named.code}/actions/receive/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"Đã tiếp nhận hồ sơ {named.code}."]
    client = world.client("officer_a")
    client.cookies["django_language"] = "en"
    response = client.post(f"/dossiers/{named.code}/actions/start_review/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"Review of dossier {named.code} started."]
