"""Household split and join by the ward's officers: one household per person, one head, audited."""

import datetime

import pytest
from django.utils import translation

from precinct.audit.models import AuditEvent
from precinct.core.errors import PermissionDenied, ValidationFailed
from precinct.residence.models import Household, HouseholdMember, Relation, ResidenceRecord
from precinct.residence.services import household_join, household_split, person_create


@pytest.fixture
def son(world, register):
    person = person_create(
        actor=world.users["officer_a"],
        unit=world.ward_a,
        full_name="Nguyễn Văn Nam",
        personal_id="022200001234",
        date_of_birth=datetime.date(2000, 5, 5),
        sex="male",
    )
    household_join(actor=world.users["officer_a"], household=register["household"], person=person, relation="child")
    return person


def test_a_split_moves_the_chosen_members_to_a_new_household_with_their_residence(world, register, son):
    old = register["household"]
    wife = register["wife"]
    new = household_split(
        actor=world.users["officer_a"], household=old, members=[wife, son], head=wife, street="Tổ 4, Khu 5", number="3"
    )
    assert new.head_id == wife.pk and new.unit_path == old.unit_path
    assert dict(new.members.values_list("person_id", "relation")) == {wife.pk: Relation.HEAD, son.pk: Relation.OTHER}
    assert list(old.members.values_list("person_id", flat=True)) == [register["head"].pk]
    assert ResidenceRecord.objects.get(person=wife, is_current=True).household_id == new.pk
    audit = AuditEvent.objects.get(action="residence.household_split")
    assert audit.before["household"] == old.pk and sorted(audit.after["members"]) == sorted([wife.pk, son.pk])


def test_bad_splits_and_joins_are_refused_with_reasons_and_change_nothing(world, register, son):
    old, head, wife = register["household"], register["head"], register["wife"]
    officer = world.users["officer_a"]
    with pytest.raises(ValidationFailed) as exc:  # the head cannot leave
        household_split(actor=officer, household=old, members=[head, wife], head=wife, street="X")
    with translation.override("vi"):
        assert "chủ hộ" in str(exc.value.fields["members"][0]).lower()
    with pytest.raises(ValidationFailed) as exc:  # the new head must leave too
        household_split(actor=officer, household=old, members=[son], head=wife, street="X")
    assert "head" in exc.value.fields
    with pytest.raises(ValidationFailed):  # a second head by joining
        household_join(actor=officer, household=old, person=wife, relation="head")
    with pytest.raises(ValidationFailed):  # already a member
        household_join(actor=officer, household=old, person=wife, relation="spouse")
    with pytest.raises(PermissionDenied):
        household_split(actor=world.users["officer_b"], household=old, members=[son], head=son, street="X")
    with pytest.raises(PermissionDenied):
        household_split(actor=world.users["duty_a"], household=old, members=[son], head=son, street="X")
    assert Household.objects.count() == 1 and old.members.count() == 3


def test_split_and_join_pages(world, register, son):
    old = register["household"]
    page = world.client("officer_a").get(f"/residence/households/{old.pk}/")
    assert "Tách hộ" in page.content.decode() or "Split" in page.content.decode()
    assert "split/" not in world.client("duty_a").get(f"/residence/households/{old.pk}/").content.decode()
    assert world.client("officer_b").post(f"/residence/households/{old.pk}/split/", {}).status_code == 404
    response = world.client("officer_a").post(
        f"/residence/households/{old.pk}/split/",
        {"members": [son.pk], "head": son.pk, "street": "Tổ 9", "number": "1"},
    )
    new = Household.objects.exclude(pk=old.pk).get()
    assert response.status_code == 302 and response["Location"].endswith(f"/residence/households/{new.pk}/")
    back = world.client("leader_a").post(
        f"/residence/households/{old.pk}/join/", {"personal_id": son.personal_id, "relation": "child"}
    )
    assert back.status_code == 302
    assert HouseholdMember.objects.get(person=son).household_id == old.pk
    assert Household.objects.get(pk=new.pk).head_id is None  # left alone: no head until someone joins


def test_split_and_join_through_the_api(world, register, son):
    old, wife = register["household"], register["wife"]
    hidden = world.api_client("officer_b").post(
        f"/api/v1/residence/households/{old.pk}/split",
        {"members": [son.pk], "head": son.pk, "street": "Tổ 9"},
        content_type="application/json",
    )
    assert hidden.status_code == 404
    api = world.api_client("officer_a")
    bad = api.post(
        f"/api/v1/residence/households/{old.pk}/split",
        {"members": [register["head"].pk], "head": register["head"].pk, "street": "Tổ 9"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "members" in bad.json()["error"]["fields"]
    made = api.post(
        f"/api/v1/residence/households/{old.pk}/split",
        {"members": [son.pk, wife.pk], "head": wife.pk, "street": "Tổ 9", "number": "2"},
        content_type="application/json",
    )
    assert made.status_code == 201
    assert made.json()["head"] == wife.pk and made.json()["members"] == {str(wife.pk): "head", str(son.pk): "other"}
    joined = api.post(
        f"/api/v1/residence/households/{made.json()['id']}/join",
        {"personal_id": "022000000000", "relation": "child"},
        content_type="application/json",
    )
    assert joined.status_code == 422
