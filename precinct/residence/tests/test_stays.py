import pytest
from django.test import Client

from precinct.residence.models import Stay, StayNotice
from precinct.residence.services import establishment_register, stay_notices_process
from precinct.testing import run_queued_tasks

GOOD = {
    "stay_id": "R101-1",
    "full_name": "Phạm Minh Tuấn",
    "personal_id": "001088012345",
    "date_of_birth": "1988-04-05",
    "sex": "male",
    "arrival": "2026-12-01T14:00:00+07:00",
    "expected_departure": "2026-12-03",
}
FOREIGN = {
    "stay_id": "R102-1",
    "full_name": "Anna Schmidt",
    "nationality": "DE",
    "passport_number": "C01X00T47",
    "date_of_birth": "1990-02-03",
    "arrival": "2026-12-01T15:00:00+07:00",
}
BAD = {"stay_id": "R103-1", "full_name": "Lê Văn Sai", "personal_id": "12345", "arrival": "2026-12-01T15:00:00+07:00"}


@pytest.fixture
def hotel(world):
    establishment, key = establishment_register(
        actor=world.users["leader_a"],
        unit=world.ward_a,
        name="Khách sạn Hạ Long Bay",
        kind="hotel",
        owner_name="Vũ Thị Hoa",
        address="Số 1 Hạ Long",
    )
    return establishment, Client(headers={"X-Establishment-Key": key})


def post(client, rows):
    return client.post("/api/v1/residence/stays", {"stays": rows}, content_type="application/json")


def test_a_batch_with_a_bad_row_keeps_the_others_once_even_when_sent_twice(
    world, hotel, django_capture_on_commit_callbacks
):
    _est, client = hotel
    with django_capture_on_commit_callbacks(execute=True):  # the worker's task is queued on commit
        first = post(client, [GOOD, BAD, FOREIGN])
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["accepted"] == ["R101-1", "R102-1"]
    assert body["refused"][0]["stay_id"] == "R103-1" and "personal_id" in body["refused"][0]["errors"]
    again = post(client, [GOOD, BAD, FOREIGN]).json()
    assert again["accepted"] == [] and again["repeated"] == ["R101-1", "R102-1"]
    assert StayNotice.objects.count() == 2
    assert run_queued_tasks() >= 1
    assert sorted(Stay.objects.values_list("stay_id", flat=True)) == ["R101-1", "R102-1"]
    assert StayNotice.objects.filter(processed_at__isnull=True).count() == 0


def test_check_out_closes_the_stay_and_officers_see_current_guests_of_their_ward_only(world, hotel):
    _est, client = hotel
    post(client, [GOOD, FOREIGN])
    stay_notices_process()
    seen = world.api_client("officer_a").get("/api/v1/residence/stays/current").json()
    assert {s["guest_name"] for s in seen} == {"Phạm Minh Tuấn", "Anna Schmidt"}
    assert world.api_client("officer_b").get("/api/v1/residence/stays/current").json() == []
    post(client, [{"stay_id": "R101-1", "event": "departure", "departed_at": "2026-12-03T11:00:00+07:00"}])
    stay_notices_process()
    seen = world.api_client("officer_a").get("/api/v1/residence/stays/current").json()
    assert [s["guest_name"] for s in seen] == ["Anna Schmidt"]


def test_a_wrong_key_is_refused_and_stores_nothing(world, hotel):
    response = post(Client(headers={"X-Establishment-Key": "est_wrong", "Accept-Language": "vi"}), [GOOD])
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "unauthenticated",
        "message": "Hãy gửi khóa của cơ sở lưu trú trong tiêu đề X-Establishment-Key.",
        "fields": {},
    }
    missing = post(Client(headers={"Accept-Language": "en"}), [GOOD])
    assert missing.status_code == 401
    assert missing.json()["error"]["message"] == "Send the establishment's key in the X-Establishment-Key header."
    assert not StayNotice.objects.exists()


def test_a_nationality_that_is_not_an_iso_alpha_2_code_refuses_that_row_only(world, hotel):
    _est, client = hotel
    rows = [FOREIGN | {"stay_id": "R104-1", "nationality": "DEU"}, FOREIGN | {"nationality": "de"}]
    response = client.post(
        "/api/v1/residence/stays", {"stays": rows}, content_type="application/json", headers={"Accept-Language": "vi"}
    )
    body = response.json()
    assert response.status_code == 200 and body["accepted"] == ["R102-1"]
    assert [r["stay_id"] for r in body["refused"]] == ["R104-1"]
    assert body["refused"][0]["errors"]["nationality"] == [
        "Quốc tịch là mã quốc gia ISO 3166 gồm hai chữ cái (ví dụ VN, CN, KR, US)."
    ]
    english = client.post(
        "/api/v1/residence/stays",
        {"stays": [FOREIGN | {"stay_id": "R105-1", "nationality": "Germany"}]},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    ).json()["refused"]
    assert english[0]["errors"]["nationality"][0].startswith("The nationality is a two-letter ISO 3166")
    stay_notices_process()
    assert list(Stay.objects.values_list("stay_id", "nationality", "passport_number")) == [
        ("R102-1", "DE", "C01X00T47")
    ]


def test_a_passport_number_that_is_not_6_to_9_letters_or_digits_refuses_that_row_only(world, hotel):
    """Checked at the door like the nationality, in the caller's language; spaces and dashes are dropped first."""
    _est, client = hotel
    rows = [
        FOREIGN | {"stay_id": "R106-1", "passport_number": "C01#X00"},
        FOREIGN | {"stay_id": "R107-1", "passport_number": "C0123456789"},
        FOREIGN | {"passport_number": "c01-x00 t47"},
    ]
    response = client.post(
        "/api/v1/residence/stays", {"stays": rows}, content_type="application/json", headers={"Accept-Language": "vi"}
    )
    body = response.json()
    assert response.status_code == 200 and body["accepted"] == ["R102-1"]
    assert [r["stay_id"] for r in body["refused"]] == ["R106-1", "R107-1"]
    assert body["refused"][0]["errors"]["passport_number"] == ["Số hộ chiếu gồm từ 6 đến 9 chữ cái hoặc chữ số."]
    english = client.post(
        "/api/v1/residence/stays",
        {"stays": [FOREIGN | {"stay_id": "R108-1", "passport_number": "AB12"}]},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    ).json()["refused"]
    assert english[0]["errors"]["passport_number"] == ["A passport number is 6 to 9 letters or digits."]
    stay_notices_process()
    assert list(Stay.objects.values_list("stay_id", "passport_number")) == [("R102-1", "C01X00T47")]
