# ruff: noqa: S608  (SQL built from table and partition names read from the catalogue or our own naming, never from input)
"""Retention: detach an old month's partition, copy it to a compressed file, write its manifest, drop it.

The file is `<dir>/<table>/<partition>.jsonl.gz`: one JSON object per row (PostgreSQL's `row_to_json`, sent
by `COPY … TO STDOUT`), in id order, loadable back with `jsonb_populate_record`. The manifest beside it
(`<partition>.manifest.json`) names the table, month, row count, first and last id, the file's SHA-256 and
what the table's app adds (the audit log: the chain's head at the cut, ADR 0030). The file is written and
fsynced before the transaction that drops the partition commits: a crash leaves the partition attached, and
archiving it again overwrites the file. An app may keep some rows of the month (`ArchiveRules.keep_where`:
put back into the table, so into its default partition, and left out of the file) and clear what refers to the
rows leaving (`ArchiveRules.release`); both are counted in the manifest.
"""

import datetime
import gzip
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections, transaction
from django.utils import timezone

from precinct.core.partitions import months
from precinct.core.partitions.rules import archive_rules, partition_archived


class ArchiveRefused(Exception):
    pass


@dataclass(frozen=True)
class Archived:
    manifest: dict[str, Any]
    path: Path


def _fsync_write(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def archive_month(*, table: str, month: datetime.date, directory: Path, using: str = "default") -> Archived:
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise ArchiveRefused("partitions exist on PostgreSQL only")
    if month >= months.month_of(timezone.now()):
        raise ArchiveRefused(f"{month:%Y-%m} is not over yet")
    name = months.partition_name(table, month)
    rules = archive_rules(table)
    target = directory / table
    target.mkdir(parents=True, exist_ok=True)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if name not in {p.name for p in months.partitions(cursor, table)}:
            raise ArchiveRefused(f"{table} has no attached partition for {month:%Y-%m}")
        cursor.execute(f"LOCK TABLE {name} IN ACCESS EXCLUSIVE MODE")
        if rules.refuse_while:
            cursor.execute(f"SELECT count(*) FROM {name} WHERE {rules.refuse_while}")
            if waiting := cursor.fetchone()[0]:
                raise ArchiveRefused(f"{waiting} rows of {name} must stay ({rules.refuse_while})")
        cursor.execute(f"ALTER TABLE {table} DETACH PARTITION {name}")
        kept = 0
        if rules.keep_where:
            # The month has no partition now: rows put back land in the table's default partition.
            cursor.execute(f"INSERT INTO {table} SELECT * FROM {name} WHERE {rules.keep_where}")
            kept = cursor.rowcount
            cursor.execute(f"DELETE FROM {name} WHERE {rules.keep_where}")
        extra = rules.describe(connection, name) if rules.describe else {}
        if rules.keep_where:
            extra["kept"] = kept
        if rules.release:
            extra["released"] = rules.release(connection, name)
        digest, count, first_id, last_id = hashlib.sha256(), 0, None, None
        path = target / f"{name}.jsonl.gz"
        temporary = path.with_name(path.name + ".tmp")
        with open(temporary, "wb") as raw:
            query = f"COPY (SELECT row_to_json(r) FROM {name} r ORDER BY r.id) TO STDOUT"
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz, cursor.cursor.copy(query) as copy:
                for line in copy.rows():
                    # psycopg undoes COPY's text escaping (doubled backslashes) column by column.
                    text = line[0] if isinstance(line[0], str) else line[0].decode()
                    row = json.loads(text)
                    first_id = row["id"] if first_id is None else first_id
                    last_id = row["id"]
                    count += 1
                    gz.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
            raw.flush()
            os.fsync(raw.fileno())
        digest.update(temporary.read_bytes())
        os.replace(temporary, path)
        manifest = {
            "v": 1,
            "table": table,
            "partition": name,
            "month": f"{month:%Y-%m}",
            "rows": count,
            "first_id": first_id,
            "last_id": last_id,
            "file": path.name,
            "sha256": digest.hexdigest(),
            "archived_at": timezone.now().isoformat(),
            **extra,
        }
        _fsync_write(target / f"{name}.manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False).encode())
        partition_archived.send(sender=None, manifest=manifest)
        cursor.execute(f"DROP TABLE {name}")
    return Archived(manifest, path)


def manifests(*, table: str, directory: Path) -> list[dict[str, Any]]:
    found = [json.loads(p.read_text()) for p in sorted((directory / table).glob("*.manifest.json"))]
    return sorted(found, key=lambda m: m["month"])


def file_problem(manifest: dict[str, Any], *, directory: Path) -> str | None:
    """Why an archive's file does not match its manifest, or None."""
    path = directory / manifest["table"] / manifest["file"]
    if not path.exists():
        return f"archive {manifest['file']} is missing"
    if hashlib.sha256(path.read_bytes()).hexdigest() != manifest["sha256"]:
        return f"archive {manifest['file']} differs from its manifest's SHA-256"
    return None


def archived_rows(manifest: dict[str, Any], *, directory: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(directory / manifest["table"] / manifest["file"], "rt", encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)
