"""`Idempotency-Key` on the dossier submission and the payment start (precinct/core/idempotency.py)."""

import datetime
import threading
from unittest import mock

import pytest
from django.db import connection

from precinct.core.idempotency import idempotency_purge
from precinct.core.models import IdempotencyRecord
from precinct.eservices.models import Dossier
from precinct.eservices.tests.conftest import catalogue  # noqa: F401  (shared fixture)
from precinct.payments.models import Payment
from precinct.payments.tests.conftest import fee_dossier, fee_request  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.django_db


def submit(client, body: dict, key: str | None = "k-7d1f4c2e", **headers: str):
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post("/api/v1/dossiers", body, content_type="application/json", headers=headers)


@pytest.fixture
def body(world, catalogue):  # noqa: F811
    return {"procedure_code": "CT-06", "unit_code": world.ward_a.code, "data": {"muc_dich": "Xin việc"}}


def test_a_retry_with_the_same_key_answers_the_first_answer_and_writes_nothing(world, body):
    client = world.api_client("citizen")
    first = submit(client, body)
    assert first.status_code == 201
    again = submit(client, body)
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Dossier.objects.count() == 1
    assert IdempotencyRecord.objects.get().caller_id == str(world.users["citizen"].pk)
    # Without a key, or with another, a submission is a new dossier.
    assert submit(client, body, key=None).json()["code"] != first.json()["code"]
    assert submit(client, body, key="k-other").json()["code"] != first.json()["code"]
    assert Dossier.objects.count() == 3


def test_the_same_key_with_another_body_is_refused_in_the_callers_language(world, body):
    client = world.api_client("citizen")
    assert submit(client, body).status_code == 201
    other = {**body, "data": {"muc_dich": "Du học"}}
    refused = submit(client, other, **{"Accept-Language": "en"})
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "idempotency_key_reused" and "different request" in error["message"]
    vietnamese = submit(client, other)
    assert vietnamese.status_code == 422 and "Idempotency-Key" in vietnamese.json()["error"]["message"]
    assert vietnamese.json()["error"]["message"] != error["message"]
    assert Dossier.objects.count() == 1


def test_a_malformed_key_is_refused_and_changes_nothing(world, body):
    response = submit(world.api_client("citizen"), body, key="has space", **{"Accept-Language": "en"})
    assert response.status_code == 422 and "Idempotency-Key" in response.json()["error"]["fields"]
    assert not Dossier.objects.exists() and not IdempotencyRecord.objects.exists()


def test_the_first_answer_and_its_replay_are_the_same_bytes_below_a_millisecond(world, body):
    # JSON keeps milliseconds: a time 123 µs past the second is "…56.000Z" as computed and, read back from the
    # record, 0 µs past it: "…56Z". The first answer must be the remembered one, not a finer copy.
    moment = datetime.datetime(2026, 12, 3, 11, 47, 56, 123, tzinfo=datetime.UTC)
    client = world.api_client("citizen")
    with mock.patch("django.utils.timezone.now", return_value=moment):
        first = submit(client, body)
    again = submit(client, body)
    assert first.status_code == again.status_code == 201
    assert first.content == again.content


def test_a_refused_request_is_not_remembered(world, body):
    client = world.api_client("citizen")
    bad = {**body, "unit_code": "99999"}
    assert submit(client, bad).status_code == 422
    assert not IdempotencyRecord.objects.exists()
    assert submit(client, body).status_code == 201  # the corrected request, same key


def test_keys_expire(world, body, settings):
    client = world.api_client("citizen")
    first = submit(client, body)
    IdempotencyRecord.objects.update(created_at=first_record_time() - datetime.timedelta(hours=25))
    later = submit(client, body)
    assert later.status_code == 201 and later.json()["code"] != first.json()["code"]
    assert IdempotencyRecord.objects.count() == 1  # the expired record made way for the new one
    IdempotencyRecord.objects.update(created_at=first_record_time() - datetime.timedelta(hours=25))
    assert idempotency_purge() == 1 and not IdempotencyRecord.objects.exists()


def first_record_time() -> datetime.datetime:
    return IdempotencyRecord.objects.get().created_at


def test_a_payment_start_retried_with_its_key_answers_the_same_attempt(world, fee_request):  # noqa: F811
    url = f"/api/v1/dossiers/{fee_request.dossier.code}/payments/{fee_request.pk}/start"
    client = world.api_client("citizen")
    first = client.post(url, headers={"Idempotency-Key": "pay-1"})
    again = client.post(url, headers={"Idempotency-Key": "pay-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Payment.objects.filter(request=fee_request).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_make_one_dossier_and_get_one_answer(world, body):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections: PostgreSQL (CI's second pass)")
    barrier = threading.Barrier(2)
    answers = []

    def retry() -> None:
        try:
            client = world.api_client("citizen")
            barrier.wait()
            answers.append(submit(client, body))
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert sorted(a.has_header("Idempotent-Replayed") for a in answers) == [False, True]
    assert Dossier.objects.count() == 1


def test_a_handler_without_a_response_parameter_is_refused_when_decorated():
    from django.http import HttpRequest

    from precinct.core.idempotency import idempotent

    def handler(request: HttpRequest) -> dict:
        return {}

    with pytest.raises(TypeError, match="response: HttpResponse"):
        idempotent("core.test")(handler)
