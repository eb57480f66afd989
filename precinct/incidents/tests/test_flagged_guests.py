"""A flagged guest's stay is told to the ward (ADR 0039): residence's stays worker sends `stays_recorded`, this app
hears it and, for a suspect in an incident not closed, has the stay flagged once and tells the officers and duty
officers of the stay's ward; the stays page marks it for them only."""

import datetime

import pytest
from django.test import Client

from precinct.audit.models import AuditEvent
from precinct.incidents import case_services, services
from precinct.incidents.flagged_guests import on_stays_recorded
from precinct.incidents.tests.conftest import record
from precinct.notifications.links import resolve_links
from precinct.notifications.models import Notification
from precinct.residence.models import Stay, StayFlag
from precinct.residence.services import establishment_register, stay_notices_process
from precinct.residence.signals import StayRecorded

pytestmark = pytest.mark.django_db

SUSPECT_ID = "001088012345"
GUEST = {
    "stay_id": "R201-1",
    "full_name": "Phạm Minh Tuấn",
    "personal_id": SUSPECT_ID,
    "date_of_birth": "1988-04-05",
    "sex": "male",
    "arrival": "2026-12-01T14:00:00+07:00",
}
OTHER = GUEST | {"stay_id": "R202-1", "full_name": "Lê Thị Mai", "personal_id": "022190004567", "sex": "female"}
OTHER["date_of_birth"] = "1990-01-01"
FOREIGN = {
    "stay_id": "R203-1",
    "full_name": "Anna Schmidt",
    "nationality": "DE",
    "passport_number": "C01X00T47",
    "date_of_birth": "1990-02-03",
    "arrival": "2026-12-01T15:00:00+07:00",
}


@pytest.fixture(autouse=True)
def _reachable(world):
    """Every officer has an address, so a message is queued to each one who is told."""
    for name in ("officer_a", "duty_a", "leader_a", "officer_b"):
        user = world.user(name)
        user.email = f"{name}@congan.example"
        user.save(update_fields=["email"])


def suspect(world, role="suspect", personal_id=SUSPECT_ID):
    incident = record(world)
    case_services.person_add(
        actor=world.user("officer_a"),
        incident=incident,
        data=case_services.NewPerson(role=role, full_name="Phạm Minh Tuấn", personal_id=personal_id),
    )
    return incident


def report(world, ward, rows):
    _est, key = establishment_register(
        actor=None, unit=ward, name=f"Khách sạn {ward.code}", kind="hotel", owner_name="Hoa", address="Số 1"
    )
    client = Client(headers={"X-Establishment-Key": key})
    answer = client.post("/api/v1/residence/stays", {"stays": rows}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    stay_notices_process()
    return client


def told() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for username, key in Notification.objects.filter(key__startswith="stay_flagged:").values_list(
        "recipient__username", "key"
    ):
        out.setdefault(key, set()).add(username)
    return out


def test_a_flagged_guest_raises_exactly_one_notice_to_the_ward_of_the_stay(world):
    suspect(world)  # the incident is in ward A; the guest stays in ward B
    report(world, world.ward_b, [GUEST, OTHER, FOREIGN])
    stay = Stay.objects.get(stay_id="R201-1")
    assert told() == {f"stay_flagged:{stay.pk}": {"officer_b"}}  # ward B's officer, nobody of ward A
    assert Notification.objects.filter(key=f"stay_flagged:{stay.pk}").count() == 1  # one channel: email
    assert list(StayFlag.objects.values_list("stay_ref", flat=True)) == [stay.pk]
    assert AuditEvent.objects.filter(action="incidents.flagged_guest_told").count() == 1
    assert AuditEvent.objects.filter(action="residence.stay_flag").count() == 1
    message = Notification.objects.get(key=f"stay_flagged:{stay.pk}")
    assert "Phạm Minh Tuấn" in message.body and "/residence/guests/" in message.body
    assert message.language == "vi" and "đang lưu trú trên địa bàn" in message.subject  # the officer's language
    assert resolve_links([message.key])[message.key].url == "/residence/guests/"


def test_the_officers_and_duty_officers_of_the_ward_are_told_not_its_leader(world):
    suspect(world)
    report(world, world.ward_a, [GUEST])
    assert list(told().values()) == [{"officer_a", "duty_a"}]


def test_the_same_stay_again_raises_nothing_more(world):
    suspect(world)
    client = report(world, world.ward_a, [GUEST])
    stay = Stay.objects.get(stay_id="R201-1")
    before = Notification.objects.count(), AuditEvent.objects.filter(action="incidents.flagged_guest_told").count()
    client.post("/api/v1/residence/stays", {"stays": [GUEST]}, content_type="application/json")
    stay_notices_process()
    again = StayRecorded.of(stay)
    assert on_stays_recorded(Stay, stays=[again]) == 0  # the signal heard twice for one stay
    after = Notification.objects.count(), AuditEvent.objects.filter(action="incidents.flagged_guest_told").count()
    assert after == before and StayFlag.objects.count() == 1


def test_unflagged_guests_raise_nothing(world):
    suspect(world, role="victim")  # a victim is not looked for
    closed = suspect(world, personal_id=OTHER["personal_id"])
    services.incident_transition(actor=world.user("officer_a"), incident=closed, status="not_a_crime")
    report(world, world.ward_a, [GUEST, OTHER, FOREIGN])
    assert Stay.objects.count() == 3
    assert told() == {} and not StayFlag.objects.exists()
    assert not AuditEvent.objects.filter(action="incidents.flagged_guest_told").exists()


def test_the_stays_page_marks_the_stay_for_the_wards_officers_only(world):
    suspect(world)
    report(world, world.ward_a, [OTHER, GUEST])
    for name, marked in (("officer_a", True), ("leader_a", True), ("officer_dept", False), ("superuser", False)):
        page = world.client(name).get("/residence/guests/").content.decode()
        assert "Phạm Minh Tuấn" in page and "Lê Thị Mai" in page, name
        assert ('data-testid="flagged"' in page) is marked, name
        api = world.api_client(name).get("/api/v1/residence/stays/current").json()
        assert {row["stay_id"]: row["flagged"] for row in api}["R201-1"] is marked, name


def test_nothing_is_asked_of_the_register_when_no_guest_has_a_personal_id_or_a_passport(
    world, django_assert_num_queries
):
    unnamed = StayRecorded(
        stay_pk=1,
        arrival=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
        unit_path=world.ward_a.path,
        guest_name="Anna Schmidt",
        personal_id="",
        passport_number="",
        nationality="DE",
    )
    with django_assert_num_queries(0):
        assert on_stays_recorded(Stay, stays=[unnamed]) == 0


def foreign_suspect(world, *, passport="c01x00t47", nationality="de", born=None):
    """A foreign suspect recorded through the incidents API (lower case on purpose: stored upper case)."""
    incident = record(world)
    answer = world.api_client("officer_a").post(
        f"/api/v1/incidents/{incident.pk}/persons",
        {
            "role": "suspect",
            "full_name": "Anna Schmidt",
            "passport_number": passport,
            "nationality": nationality,
            "date_of_birth": born,
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert (answer.json()["passport_number"], answer.json()["nationality"]) == (passport.upper(), nationality.upper())
    return incident


def test_a_foreign_guest_whose_passport_is_on_a_suspect_raises_the_ward_notice_once(world):
    foreign_suspect(world, born="1990-02-03")
    client = report(world, world.ward_b, [GUEST | {"personal_id": "022190004567"}, FOREIGN])
    stay = Stay.objects.get(stay_id="R203-1")
    assert told() == {f"stay_flagged:{stay.pk}": {"officer_b"}}
    assert list(StayFlag.objects.values_list("stay_ref", flat=True)) == [stay.pk]
    # Reported again (the same stay, and the signal heard twice): nothing more.
    client.post("/api/v1/residence/stays", {"stays": [FOREIGN]}, content_type="application/json")
    stay_notices_process()
    again = StayRecorded.of(stay)
    assert on_stays_recorded(Stay, stays=[again]) == 0
    assert Notification.objects.filter(key=f"stay_flagged:{stay.pk}").count() == 1
    assert AuditEvent.objects.filter(action="incidents.flagged_guest_told").count() == 1


def test_a_foreign_guest_with_the_same_passport_but_another_nationality_or_birth_date_raises_nothing(world):
    foreign_suspect(world, nationality="FR")  # the same number issued by another country
    foreign_suspect(world, passport="E12345678", born="1980-01-01")
    report(world, world.ward_a, [FOREIGN, FOREIGN | {"stay_id": "R204-1", "passport_number": "E12345678"}])
    assert Stay.objects.count() == 2
    assert told() == {} and not StayFlag.objects.exists()


def test_a_suspect_without_a_birth_date_is_matched_by_passport_and_nationality_alone(world):
    foreign_suspect(world)
    report(world, world.ward_a, [FOREIGN | {"passport_number": "c01x-00t47"}])  # as the hotel typed it
    assert StayFlag.objects.count() == 1 and len(told()) == 1
