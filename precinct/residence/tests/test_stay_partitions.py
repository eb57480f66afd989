"""residence_stay partitioned by month of arrival on PostgreSQL (ADR 0039, the shape of ADR 0030): the migration
run on a database that already holds stays, old months among them, both ways; new stays land in their month's
partition, a stay reported twice is still one stay, partitions are made ahead by the existing command. On SQLite
the table stays plain."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from precinct.core.partitions import months
from precinct.core.partitions.archive import ArchiveRefused, archive_month
from precinct.residence.models import Stay
from precinct.residence.services import establishment_register, stay_notices_process
from precinct.testing import constraint_definitions, migrate_app, rows_by_partition

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL only")

BEFORE, AT = "0005_quality_snapshot", "0006_stays_idempotency_flags_partitions"
TABLE = "residence_stay"


def migrate(name: str) -> None:
    migrate_app("residence", name)  # the quality queue's rows, written by the fixtures, hold deferred checks


def guest(n: int, arrival: str) -> dict:
    return {
        "stay_id": f"S{n}",
        "full_name": f"Khách số {n}",
        "nationality": "DE",
        "passport_number": f"C0{n:07d}",
        "date_of_birth": "1990-02-03",
        "arrival": arrival,
    }


def report(client: Client, rows: list[dict]) -> dict:
    answer = client.post("/api/v1/residence/stays", {"stays": rows}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    stay_notices_process()
    return answer.json()


def where() -> dict[int, str]:
    return rows_by_partition(TABLE)


def definitions(kind: str) -> set[str]:
    return constraint_definitions(TABLE, kind)


@pytest.fixture
def hotel(world):
    _est, key = establishment_register(
        actor=None, unit=world.ward_a, name="Khách sạn Bãi Cháy", kind="hotel", owner_name="Hoa", address="Bãi Cháy"
    )
    return Client(headers={"X-Establishment-Key": key})


@postgresql_only
def test_the_migration_partitions_a_table_that_already_holds_stays_and_back(world, hotel, tmp_path):
    migrate(BEFORE)
    assert TABLE not in dict(months.partitioned_tables(connection))
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    report(
        hotel, [guest(1, "2025-03-10T08:00:00+07:00"), guest(2, "2025-03-31T23:30:00+00:00"), guest(3, now.isoformat())]
    )
    report(hotel, [{"stay_id": "S1", "event": "departure", "departed_at": "2025-03-12T09:00:00+07:00"}])
    before = where()
    assert len(before) == 3

    migrate(AT)

    assert TABLE in dict(months.partitioned_tables(connection))
    after = where()
    assert set(after) == set(before)  # every stay kept, with its id
    march = months.partition_name(TABLE, datetime.date(2025, 3, 1))
    by_stay = {s.stay_id: s for s in Stay.objects.all()}
    assert after[by_stay["S1"].pk] == after[by_stay["S2"].pk] == march
    assert after[by_stay["S3"].pk] == months.partition_name(TABLE, months.month_of(now))
    assert by_stay["S1"].departed_at is not None and by_stay["S3"].departed_at is None
    assert definitions("p") == {"PRIMARY KEY (id, arrival)"}
    assert definitions("u") == {"UNIQUE (establishment_id, stay_id, arrival)"}
    assert months.default_name(TABLE) in {p.name for p in months.partitions(connection.cursor(), TABLE)}

    # The service goes on as before: new ids after the copied ones, a repeat stored once, a check-out found.
    answer = report(hotel, [guest(4, now.isoformat()), guest(3, now.isoformat())])
    assert answer["accepted"] == ["S4"] and answer["repeated"] == ["S3"]
    fresh = Stay.objects.get(stay_id="S4")
    assert fresh.pk > max(before) and where()[fresh.pk] == months.partition_name(TABLE, months.month_of(now))
    report(hotel, [{"stay_id": "S2", "event": "departure"}])
    assert Stay.objects.get(stay_id="S2").departed_at is not None
    assert Stay.objects.count() == 4

    # Made ahead by the existing command, with the other partitioned tables.
    ahead = months.add_months(months.month_of(now), 5)
    call_command("partitions_ahead", "--months", "5")
    assert months.partition_name(TABLE, ahead) in {p.name for p in months.partitions(connection.cursor(), TABLE)}

    # An old month is archived only when its guests have all checked out (they are on the "staying now" page).
    report(hotel, [guest(5, "2025-03-20T08:00:00+07:00")])
    with pytest.raises(ArchiveRefused, match="departed_at IS NULL"):
        archive_month(table=TABLE, month=datetime.date(2025, 3, 1), directory=tmp_path)
    report(hotel, [{"stay_id": "S5", "event": "departure"}])
    archived = archive_month(table=TABLE, month=datetime.date(2025, 3, 1), directory=tmp_path)
    assert archived.manifest["rows"] == 3 and set(Stay.objects.values_list("stay_id", flat=True)) == {"S3", "S4"}

    # And back: one plain table with every row and the narrower key the model state had before.
    migrate(BEFORE)
    assert TABLE not in dict(months.partitioned_tables(connection))
    assert set(where().values()) == {TABLE} and len(where()) == 2
    assert definitions("u") == {"UNIQUE (establishment_id, stay_id)"}
    migrate(AT)
    assert TABLE in dict(months.partitioned_tables(connection)) and len(where()) == 2


def test_on_sqlite_the_stays_table_stays_plain(world, hotel):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite side")
    report(hotel, [guest(1, "2025-03-10T08:00:00+07:00")])
    assert months.partitioned_tables(connection) == [] and Stay.objects.count() == 1
