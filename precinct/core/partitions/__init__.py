"""Monthly range partitions of the tables that only grow, on PostgreSQL (docs/adr/0030-partitioned-tables.md).

`convert` turns a live table into a partitioned one inside a migration (and back), `months` creates the
partitions ahead of time and lists them, `archive` detaches an old month, copies it to a compressed file with
a manifest and drops it. Everything here is a no-op on SQLite: the tables stay single heaps there.

Which tables are partitioned is read from the database (`pg_partitioned_table`), so the kernel needs no list
of apps; apps only register what archiving must check or record for their table (`register_archive_rules`).
"""

from precinct.core.partitions.rules import ArchiveRules, archive_rules, partition_archived, register_archive_rules

__all__ = ["ArchiveRules", "archive_rules", "partition_archived", "register_archive_rules"]
