"""Camera events partitioned by month of `started_at` on PostgreSQL (ADR 0044, the shape of ADR 0030): the
migration run on a database that already holds events, alerts and review links, old months among them, both
ways; an event is found again by its Frigate id within a window of time (an update never makes a second row);
partitions made ahead by the existing command; retention archives whole months, refuses one with an open alert,
keeps the events of alerts handed on as evidence (in the default partition) and unlinks the others. The inbox
is pruned on every database. On SQLite the table stays plain."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from precinct.audit.models import AuditEvent
from precinct.cameras.models import (
    Alert,
    AlertOutcome,
    ArchivedDetection,
    CameraEvent,
    InboxMessage,
    InboxState,
    ReviewDetection,
)
from precinct.cameras.partitions import TABLE, WINDOW, events_by_id_q, events_retention, id_moment, windows
from precinct.cameras.retention import inbox_prune
from precinct.cameras.services import alert_close
from precinct.cameras.tests.conftest import LOCAL, NIGHT, feed, frigate
from precinct.cameras.tests.test_reviews import review
from precinct.core.partitions import months
from precinct.testing import constraint_definitions, latest_migration, migrate_app, rows_by_partition

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL only")

# AT: partitioned (0005) and every migration after it, so the models match the tables.
BEFORE, AT = "0004_reviews_outages", latest_migration("cameras")
OLD = datetime.datetime(2025, 3, 10, 23, 0, tzinfo=LOCAL)  # a night in March 2025: the rule raises alerts
OLD_DAY = datetime.datetime(2025, 3, 11, 10, 0, tzinfo=LOCAL)  # by day: an event without alert


def frigate_id(at: datetime.datetime, tail: str) -> str:
    return f"{at.timestamp():.6f}-{tail}"


def migrate(name: str) -> None:
    migrate_app("cameras", name)


def where() -> dict[int, str]:
    return rows_by_partition(TABLE)


definitions = constraint_definitions


def links() -> tuple[dict[int, int | None], dict[str, int | None]]:
    return (
        dict(Alert.objects.values_list("id", "event_id")),
        dict(ReviewDetection.objects.values_list("external_id", "event_id")),
    )


def test_a_frigate_id_carries_its_moment_and_windows_merge():
    moment = id_moment("1733212345.123456-ab12cd")
    assert moment == datetime.datetime(2024, 12, 3, 7, 52, 25, 123456, tzinfo=datetime.UTC)
    assert id_moment("ev-1") is None and id_moment("99999999999999999-x") is None and id_moment("") is None
    a = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    assert windows([a, a + datetime.timedelta(hours=3), None]) == [
        (a - WINDOW, a + datetime.timedelta(hours=3) + WINDOW)
    ]
    far = a + datetime.timedelta(days=30)
    assert windows([far, a]) == [(a - WINDOW, a + WINDOW), (far - WINDOW, far + WINDOW)]
    assert not CameraEvent.objects.filter(events_by_id_q([1], ["x"], [None])).exists()  # no window: nothing


def test_an_update_finds_its_event_by_id_and_time_never_a_second_row(world, cams):
    old_id = frigate_id(OLD, "aa0001")
    feed("rec-a", frigate("new", old_id, at=OLD))
    feed("rec-a", frigate("update", old_id, at=OLD), frigate("end", old_id, at=OLD))
    # The row-by-row path (the batch's fallback) finds it too.
    from precinct.cameras.ingest import Received, event_record, inbox_store

    inbox_store([Received("rec-a/events", frigate("end", old_id, at=OLD, score=0.95), timezone.now())])
    event_record(row=InboxMessage.objects.get(state=InboxState.PENDING))
    event = CameraEvent.objects.get()
    assert event.external_id == old_id and event.ended_at is not None and str(event.score) == "0.950"
    assert Alert.objects.filter(event=event).count() == 1
    # An id without a time is found by the message's start.
    feed("rec-a", frigate("new", "ev-plain"), frigate("end", "ev-plain"))
    assert CameraEvent.objects.filter(external_id="ev-plain").count() == 1


@postgresql_only
def test_the_migration_partitions_a_table_with_events_alerts_and_links_and_back(world, cams, tmp_path, settings):
    migrate(BEFORE)
    assert TABLE not in dict(months.partitioned_tables(connection))
    open_id, case_id, quiet_id, fresh_id = (
        frigate_id(OLD, "aa0001"),
        frigate_id(OLD, "aa0002"),
        frigate_id(OLD_DAY, "aa0003"),
        frigate_id(NIGHT, "bb0001"),
    )
    feed(
        "rec-a",
        frigate("new", open_id, at=OLD),
        frigate("new", case_id, at=OLD, camera="cage_2"),
        frigate("new", quiet_id, at=OLD_DAY),
        frigate("new", fresh_id, at=NIGHT),
    )
    feed("rec-a", review("new", "rv-old", quiet_id, severity="detection", at=OLD_DAY), topic="reviews")
    before, (alerts_before, detections_before) = where(), links()
    assert len(before) == 4 and len(alerts_before) == 3 and detections_before[quiet_id] is not None

    migrate(AT)

    assert TABLE in dict(months.partitioned_tables(connection))
    after = where()
    assert set(after) == set(before)  # every event kept with its id
    march = months.partition_name(TABLE, datetime.date(2025, 3, 1))
    by_id = {e.external_id: e for e in CameraEvent.objects.all()}
    assert {after[by_id[x].pk] for x in (open_id, case_id, quiet_id)} == {march}
    assert after[by_id[fresh_id].pk] == months.partition_name(TABLE, months.month_of(NIGHT))
    assert links() == (alerts_before, detections_before)  # the alerts' and reviews' links survive
    assert definitions(TABLE, "p") == {"PRIMARY KEY (id, started_at)"}
    assert definitions(TABLE, "u") == {"UNIQUE (camera_id, external_id, started_at)"}
    assert not any("cameras_cameraevent" in d for d in definitions("cameras_alert", "f"))
    assert not any("cameras_cameraevent" in d for d in definitions("cameras_reviewdetection", "f"))

    # The worker goes on: an update of an old event updates it, a new event gets an id after the copied ones.
    feed("rec-a", frigate("end", open_id, at=OLD), frigate("new", frigate_id(NIGHT, "bb0002"), at=NIGHT))
    assert CameraEvent.objects.filter(external_id=open_id).get().ended_at is not None
    newest = CameraEvent.objects.order_by("-pk").first()
    assert CameraEvent.objects.count() == 5 and newest is not None and newest.pk > max(before)
    assert Alert.objects.count() == 4

    # Made ahead by the existing command, with the other partitioned tables.
    ahead = months.add_months(months.month_of(timezone.now()), 5)
    call_command("partitions_ahead", "--months", "5")
    assert months.partition_name(TABLE, ahead) in {p.name for p in months.partitions(connection.cursor(), TABLE)}

    # Retention: March 2025 is refused while its alert is open, archived once it is closed.
    settings.CAMERAS_EVENT_RETENTION_MONTHS = 6
    duty = world.users["duty_a"]
    alerts = {a.event.external_id: a for a in Alert.objects.select_related("event") if a.event}
    alert_close(actor=duty, alert=alerts[case_id], outcome=AlertOutcome.INCIDENT, note="tàu lạ")
    refused = events_retention(directory=tmp_path)
    assert "2025-03" in refused["refused"] and "2025-03" not in refused["months"]
    assert march in set(where().values())
    assert AuditEvent.objects.filter(action="cameras.events_retention_refused").exists()
    alert_close(actor=duty, alert=alerts[open_id], outcome=AlertOutcome.FALSE_ALARM, note="một ngư dân")
    done = events_retention(directory=tmp_path)
    assert done["months"] == ["2025-03"] and done["rows"] == 2 and done["kept"] == 1 and not done["refused"]
    placed = where()
    kept = CameraEvent.objects.get(external_id=case_id)
    assert placed[kept.pk] == months.default_name(TABLE) and march not in set(placed.values())
    assert not CameraEvent.objects.filter(external_id__in=[open_id, quiet_id]).exists()
    assert Alert.objects.get(pk=alerts[case_id].pk).event == kept
    assert Alert.objects.get(pk=alerts[open_id].pk).event_id is None  # the archive holds it
    # The alert keeps what it showed: its page and the API still say a person was seen, and how surely.
    copy = Alert.objects.get(pk=alerts[open_id].pk).detection
    assert isinstance(copy, ArchivedDetection) and (copy.external_id, copy.label) == (open_id, "person")
    assert (copy.score, copy.started_at) == (alerts[open_id].event.score, alerts[open_id].event.started_at)
    assert ArchivedDetection.objects.count() == 1  # not for the kept evidence, nor for the event without alert
    page = world.client("duty_a").get(f"/cameras/alerts/{alerts[open_id].pk}/")
    assert "Phát hiện: người (0,800)" in page.content.decode()
    detail = world.api_client("duty_a").get(f"/api/v1/cameras/alerts/{alerts[open_id].pk}").json()
    assert (detail["label"], detail["score"]) == ("person", "0.800")
    assert ReviewDetection.objects.get(external_id=quiet_id).event_id is None
    manifest = json.loads((tmp_path / TABLE / f"{march}.manifest.json").read_text())
    released = {"alerts_unlinked": 1, "review_links_cleared": 1}
    assert (manifest["rows"], manifest["kept"], manifest["released"]) == (2, 1, released)
    audited = AuditEvent.objects.filter(action="partition.archived", target_label=march).get()
    assert (audited.after["rows"], audited.after["kept"], audited.after["released"]) == (2, 1, released)
    # The kept event is still found by its id in the default partition.
    feed("rec-a", frigate("end", case_id, at=OLD, camera="cage_2"))
    assert CameraEvent.objects.filter(external_id=case_id).count() == 1
    # The command says what it did.
    out = StringIO()
    call_command("cameras_retention", stdout=out)
    assert "Months of events archived: none" in out.getvalue()

    # And back: one plain table with every remaining row, the database constraints of before.
    migrate(BEFORE)
    assert TABLE not in dict(months.partitioned_tables(connection))
    assert set(where().values()) == {TABLE} and len(where()) == 3
    assert definitions(TABLE, "u") == {"UNIQUE (camera_id, external_id)"}
    assert any("cameras_cameraevent" in d for d in definitions("cameras_alert", "f"))
    migrate(AT)
    assert TABLE in dict(months.partitioned_tables(connection)) and len(where()) == 3


def test_on_sqlite_the_events_table_stays_plain(world, cams, tmp_path):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite side")
    feed("rec-a", frigate("new", frigate_id(OLD, "aa0001"), at=OLD))
    assert months.partitioned_tables(connection) == [] and CameraEvent.objects.count() == 1
    assert events_retention(directory=tmp_path) == {"months": [], "rows": 0, "kept": 0, "refused": {}}


def test_the_inbox_is_pruned_processed_after_two_days_refused_after_thirty(world, cams, settings):
    settings.CAMERAS_INBOX_DONE_DAYS, settings.CAMERAS_INBOX_REFUSED_DAYS = 2, 30
    feed("rec-a", frigate("new", "ev-1"), frigate("new", "ev-2"), frigate("new", "ev-3", camera="nowhere"))
    from precinct.cameras.ingest import Received, inbox_store

    inbox_store([Received("rec-a/events", frigate("new", "ev-waiting"), timezone.now())])
    rows = {r.key: r for r in InboxMessage.objects.all()}
    assert {r.state for r in rows.values()} == {InboxState.DONE, InboxState.REFUSED, InboxState.PENDING}
    now = timezone.now()
    done = [r.pk for r in rows.values() if r.state == InboxState.DONE]
    refused = [r.pk for r in rows.values() if r.state == InboxState.REFUSED]
    InboxMessage.objects.filter(pk=done[0]).update(processed_at=now - datetime.timedelta(days=3))
    InboxMessage.objects.filter(pk=done[1]).update(processed_at=now - datetime.timedelta(days=1))
    InboxMessage.objects.filter(pk__in=refused).update(processed_at=now - datetime.timedelta(days=3))
    InboxMessage.objects.filter(state=InboxState.PENDING).update(received_at=now - datetime.timedelta(days=90))

    assert inbox_prune() == {"done": 1, "refused": 0}  # refused rows are kept 30 days
    InboxMessage.objects.filter(pk=refused[0]).update(processed_at=now - datetime.timedelta(days=31))
    assert inbox_prune() == {"done": 0, "refused": 1}
    assert inbox_prune() == {"done": 0, "refused": 0}
    left = set(InboxMessage.objects.values_list("pk", flat=True))
    assert done[0] not in left and refused[0] not in left and done[1] in left
    assert InboxMessage.objects.filter(state=InboxState.PENDING).count() == 1  # waiting rows are never pruned
    audited = AuditEvent.objects.filter(action="cameras.inbox_pruned").order_by("id")
    assert [a.after["done"] for a in audited] == [1, 0] and [a.after["refused"] for a in audited] == [0, 1]
