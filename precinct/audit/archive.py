# ruff: noqa: S608  (SQL built from table and partition names read from the catalogue or our own naming, never from input)
"""The audit log's part in archiving old partitions (ADR 0030): what the manifest carries, and the archived rows
read back as AuditEvents so that `audit_verify` walks one chain across archives and the live table.

The manifest carries the chain at the cut: the archived month's first row (its id and the hash it follows) and
last row (its id and hash), and the live chain's head when the month was cut (from `audit_chainhead`,
ADR 0045). The rows themselves are in the
archive file, so verification recomputes every archived row's hash as it does for live ones: an altered row
in an archive breaks the chain exactly where it would have in the table.
"""

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

from precinct.audit.models import AuditEvent, ChainHead
from precinct.core.partitions import ArchiveRules
from precinct.core.partitions import archive as partition_archive

TABLE = AuditEvent._meta.db_table


def describe(connection: BaseDatabaseWrapper, partition: str) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, prev_hash FROM {partition} ORDER BY id LIMIT 1")
        first = cursor.fetchone()
        cursor.execute(f"SELECT id, hash FROM {partition} ORDER BY id DESC LIMIT 1")
        last = cursor.fetchone()
        cursor.execute(f"SELECT last_id, hash FROM {ChainHead._meta.db_table} WHERE id = 1")
        head = cursor.fetchone()
        if head is None:  # no head row yet (an append rebuilds it): the table's newest row
            cursor.execute(f"SELECT id, hash FROM {TABLE} ORDER BY id DESC LIMIT 1")
            head = cursor.fetchone()
    return {
        "chain": {
            "first": {"id": first[0], "prev_hash": first[1]} if first else None,
            "last": {"id": last[0], "hash": last[1]} if last else None,
            "head_at_cut": {"id": head[0], "hash": head[1]} if head else None,
        }
    }


RULES = ArchiveRules(describe=describe)


def archive_directory() -> Path:
    return Path(settings.PRECINCT_PARTITION_ARCHIVE_DIR)


def _event(row: dict[str, Any]) -> AuditEvent:
    event = AuditEvent(
        occurred_at=datetime.datetime.fromisoformat(row["occurred_at"]),
        actor_id=row["actor_id"],
        actor_label=row["actor_label"],
        unit_id=row["unit_id"],
        unit_path=row["unit_path"],
        action=row["action"],
        target_type=row["target_type"],
        target_id=row["target_id"],
        target_label=row["target_label"],
        before=row["before"],
        after=row["after"],
        request_id=row["request_id"],
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )
    event.id = row["id"]
    return event


def archived_events(directory: Path | None = None) -> tuple[list[Iterator[AuditEvent]], list[str]]:
    """One id-ordered stream of events per archived month, and what is wrong with the archive files."""
    directory = directory or archive_directory()
    streams: list[Iterator[AuditEvent]] = []
    problems: list[str] = []
    for manifest in partition_archive.manifests(table=TABLE, directory=directory):
        if problem := partition_archive.file_problem(manifest, directory=directory):
            problems.append(problem)
            if "missing" in problem:
                continue
        rows = partition_archive.archived_rows(manifest, directory=directory)
        streams.append(_event(row) for row in rows)
    return streams, problems


def record_archived(sender: object, *, manifest: dict[str, Any], **kwargs: Any) -> None:
    """Receiver of core's partition_archived: archiving a month is a write, audited in its transaction."""
    from precinct.audit.services import audit_record

    summary = {k: manifest[k] for k in ("table", "partition", "month", "rows", "first_id", "last_id", "sha256")}
    summary.update({k: manifest[k] for k in ("kept", "released") if k in manifest})  # rows kept, links cleared
    audit_record(actor=None, action="partition.archived", target_label=manifest["partition"], after=summary)
