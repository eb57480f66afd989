"""Idempotency-Key on POST /api/v1/residence/stays, through core's @idempotent (ADR 0042, was ADR 0039's own
StayRequest): a replay gets the first answer with `Idempotent-Replayed: true` and stores nothing new, the same
key with another body is refused in Vietnamese and English and changes nothing, keys are per establishment,
core's purge forgets them, and two concurrent replays on PostgreSQL store once."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from precinct.core import schedule
from precinct.core.idempotency import idempotency_purge
from precinct.core.models import IdempotencyRecord
from precinct.residence.api import STAYS_SCOPE
from precinct.residence.models import Stay, StayNotice
from precinct.residence.services import establishment_register
from precinct.residence.tests import test_stays
from precinct.residence.tests.test_stays import BAD, FOREIGN, GOOD, post
from precinct.testing import run_queued_tasks

hotel = test_stays.hotel  # the fixture: a hotel of ward A and a client holding its key


def keyed(client, rows, key, **headers):
    return client.post(
        "/api/v1/residence/stays",
        {"stays": rows},
        content_type="application/json",
        headers={"Idempotency-Key": key, **headers},
    )


@pytest.mark.django_db
def test_a_hotel_batch_with_one_bad_personal_id_sent_twice_with_its_key_is_stored_once(
    hotel, django_capture_on_commit_callbacks
):
    """The issue's acceptance: the bad row refused with its reason, the others stored once, the retry answered
    with the first answer."""
    est, client = hotel
    with django_capture_on_commit_callbacks(execute=True):
        first = keyed(client, [GOOD, BAD, FOREIGN], "batch-7", **{"Accept-Language": "en"})
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["accepted"] == ["R101-1", "R102-1"] and body["repeated"] == []
    assert [r["stay_id"] for r in body["refused"]] == ["R103-1"] and "personal_id" in body["refused"][0]["errors"]
    assert "Idempotent-Replayed" not in first
    again = keyed(client, [GOOD, BAD, FOREIGN], "batch-7", **{"Accept-Language": "en"})
    assert again.status_code == 200 and again.json() == body  # the first answer, not "repeated"
    assert again["Idempotent-Replayed"] == "true"
    assert StayNotice.objects.count() == 2
    record = IdempotencyRecord.objects.get()
    assert (record.scope, record.caller_id, record.key) == (STAYS_SCOPE, str(est.pk), "batch-7")
    run_queued_tasks()
    assert sorted(Stay.objects.values_list("stay_id", flat=True)) == ["R101-1", "R102-1"]
    # The same rows re-serialised (other key order) are the same request.
    reordered = [dict(reversed(list(r.items()))) for r in (GOOD, BAD, FOREIGN)]
    assert keyed(client, reordered, "batch-7")["Idempotent-Replayed"] == "true"
    # Without a key the inbox's own per-row key still answers.
    assert post(client, [GOOD]).json()["repeated"] == ["R101-1"]


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused_in_vietnamese_and_english_and_changes_nothing(hotel):
    _est, client = hotel
    keyed(client, [GOOD], "order-2")
    refused = keyed(client, [GOOD, FOREIGN], "order-2", **{"Accept-Language": "vi"})
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in error["message"] and "khác" in error["message"]
    english = keyed(client, [FOREIGN], "order-2", **{"Accept-Language": "en"})
    assert english.status_code == 422
    assert "already used for a different request" in english.json()["error"]["message"]
    assert list(StayNotice.objects.values_list("key", flat=True)) == ["R101-1:arrival"]
    assert IdempotencyRecord.objects.get().body["accepted"] == ["R101-1"]


@pytest.mark.django_db
def test_the_same_key_from_two_establishments_is_two_requests_and_a_key_is_up_to_255(world, hotel):
    _est, client = hotel
    other, other_key = establishment_register(
        actor=None, unit=world.ward_a, name="Homestay Cô Tô", kind="homestay", owner_name="Lan", address="Cô Tô"
    )
    keyed(client, [GOOD], "1")
    second = keyed(Client(headers={"X-Establishment-Key": other_key}), [FOREIGN], "1")
    assert second.status_code == 200 and second.json()["accepted"] == ["R102-1"]
    assert "Idempotent-Replayed" not in second
    assert sorted(IdempotencyRecord.objects.values_list("caller_id", flat=True)) == sorted(
        [str(hotel[0].pk), str(other.pk)]
    )
    longest = keyed(client, [FOREIGN], "k" * 255)
    assert longest.status_code == 200 and longest.json()["accepted"] == ["R102-1"]
    bad = keyed(client, [FOREIGN], "k" * 256, **{"Accept-Language": "en"})
    assert bad.status_code == 422 and "Idempotency-Key" in bad.json()["error"]["fields"]
    spaced = keyed(client, [FOREIGN], "has space")
    assert spaced.status_code == 422
    assert IdempotencyRecord.objects.count() == 3 and StayNotice.objects.count() == 3


@pytest.mark.django_db
def test_a_check_out_replayed_with_its_key_is_stored_once(hotel):
    _est, client = hotel
    keyed(client, [GOOD], "in-1")
    departure = {"stay_id": "R101-1", "event": "departure", "departed_at": "2026-12-03T10:00:00+07:00"}
    first = keyed(client, [departure], "out-1")
    again = keyed(client, [departure], "out-1")
    assert again.json() == first.json() == {"accepted": ["R101-1"], "repeated": [], "refused": []}
    assert again["Idempotent-Replayed"] == "true"
    assert StayNotice.objects.filter(key="R101-1:departure").count() == 1


@pytest.mark.django_db
def test_cores_purge_forgets_old_stays_keys_and_the_sweep_job_is_gone(hotel):
    _est, client = hotel
    keyed(client, [GOOD], "old")
    keyed(client, [FOREIGN], "new")
    IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert idempotency_purge() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    # A forgotten key is a new request again; its row already in the inbox is answered as a repeat.
    again = keyed(client, [GOOD], "old")
    assert again.json()["repeated"] == ["R101-1"] and "Idempotent-Replayed" not in again
    names = {j.name for j in schedule.jobs()}
    assert "core.idempotency_purge" in names and "residence.stay_requests_sweep" not in names


def test_the_header_is_in_the_openapi_document(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/residence/stays"]["post"]
    names = {p["name"]: p for p in operation["parameters"]}
    assert names["Idempotency-Key"]["in"] == "header" and not names["Idempotency-Key"].get("required")
    assert names["Idempotency-Key"]["schema"]["maxLength"] == 255
    assert "422" in operation["responses"]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_replays_on_postgresql_store_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks of concurrent transactions: PostgreSQL")
    _establishment, key = establishment_register(
        actor=None, unit=world.ward_a, name="Khách sạn Vân Đồn", kind="hotel", owner_name="Hà", address="Vân Đồn"
    )
    barrier = threading.Barrier(2)
    answers = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            client = Client(headers={"X-Establishment-Key": key})
            barrier.wait()
            answers.append(keyed(client, [GOOD, FOREIGN], "twice"))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json() == answers[1].json() and answers[0].json()["accepted"] == ["R101-1", "R102-1"]
    assert sorted(a.has_header("Idempotent-Replayed") for a in answers) == [False, True]
    assert IdempotencyRecord.objects.count() == 1 and StayNotice.objects.count() == 2
