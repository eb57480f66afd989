# The audit log partitioned by month on occurred_at, on PostgreSQL (docs/adr/0030-partitioned-tables.md): the
# rows present are moved into monthly partitions plus a default one; the append-only triggers (ADR 0025) are put
# back on the partitioned table (PostgreSQL clones the row trigger onto every partition) and the TRUNCATE guard
# on every partition too. Nothing on SQLite. The primary key becomes (id, occurred_at) and the hash's unique
# constraint (hash, occurred_at): PostgreSQL requires the partition column in both.

from django.db import migrations

from precinct.core.partitions.convert import partition_table, unpartition_table


def forward(apps, schema_editor):
    partition_table(schema_editor, table="audit_auditevent", column="occurred_at")


def backward(apps, schema_editor):
    unpartition_table(schema_editor, table="audit_auditevent", column="occurred_at")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_triggers")]

    operations = [migrations.RunPython(forward, backward)]
