"""Migrations core 0005_idempotency_caller and residence 0010_stay_requests_into_core (ADR 0042), run with the
migration executor on a database that holds rows, both ways, on SQLite and PostgreSQL: a dossier's record keeps
its user as caller_id "42"; a live StayRequest becomes core's record (the establishment as caller, same
fingerprint and answer), so a replay after the migration still gets its first answer; an unanswered or expired
one is not copied; StayRequest is gone; back again, the stays' records return to StayRequest."""

import datetime
import hashlib
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from precinct.residence.api import STAYS_SCOPE, StayIn
from precinct.residence.services import establishment_register
from precinct.residence.tests.test_stays import GOOD

pytestmark = pytest.mark.django_db(transaction=True)  # SQLite rebuilds tables: no schema changes in an atomic

OLD = [("core", "0004_idempotency_record"), ("residence", "0009_duplicate_score")]
NEW = [("core", "0005_idempotency_caller"), ("residence", "0010_stay_requests_into_core")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def digest(rows):
    parsed = [StayIn(**r).dict() for r in rows]
    return hashlib.sha256(json.dumps(parsed, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def tables():
    return set(connection.introspection.table_names())


def test_the_stays_keys_move_into_core_with_their_rows_and_back(world):
    establishment, key = establishment_register(
        actor=None, unit=world.ward_a, name="Khách sạn Mới", kind="hotel", owner_name="Hoa", address="Hạ Long"
    )
    now = timezone.now()
    answer = {"accepted": ["R101-1"], "repeated": [], "refused": []}
    try:
        old = migrate(OLD)
        assert "residence_stayrequest" in tables()
        old.get_model("core", "IdempotencyRecord").objects.create(
            scope="eservices.dossier_submit", user_id=42, key="k-1", fingerprint="f" * 64, status=201,
            body={"code": "D1"}, created_at=now,
        )  # fmt: skip
        StayRequest = old.get_model("residence", "StayRequest")
        StayRequest.objects.create(
            establishment_id=establishment.pk, key="live", body_sha256=digest([GOOD]), response=answer, created_at=now
        )
        StayRequest.objects.create(
            establishment_id=establishment.pk, key="unanswered", body_sha256="a" * 64, response=None, created_at=now
        )
        StayRequest.objects.create(
            establishment_id=establishment.pk, key="expired", body_sha256="b" * 64, response=answer,
            created_at=now - datetime.timedelta(hours=25),
        )  # fmt: skip

        new = migrate(NEW)
        assert "residence_stayrequest" not in tables()
        records = {r.key: r for r in new.get_model("core", "IdempotencyRecord").objects.all()}
        assert set(records) == {"k-1", "live"}
        assert (records["k-1"].caller_id, records["k-1"].status) == ("42", 201)
        live = records["live"]
        assert (live.scope, live.caller_id, live.status, live.body) == (STAYS_SCOPE, str(establishment.pk), 200, answer)
        assert live.fingerprint == digest([GOOD]) and live.created_at == now

        # A retry of the request answered before the migration gets its first answer.
        client = Client(headers={"X-Establishment-Key": key})
        replay = client.post(
            "/api/v1/residence/stays", {"stays": [GOOD]}, content_type="application/json",
            headers={"Idempotency-Key": "live"},
        )  # fmt: skip
        assert replay.status_code == 200 and replay.json() == answer and replay["Idempotent-Replayed"] == "true"

        back = migrate(OLD)
        assert list(back.get_model("residence", "StayRequest").objects.values_list("key", "response")) == [
            ("live", answer)
        ]
        assert list(back.get_model("core", "IdempotencyRecord").objects.values_list("user_id", flat=True)) == [42]
    finally:
        migrate(NEW)
