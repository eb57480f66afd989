"""What an app asks of the archiving of its partitioned table: rows that must not leave the database yet,
and what the manifest must carry (the audit chain's head). Registered in AppConfig.ready(), read by archive."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.dispatch import Signal

# Sent inside the archiving transaction, after the file and manifest are written and before the partition is
# dropped, with `manifest` (a dict): the audit app records it, so archiving is an audited write like any other.
partition_archived = Signal()

# (connection, partition table name) -> extra manifest fields
Describe = Callable[[BaseDatabaseWrapper, str], dict[str, Any]]


@dataclass(frozen=True)
class ArchiveRules:
    # A SQL condition over the partition's rows: if any row matches, the month is not archived
    # (e.g. outbox rows still to be sent). Empty: no condition.
    refuse_while: str = ""
    describe: Describe | None = None
    # A SQL condition over the partition's rows that must stay in the database although their month leaves:
    # after the detach they are put back into the table (so into its default partition, the month having no
    # partition any more) and left out of the archive. Empty: every row leaves.
    keep_where: str = ""
    # Called after the detach and before the drop, with the detached partition's name: clears what refers to
    # the rows leaving (they have no foreign keys pointing at them); answers counts, the manifest's `released`.
    release: Describe | None = None


_rules: dict[str, ArchiveRules] = {}


def register_archive_rules(table: str, rules: ArchiveRules) -> None:
    _rules[table] = rules


def archive_rules(table: str) -> ArchiveRules:
    return _rules.get(table, ArchiveRules())
