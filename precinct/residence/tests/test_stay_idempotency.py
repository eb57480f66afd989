"""Idempotency-Key on POST /api/v1/residence/stays (ADR 0039): a replay gets the first answer and stores nothing
new, the same key with another body is refused and changes nothing, old keys are swept by the scheduled job, and
two concurrent replays on PostgreSQL store once."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from precinct.audit.models import AuditEvent
from precinct.core import schedule
from precinct.residence.models import StayNotice, StayRequest
from precinct.residence.services import establishment_register, stay_requests_sweep, stays_post
from precinct.residence.tests import test_stays
from precinct.residence.tests.test_stays import FOREIGN, GOOD, post

hotel = test_stays.hotel  # the fixture: a hotel of ward A and a client holding its key


def keyed(client, rows, key, **headers):
    return client.post(
        "/api/v1/residence/stays",
        {"stays": rows},
        content_type="application/json",
        headers={"Idempotency-Key": key, **headers},
    )


@pytest.mark.django_db
def test_a_replay_with_the_same_key_gets_the_first_answer_and_stores_nothing(hotel):
    _est, client = hotel
    first = keyed(client, [GOOD], "order-1")
    assert first.status_code == 200 and first.json()["accepted"] == ["R101-1"]
    assert "Idempotent-Replayed" not in first
    audits = AuditEvent.objects.count()
    again = keyed(client, [GOOD], "order-1")
    assert again.status_code == 200
    assert again.json() == first.json()  # the first answer, not "repeated"
    assert again["Idempotent-Replayed"] == "true"
    assert StayNotice.objects.count() == 1 and StayRequest.objects.count() == 1
    assert AuditEvent.objects.count() == audits
    # Without a key the existing row-level deduplication still answers.
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
    assert "already used with a different request" in english.json()["error"]["message"]
    assert list(StayNotice.objects.values_list("key", flat=True)) == ["R101-1:arrival"]
    assert StayRequest.objects.get().response["accepted"] == ["R101-1"]


@pytest.mark.django_db
def test_keys_are_per_establishment_and_a_bad_key_is_refused(world, hotel):
    _est, client = hotel
    _other, other_key = establishment_register(
        actor=None, unit=world.ward_a, name="Homestay Cô Tô", kind="homestay", owner_name="Lan", address="Cô Tô"
    )
    keyed(client, [GOOD], "same")
    second = keyed(Client(headers={"X-Establishment-Key": other_key}), [FOREIGN], "same")
    assert second.status_code == 200 and second.json()["accepted"] == ["R102-1"]
    assert StayRequest.objects.count() == 2
    bad = keyed(client, [FOREIGN], "x" * 201)
    assert bad.status_code == 422 and "Idempotency-Key" in bad.json()["error"]["fields"]
    assert StayRequest.objects.count() == 2 and StayNotice.objects.count() == 2


@pytest.mark.django_db
def test_a_check_out_replayed_with_its_key_is_stored_once(hotel):
    _est, client = hotel
    keyed(client, [GOOD], "in-1")
    departure = {"stay_id": "R101-1", "event": "departure", "departed_at": "2026-12-03T10:00:00+07:00"}
    first = keyed(client, [departure], "out-1").json()
    assert (
        keyed(client, [departure], "out-1").json() == first == {"accepted": ["R101-1"], "repeated": [], "refused": []}
    )
    assert StayNotice.objects.filter(key="R101-1:departure").count() == 1


@pytest.mark.django_db
def test_the_sweep_forgets_old_keys_only_and_is_a_scheduled_job(hotel, settings):
    _est, client = hotel
    settings.RESIDENCE_IDEMPOTENCY_HOURS = 24
    keyed(client, [GOOD], "old")
    keyed(client, [FOREIGN], "new")
    StayRequest.objects.filter(key="old").update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert stay_requests_sweep() == 1
    assert list(StayRequest.objects.values_list("key", flat=True)) == ["new"]
    assert AuditEvent.objects.filter(action="residence.stay_requests_sweep").count() == 1
    assert stay_requests_sweep() == 0
    assert AuditEvent.objects.filter(action="residence.stay_requests_sweep").count() == 1
    # A forgotten key is a new request again; its row already in the inbox is answered as a repeat.
    assert keyed(client, [GOOD], "old").json()["repeated"] == ["R101-1"]
    job = {j.name: j for j in schedule.jobs()}["residence.stay_requests_sweep"]
    assert job.task == "precinct.residence.tasks.stay_requests_sweep_task"


def test_the_header_is_in_the_openapi_document(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/residence/stays"]["post"]
    names = {p["name"]: p for p in operation["parameters"]}
    assert names["Idempotency-Key"]["in"] == "header" and not names["Idempotency-Key"].get("required")
    assert "422" in operation["responses"]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_replays_on_postgresql_store_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks of concurrent transactions: PostgreSQL")
    establishment, _key = establishment_register(
        actor=None, unit=world.ward_a, name="Khách sạn Vân Đồn", kind="hotel", owner_name="Hà", address="Vân Đồn"
    )
    barrier = threading.Barrier(2)
    answers: list[tuple[dict, bool]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            answers.append(stays_post(establishment=establishment, rows=[GOOD, FOREIGN], idempotency_key="twice"))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert answers[0][0] == answers[1][0] and answers[0][0]["accepted"] == ["R101-1", "R102-1"]
    assert sorted(replayed for _a, replayed in answers) == [False, True]
    assert StayRequest.objects.count() == 1 and StayNotice.objects.count() == 2
