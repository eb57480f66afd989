"""Persons involved, arrests, exhibits and custody chains: who reads them (the handling unit, its leaders,
the investigating unit, the province's investigation departments), every read of a person's details
audited, and a custody chain that only grows."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from precinct.audit.models import AuditEvent
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.incidents import case_services
from precinct.incidents.models import AppendOnly, Exhibit, ExhibitHandover, IncidentPerson
from precinct.incidents.tests.conftest import open_case, record
from precinct.organisation.models import Role, RoleAssignment, Unit, UnitKind
from precinct.testing import Expect, assert_matrix

SUSPECT_ID = "022095001234"  # Quảng Ninh, male, born 1995


def add_person(world, incident, actor="officer_a", **fields):
    data = {
        "role": "suspect",
        "full_name": "Nguyễn Văn Tình",
        "personal_id": SUSPECT_ID,
        "date_of_birth": datetime.date(1995, 4, 2),
        "sex": "male",
        "address": "To 3, Khu 5, phuong A",
    } | fields
    return case_services.person_add(actor=world.user(actor), incident=incident, data=case_services.NewPerson(**data))


def seize(world, incident, actor="officer_a", **fields):
    data = {
        "description": "Xe máy Honda Wave biển số 14B1-123.45",
        "quantity": "1",
        "measure": "chiếc",
        "stored_at": "Kho vật chứng Công an phường A",
        "estimated_value": 15_000_000,
    } | fields
    return case_services.exhibit_seize(
        actor=world.user(actor), incident=incident, data=case_services.NewExhibit(**data)
    )


@pytest.fixture
def investigator(world):
    """An officer of the province's criminal police (PC02), an investigation department."""
    from precinct.accounts.models import User, UserKind

    pc02 = Unit.objects.create(
        code="22-PC02", name="Phòng Cảnh sát hình sự", kind=UnitKind.DEPARTMENT, parent=world.province
    )
    user = User.objects.create_user(username="investigator", password="x-Long-enough-9", kind=UserKind.OFFICER)
    RoleAssignment.objects.create(user=user, unit=pc02, role=Role.OFFICER)
    return user


def test_a_persons_details_are_read_only_by_those_allowed_and_every_read_is_audited(world, investigator):
    incident = record(world)
    person = add_person(world, incident)
    sees = Expect(200, shows=(SUSPECT_ID, "Khu 5"))  # JSON escapes Vietnamese letters: ASCII probes
    hidden = Expect(404, hides=(SUSPECT_ID, "Khu 5"))
    assert_matrix(
        world,
        lambda c: c.get(f"/api/v1/incidents/persons/{person.pk}"),
        {
            "anonymous": 401,
            "citizen": Expect(403, hides=(SUSPECT_ID,)),
            "officer_a": sees,
            "duty_a": sees,
            "leader_a": sees,
            "officer_b": hidden,
            "officer_dept": hidden,  # PC06 is no investigation department, and does not investigate this one
            "leader_p": sees,
            "admin_p": Expect(403, hides=(SUSPECT_ID,)),
            "superuser": hidden,  # by role alone, as crime reports' content
        },
        api=True,
    )
    reads = AuditEvent.objects.filter(action="incidents.person_read", target_id=str(person.pk))
    assert sorted(reads.values_list("actor_label", flat=True)) == ["duty_a", "leader_a", "leader_p", "officer_a"]
    # No name or number in the audit chain.
    assert not AuditEvent.objects.filter(after__icontains=SUSPECT_ID).exists()
    # The province's criminal police reads it too (audited); the page as well.
    from django.test import Client

    client = Client()
    client.force_login(investigator)
    assert client.get(f"/api/v1/incidents/persons/{person.pk}").json()["personal_id"] == SUSPECT_ID
    assert reads.count() == 5
    page = client.get(f"/incidents/persons/{person.pk}/")
    assert page.status_code == 200 and SUSPECT_ID in page.content.decode()
    assert reads.count() == 6
    # Once a case is opened with PC06 investigating, the department reads it.
    open_case(world, incident)
    assert world.api_client("officer_dept").get(f"/api/v1/incidents/persons/{person.pk}").status_code == 200
    assert reads.count() == 7


def test_person_pages_matrix(world):
    incident = record(world)
    person = add_person(world, incident)
    sees, hidden = Expect(200, shows=("Nguyễn Văn Tình",)), Expect(404, hides=("Nguyễn Văn Tình",))
    matrix = {
        "anonymous": 302,
        "citizen": 403,
        "officer_a": sees,
        "duty_a": sees,
        "leader_a": sees,
        "officer_b": hidden,
        "officer_dept": hidden,
        "leader_p": sees,
        "admin_p": 403,
        "superuser": Expect(403, hides=("Nguyễn Văn Tình",)),
    }
    assert_matrix(world, lambda c: c.get(f"/incidents/{incident.pk}/case-file/"), matrix)
    assert_matrix(world, lambda c: c.get(f"/incidents/persons/{person.pk}/"), matrix | {"superuser": hidden})
    assert AuditEvent.objects.filter(action="incidents.person_list_read").count() == 4
    assert AuditEvent.objects.filter(action="incidents.person_read").count() == 4


def test_person_list_api_matrix(world):
    incident = record(world)
    add_person(world, incident)
    # The list gives role and name (JSON escapes Vietnamese letters: "suspect" is the ASCII probe); details
    # (the personal ID) only one by one.
    sees = Expect(200, shows=("suspect",), hides=(SUSPECT_ID,))
    assert_matrix(
        world,
        lambda c: c.get(f"/api/v1/incidents/{incident.pk}/persons"),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": sees,
            "duty_a": sees,
            "leader_a": sees,
            "officer_b": 404,
            "officer_dept": 404,
            "leader_p": sees,
            "admin_p": 403,
            "superuser": 403,  # sees the incident, not who is in it
        },
        api=True,
    )


def test_adding_a_person_checks_the_personal_id_and_changes_nothing_when_wrong(world):
    incident = record(world)
    client = world.api_client("officer_a")
    body = {
        "role": "suspect",
        "full_name": "Trần Văn B",
        "personal_id": "022195001234",
        "sex": "male",
        "date_of_birth": "1995-04-02",
    }
    response = client.post(
        f"/api/v1/incidents/{incident.pk}/persons",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Accept-Language": "vi"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["personal_id"] == [
        "Chữ số thứ tư không khớp với giới tính và thế kỷ sinh."
    ]
    english = client.post(
        f"/api/v1/incidents/{incident.pk}/persons",
        data=json.dumps(body | {"personal_id": "12345", "role": "boss"}),
        content_type="application/json",
        headers={"Accept-Language": "en"},
    ).json()["error"]["fields"]
    assert english["personal_id"] == ["The personal identification number must be exactly 12 digits."]
    assert english["role"] == ["Choose one of the listed values."]
    assert not IncidentPerson.objects.exists()
    assert not AuditEvent.objects.filter(action="incidents.person_add").exists()
    # Unknown ID is fine: a witness known by name only.
    ok = client.post(
        f"/api/v1/incidents/{incident.pk}/persons",
        data=json.dumps({"role": "witness", "full_name": "Bà bán hàng nước"}),
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["personal_id"] == ""
    assert (
        world.api_client("officer_b")
        .post(f"/api/v1/incidents/{incident.pk}/persons", data=json.dumps(body), content_type="application/json")
        .status_code
        == 404
    )


def test_adding_a_foreigner_checks_the_passport_and_nationality_in_both_languages(world):
    incident = record(world)
    client = world.api_client("officer_a")
    url = f"/api/v1/incidents/{incident.pk}/persons"
    body = {"role": "suspect", "full_name": "Kim Min-jun", "passport_number": "M1234", "nationality": "XX"}
    vi = client.post(url, body, content_type="application/json", headers={"Accept-Language": "vi"}).json()
    assert vi["error"]["fields"]["passport_number"] == ["Số hộ chiếu gồm từ 6 đến 9 chữ cái hoặc chữ số."]
    assert (
        "ISO 3166" in vi["error"]["fields"]["nationality"][0] and "Quốc tịch" in vi["error"]["fields"]["nationality"][0]
    )
    en = client.post(
        url, body | {"nationality": ""}, content_type="application/json", headers={"Accept-Language": "en"}
    ).json()["error"]["fields"]
    assert en["passport_number"] == ["A passport number is 6 to 9 letters or digits."]
    assert en["nationality"] == ["Give the nationality of the passport (e.g. CN, KR, US)."]
    assert not IncidentPerson.objects.exists()
    ok = client.post(
        url, body | {"passport_number": "m 1234 567", "nationality": "kr"}, content_type="application/json"
    )
    assert ok.status_code == 201, ok.content
    assert (ok.json()["passport_number"], ok.json()["nationality"]) == ("M1234567", "KR")
    again = client.post(
        url, body | {"passport_number": "M1234567", "nationality": "KR"}, content_type="application/json"
    )
    assert again.status_code == 422 and "passport_number" in again.json()["error"]["fields"]
    # The page's form takes them too.
    page = world.client("officer_a")
    assert 'name="passport_number"' in page.get(f"/incidents/{incident.pk}/case-file/").content.decode()
    page.post(
        f"/incidents/{incident.pk}/case-file/persons/",
        {"role": "witness", "full_name": "John Smith", "passport_number": "123456789", "nationality": "gb"},
    )
    assert IncidentPerson.objects.filter(passport_number="123456789", nationality="GB", role="witness").exists()


def test_arrest_and_release(world):
    incident = record(world, occurred_at=timezone.now() - datetime.timedelta(days=10))
    person = add_person(world, incident)
    client = world.api_client("officer_a")
    today = timezone.localdate()
    url = f"/api/v1/incidents/persons/{person.pk}"
    arrested = client.post(
        f"{url}/arrests",
        data=json.dumps({"arrested_on": (today - datetime.timedelta(days=3)).isoformat(), "grounds": "Bắt quả tang"}),
        content_type="application/json",
    )
    assert arrested.status_code == 201, arrested.content
    again = client.post(
        f"{url}/arrests", data=json.dumps({"arrested_on": today.isoformat()}), content_type="application/json"
    )
    assert again.status_code == 422 and "arrested_on" in again.json()["error"]["fields"]
    early = client.post(
        f"{url}/release",
        data=json.dumps({"released_on": (today - datetime.timedelta(days=5)).isoformat(), "reason": "Tại ngoại"}),
        content_type="application/json",
    )
    assert early.status_code == 422
    released = client.post(
        f"{url}/release",
        data=json.dumps({"released_on": today.isoformat(), "reason": "Cho tại ngoại"}),
        content_type="application/json",
    )
    assert released.status_code == 200 and released.json()["released_on"] == today.isoformat()
    twice = client.post(
        f"{url}/release",
        data=json.dumps({"released_on": today.isoformat(), "reason": "x"}),
        content_type="application/json",
    )
    assert twice.status_code == 409
    details = client.get(url).json()
    assert [(a["arrested_on"], a["released_on"]) for a in details["arrests"]] == [
        ((today - datetime.timedelta(days=3)).isoformat(), today.isoformat())
    ]
    assert details["in_custody"] is False
    actions = list(incident.events.values_list("action", flat=True))
    assert actions[-2:] == ["arrest", "release"]
    # A leader of another ward cannot arrest here.
    with pytest.raises(PermissionDenied):
        case_services.person_arrest(actor=world.user("officer_b"), person=person, arrested_on=today, grounds="")


def test_an_exhibit_handed_over_twice_shows_both_and_nothing_edits_a_past_hand_over(world):
    incident = record(world)
    exhibit = seize(world, incident)
    client = world.api_client("officer_a")
    url = f"/api/v1/incidents/exhibits/{exhibit.pk}"
    first = client.post(
        f"{url}/handovers",
        data=json.dumps({"to_holder": "Cơ quan CSĐT Công an tỉnh", "reason": "Chuyển hồ sơ vụ án"}),
        content_type="application/json",
    )
    assert first.status_code == 201, first.content
    # The second through the page.
    page = world.client("leader_a").post(
        f"/incidents/exhibits/{exhibit.pk}/handover/",
        {"to_holder": "Phòng Kỹ thuật hình sự", "reason": "Giám định dấu vết"},
    )
    assert page.status_code == 302
    chain = client.get(url).json()
    assert [(h["sequence"], h["from_holder"], h["to_holder"]) for h in chain["handovers"]] == [
        (1, "Kho vật chứng Công an phường A", "Cơ quan CSĐT Công an tỉnh"),
        (2, "Cơ quan CSĐT Công an tỉnh", "Phòng Kỹ thuật hình sự"),
    ]
    assert chain["stored_at"] == "Phòng Kỹ thuật hình sự"
    html = world.client("officer_a").get(f"/incidents/exhibits/{exhibit.pk}/").content.decode()
    assert "Giám định dấu vết" in html and "Chuyển hồ sơ vụ án" in html
    before = list(ExhibitHandover.objects.order_by("sequence").values())
    # No API route changes or removes a hand-over...
    for method in ("put", "patch", "delete"):
        assert (
            getattr(client, method)(f"{url}/handovers", data="{}", content_type="application/json").status_code == 405
        )
        assert getattr(client, method)(
            f"{url}/handovers/1", data="{}", content_type="application/json"
        ).status_code in (404, 405)
        assert getattr(client, method)(url, data="{}", content_type="application/json").status_code == 405
    # ...nor any page: the only page form appends, and there is no page for one hand-over.
    assert world.client("officer_a").get(f"/incidents/exhibits/{exhibit.pk}/handover/").status_code == 405
    assert world.client("officer_a").post(f"/incidents/exhibits/{exhibit.pk}/handover/1/", {}).status_code == 404
    # ...nor the model, its queryset or (on both engines) the database.
    handover = ExhibitHandover.objects.get(sequence=1)
    handover.reason = "sửa lại"
    with pytest.raises(AppendOnly):
        handover.save()
    with pytest.raises(AppendOnly):
        handover.delete()
    with pytest.raises(AppendOnly):
        ExhibitHandover.objects.filter(sequence=1).update(reason="sửa lại")
    with pytest.raises(AppendOnly):
        ExhibitHandover.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic():  # IntegrityError on SQLite, ProgrammingError on PostgreSQL
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("UPDATE incidents_exhibithandover SET reason = 'x'")
    assert list(ExhibitHandover.objects.order_by("sequence").values()) == before


def test_handover_refusals_change_nothing(world):
    incident = record(world)
    exhibit = seize(world, incident)
    with pytest.raises(ValidationFailed) as refused:
        case_services.exhibit_hand_over(
            actor=world.user("officer_a"),
            exhibit=exhibit,
            to_holder="",
            at=timezone.now() + datetime.timedelta(days=1),
            reason="",
        )
    assert set(refused.value.fields) == {"to_holder", "reason", "at"}
    with pytest.raises(ValidationFailed):
        case_services.exhibit_hand_over(
            actor=world.user("officer_a"),
            exhibit=exhibit,
            to_holder="Kho B",
            at=exhibit.seized_at - datetime.timedelta(hours=1),
            reason="trước khi thu giữ",
        )
    with pytest.raises(PermissionDenied):
        case_services.exhibit_hand_over(
            actor=world.user("officer_b"), exhibit=exhibit, to_holder="Kho B", at=None, reason="x"
        )
    assert not ExhibitHandover.objects.exists()
    assert Exhibit.objects.get().stored_at == "Kho vật chứng Công an phường A"


def test_exhibit_seizure_validation(world):
    incident = record(world)
    with pytest.raises(ValidationFailed) as refused:
        seize(world, incident, quantity="-2", measure="", estimated_value="nhiều")
    assert set(refused.value.fields) == {"quantity", "measure", "estimated_value"}
    assert not Exhibit.objects.exists()
    exhibit = seize(world, incident, quantity="2,5", measure="gam", description="Ma túy đá", estimated_value=None)
    assert Exhibit.objects.get(pk=exhibit.pk).quantity == Decimal("2.5")


def test_exhibit_api_matrix(world, investigator):
    incident = record(world)
    exhibit = seize(world, incident)
    sees, hidden = Expect(200, shows=("14B1-123.45",)), Expect(404, hides=("14B1-123.45",))
    assert_matrix(
        world,
        lambda c: c.get(f"/api/v1/incidents/exhibits/{exhibit.pk}"),
        {
            "anonymous": 401,
            "citizen": 403,
            "officer_a": sees,
            "duty_a": sees,
            "leader_a": sees,
            "officer_b": hidden,
            "officer_dept": hidden,
            "leader_p": sees,
            "admin_p": 403,
            "superuser": hidden,
        },
        api=True,
    )

    def hand_over(client):
        return client.post(
            f"/api/v1/incidents/exhibits/{exhibit.pk}/handovers",
            data=json.dumps({"to_holder": f"Kho {timezone.now().timestamp()}", "reason": "Điều chuyển"}),
            content_type="application/json",
        )

    assert_matrix(
        world,
        hand_over,
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
            "superuser": 404,
        },
        api=True,
    )
    assert ExhibitHandover.objects.count() == 4
    assert_matrix(
        world,
        lambda c: c.get(f"/incidents/exhibits/{exhibit.pk}/"),
        {
            "anonymous": 302,
            "citizen": 403,
            "officer_a": sees,
            "duty_a": sees,
            "leader_a": sees,
            "officer_b": hidden,
            "officer_dept": hidden,
            "leader_p": sees,
            "admin_p": 403,
            "superuser": hidden,
        },
    )
    # The investigation department reads, but does not hand over (it does not handle this incident).
    with pytest.raises(DomainError):
        case_services.exhibit_hand_over(actor=investigator, exhibit=exhibit, to_holder="Kho C", at=None, reason="x")


def test_investigation_department_sees_the_provinces_incidents(world, investigator):
    from django.test import Client

    incident = record(world)
    client = Client()
    client.force_login(investigator)
    assert client.get(f"/api/v1/incidents/{incident.pk}").status_code == 200
    assert incident.reference in client.get("/api/v1/incidents").content.decode()
