"""Every page and endpoint of the register, as each of the ten actors."""

import datetime

import pytest

from precinct.residence.services import establishment_register, stay_notices_process
from precinct.residence.tests.conftest import submit
from precinct.testing import Expect, assert_matrix

NAME = "Nguyễn Văn Hùng"
WARD_A_READERS = {"officer_a", "duty_a", "leader_a", "officer_dept", "leader_p", "superuser"}  # PC06: the province


def expect(ok: Expect, *, login: int = 302, denied: int = 404, readers=WARD_A_READERS) -> dict:
    out: dict = {}
    for actor in (
        "anonymous",
        "citizen",
        "officer_a",
        "duty_a",
        "leader_a",
        "officer_b",
        "officer_dept",
        "leader_p",
        "admin_p",
        "superuser",
    ):
        out[actor] = ok if actor in readers else (login if actor == "anonymous" else denied)
    return out


def test_person_household_and_quality_pages(world, register):
    head, household = register["head"], register["household"]
    shown = Expect(200, shows=(NAME,))
    assert_matrix(world, lambda c: c.get(f"/residence/persons/{head.pk}/"), expect(shown))
    assert_matrix(world, lambda c: c.get(f"/residence/households/{household.pk}/"), expect(shown))
    assert_matrix(world, lambda c: c.get(f"/residence/quality/{world.ward_a.code}/"), expect(Expect(200)))
    hidden = Expect(200, hides=(NAME,))
    listing = expect(Expect(200, shows=(NAME,)), denied=200)
    listing.update({a: hidden for a in ("citizen", "officer_b", "admin_p")})
    assert_matrix(world, lambda c: c.get("/residence/?q=hung"), listing)


def test_the_register_api(world, register):
    head = register["head"]
    NAME = head.personal_id  # JSON escapes the accents
    shown = Expect(200, shows=(NAME,))
    assert_matrix(world, lambda c: c.get(f"/api/v1/residence/persons/{head.pk}"), expect(shown, login=401), api=True)
    listing = expect(shown, login=401, denied=200)
    listing.update({a: Expect(200, hides=(NAME,)) for a in ("citizen", "officer_b", "admin_p")})
    assert_matrix(world, lambda c: c.get("/api/v1/residence/persons?q=Nguyen"), listing, api=True)
    assert_matrix(
        world,
        lambda c: c.get(f"/api/v1/residence/quality/{world.ward_a.code}"),
        expect(Expect(200), login=401),
        api=True,
    )


def test_guests_pages_and_api(world):
    _est, key = establishment_register(
        actor=None, unit=world.ward_a, name="Homestay Bãi Cháy", kind="homestay", owner_name="Hoa", address="Bãi Cháy"
    )
    from django.test import Client

    row = {
        "stay_id": "7",
        "full_name": "Anna Schmidt",
        "nationality": "DE",
        "passport_number": "C01X00T47",
        "date_of_birth": "1990-02-03",
        "arrival": "2026-12-01T15:00:00+07:00",
    }
    Client(headers={"X-Establishment-Key": key}).post(
        "/api/v1/residence/stays", {"stays": [row]}, content_type="application/json"
    )
    stay_notices_process()
    listing = expect(Expect(200, shows=("Anna Schmidt",)), denied=200)
    listing.update({a: Expect(200, hides=("Anna Schmidt",)) for a in ("citizen", "officer_b", "admin_p")})
    assert_matrix(world, lambda c: c.get("/residence/guests/"), listing)
    listing["anonymous"] = 401
    listing = {
        a: Expect(
            e.status,
            tuple(x.replace("Anna Schmidt", "C01X00T47") for x in e.shows),
            tuple(x.replace("Anna Schmidt", "C01X00T47") for x in e.hides),
        )
        if isinstance(e, Expect)
        else e
        for a, e in listing.items()
    }
    assert_matrix(world, lambda c: c.get("/api/v1/residence/stays/current"), listing, api=True)
    # the stays endpoint takes an establishment's key, never a person's token
    assert_matrix(
        world,
        lambda c: c.post("/api/v1/residence/stays", {"stays": [row]}, content_type="application/json"),
        {
            a: 401
            for a in (
                "anonymous",
                "citizen",
                "officer_a",
                "duty_a",
                "leader_a",
                "officer_b",
                "officer_dept",
                "leader_p",
                "admin_p",
                "superuser",
            )
        },
        api=True,
    )


@pytest.mark.usefixtures("signing_keys")
def test_the_dossier_change_page(world, catalogue):
    dossier = submit(world, "CT-02", {"dia_chi": "Số 8, Tổ 2", "tu_ngay": "2026-12-01", "den_ngay": "2027-06-30"})
    assert_matrix(
        world, lambda c: c.get(f"/residence/dossiers/{dossier.code}/"), expect(Expect(200, shows=("Số 8, Tổ 2",)))
    )


def test_marking_not_a_duplicate_by_page(world, register):
    from precinct.residence.models import NotDuplicate
    from precinct.residence.services import person_create

    twin = person_create(
        actor=None, unit=world.ward_a, full_name="Nguyen Van Hung", date_of_birth=datetime.date(1975, 3, 2)
    )
    body = {"first": register["head"].pk, "second": twin.pk}
    assert (
        world.client("officer_b").post(f"/residence/quality/{world.ward_a.code}/not-duplicate/", body).status_code
        == 404
    )
    assert (
        world.client("duty_a").post(f"/residence/quality/{world.ward_a.code}/not-duplicate/", body).status_code == 302
    )
    assert not NotDuplicate.objects.exists()  # a duty officer reads, does not decide
    assert (
        world.client("officer_a").post(f"/residence/quality/{world.ward_a.code}/not-duplicate/", body).status_code
        == 302
    )
    assert NotDuplicate.objects.count() == 1


def test_the_export_is_for_leaders_over_the_ward_and_is_audited_with_its_row_count(world, register):
    from precinct.audit.models import AuditEvent

    url = f"/residence/export/{world.ward_a.code}.csv"
    exported = Expect(200, shows=("Nguyễn Văn Hùng", "02/03/1975", "Số 12, Tổ 3, Khu 5"))
    assert_matrix(
        world,
        lambda c: c.get(url),
        {
            "anonymous": 302,
            "citizen": 404,
            "officer_a": 403,  # reads the ward, may not take its personal data away
            "duty_a": 403,
            "leader_a": exported,
            "officer_b": 404,  # another ward: as if it did not exist
            "officer_dept": 403,
            "leader_p": exported,
            "admin_p": 404,
            "superuser": 403,  # being a superuser is not a leader's role
        },
    )
    exports = AuditEvent.objects.filter(action="residence.persons_export")
    assert exports.count() == 2
    assert {e.after["rows"] for e in exports} == {2}
    assert {e.actor_label for e in exports} == {"leader_a", "leader_p"}
    body = world.client("leader_a").get(url).content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("personal_id,full_name,date_of_birth")
    assert "Trần Thị Lan" in body and len(body.splitlines()) == 3


def test_every_officer_read_of_a_persons_record_is_audited(world, register):
    from precinct.audit.models import AuditEvent

    head = register["head"]
    reads = AuditEvent.objects.filter(action="residence.person_read", target_id=str(head.pk))
    assert world.client("officer_a").get(f"/residence/persons/{head.pk}/").status_code == 200
    assert world.api_client("duty_a").get(f"/api/v1/residence/persons/{head.pk}").status_code == 200
    assert world.client("officer_b").get(f"/residence/persons/{head.pk}/").status_code == 404
    assert [(e.actor_label, e.after["purpose"]) for e in reads.order_by("pk")] == [
        ("officer_a", "page"),
        ("duty_a", "api"),
    ]
    household = register["household"]
    assert world.client("officer_dept").get(f"/residence/households/{household.pk}/").status_code == 200
    read = AuditEvent.objects.get(action="residence.household_read")
    assert read.actor_label == "officer_dept" and sorted(read.after["members"]) == sorted(
        [head.pk, register["wife"].pk]
    )
