# ruff: noqa: S608  (SQL built from our own table names and model choices, never from input)
"""Camera events partitioned by month of `started_at` on PostgreSQL (ADR 0044, the shape of ADR 0030).

**Finding an event by its Frigate id.** The key is `(camera, external_id, started_at)`: PostgreSQL cannot hold
a unique key on `(camera, external_id)` across partitions. Every look-up of an event by its id therefore names
a time window, so PostgreSQL reads only the months it covers: Frigate's event id is `<epoch>.<fraction>-<random>`
(the moment the object was first seen), and the event started within seconds of it, so the window is that
moment ± `WINDOW`; the message's own `start_time` (or its receipt, without one) adds its ± `WINDOW` too, for
ids that carry no time (other recorders, the webhook) or a recorder whose clock was set after the id was made.
Overlapping windows are merged: a live batch is one window, one or two partitions. The uniqueness of
`(camera, external_id)` itself is kept by the code: every writer of a camera's events holds the camera's row
lock (batch.py, ingest.event_record, reviews.py) and looks the id up before inserting.

**References.** `Alert.event` and `ReviewDetection.event` are kept without a database constraint (a
partitioned parent's key includes `started_at`); Django's collector still cascades a deletion made through
the ORM, and retention clears them for the events that leave (below).

**Retention** (`events_retention`, in the daily `cameras.retention` job and `manage.py cameras_retention`):
each month older than `CAMERAS_EVENT_RETENTION_MONTHS` is archived with `core.partitions.archive_month`
(detached, copied to a compressed file with its manifest, dropped, audited `partition.archived`), refused
while one of its events has an open alert; the events of alerts handed on as an incident or a crime report stay
in the database (put back, into the default partition); the alerts and review links of the events that leave
lose their link (the archive holds the event), and an alert keeps a copy of what it showed (ArchivedDetection).
On SQLite nothing is partitioned and nothing is archived."""

import datetime
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.utils import timezone

from precinct.cameras.models import EVIDENCE_OUTCOMES, OPEN_ALERT_STATES
from precinct.core.partitions import ArchiveRules, months

TABLE = "cameras_cameraevent"
WINDOW = datetime.timedelta(days=1)
_FRIGATE_ID = re.compile(r"^(\d{9,11}(?:\.\d+)?)-")

Window = tuple[datetime.datetime, datetime.datetime]


def id_moment(external_id: str) -> datetime.datetime | None:
    """The moment a Frigate event id carries (`1733212345.123456-ab12cd`), or None."""
    match = _FRIGATE_ID.match(external_id)
    if match is None:
        return None
    try:
        return datetime.datetime.fromtimestamp(float(match.group(1)), tz=datetime.UTC)
    except (OverflowError, ValueError, OSError):
        return None


def windows(moments: Iterable[datetime.datetime | None]) -> list[Window]:
    """Each moment ± WINDOW, overlapping ones merged, in order."""
    spans = sorted((m - WINDOW, m + WINDOW) for m in moments if m is not None)
    merged: list[Window] = []
    for low, high in spans:
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def event_moments(external_id: str, started: datetime.datetime | None) -> list[datetime.datetime | None]:
    return [id_moment(external_id), started]


def started_q(spans: list[Window]) -> Q:
    """`started_at` within one of the windows (none: matches nothing)."""
    found = Q(pk__in=[])
    for low, high in spans:
        found |= Q(started_at__gte=low, started_at__lte=high)
    return found


def events_by_id_q(camera_ids: Iterable[int], ids: Iterable[str], moments: Iterable[datetime.datetime | None]) -> Q:
    """Events of these cameras with these Frigate ids, within the windows of `moments` (see above)."""
    return Q(camera_id__in=set(camera_ids), external_id__in=set(ids)) & started_q(windows(moments))


# Retention's rules, registered in CamerasConfig.ready() for core's archiving.
_OPEN = ", ".join(f"'{s}'" for s in OPEN_ALERT_STATES)
_EVIDENCE = ", ".join(f"'{o}'" for o in EVIDENCE_OUTCOMES)


def _release(conn: BaseDatabaseWrapper, partition: str) -> dict[str, Any]:
    """The alerts and review links of the events leaving lose their link (the archive keeps the event); an alert
    first keeps a copy of what it showed of its event (ArchivedDetection)."""
    with conn.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cameras_archiveddetection"
            " (alert_id, external_id, label, sub_label, score, zones, started_at, ended_at)"
            " SELECT a.id, e.external_id, e.label, e.sub_label, e.score, e.zones, e.started_at, e.ended_at"
            f" FROM cameras_alert a JOIN {partition} e ON e.id = a.event_id"
            " ON CONFLICT (alert_id) DO NOTHING"
        )
        cursor.execute(f"UPDATE cameras_alert SET event_id = NULL WHERE event_id IN (SELECT id FROM {partition})")
        alerts = cursor.rowcount
        cursor.execute(
            f"UPDATE cameras_reviewdetection SET event_id = NULL WHERE event_id IN (SELECT id FROM {partition})"
        )
        return {"alerts_unlinked": alerts, "review_links_cleared": cursor.rowcount}


ARCHIVE_RULES = ArchiveRules(
    refuse_while=f"id IN (SELECT event_id FROM cameras_alert WHERE status IN ({_OPEN}) AND event_id IS NOT NULL)",
    keep_where=f"id IN (SELECT event_id FROM cameras_alert WHERE outcome IN ({_EVIDENCE}) AND event_id IS NOT NULL)",
    release=_release,
)


def events_retention(*, now: datetime.datetime | None = None, directory: Path | None = None) -> dict[str, Any]:
    """Archive the months of events older than CAMERAS_EVENT_RETENTION_MONTHS (PostgreSQL only). Answers the
    months archived, the rows that left and were kept, and the months refused (open alerts) with the reason."""
    from precinct.audit.services import audit_record
    from precinct.core.partitions.archive import ArchiveRefused, archive_month

    counts: dict[str, Any] = {"months": [], "rows": 0, "kept": 0, "refused": {}}
    if TABLE not in dict(months.partitioned_tables(connection)):
        return counts
    now = now or timezone.now()
    before = months.add_months(months.month_of(now), -settings.CAMERAS_EVENT_RETENTION_MONTHS)
    directory = directory or Path(settings.PRECINCT_PARTITION_ARCHIVE_DIR)
    with connection.cursor() as cursor:
        old = sorted(p.month for p in months.partitions(cursor, TABLE) if p.month is not None and p.month < before)
    for month in old:
        try:
            done = archive_month(table=TABLE, month=month, directory=directory)
        except ArchiveRefused as refused:
            counts["refused"][f"{month:%Y-%m}"] = str(refused)
            continue
        counts["months"].append(f"{month:%Y-%m}")
        counts["rows"] += done.manifest["rows"]
        counts["kept"] += done.manifest.get("kept", 0)
    if counts["refused"]:
        # Archived months are audited one by one (`partition.archived`); a refusal is said once per run.
        with transaction.atomic():
            audit_record(
                actor=None,
                action="cameras.events_retention_refused",
                target_label=f"{len(counts['refused'])} months",
                after={"refused": counts["refused"]},
            )
    return counts
