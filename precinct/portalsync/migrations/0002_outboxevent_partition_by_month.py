# The portal outbox partitioned by month on created_at, on PostgreSQL (docs/adr/0030-partitioned-tables.md):
# existing rows moved into monthly partitions plus a default one; primary key (id, created_at), the idempotency
# key unique per (key, created_at) (a fresh UUID4 per row). The worker's partial indexes become partitioned
# indexes, so its SKIP LOCKED scan reads each partition's small index. Nothing on SQLite.

from django.db import migrations

from precinct.core.partitions.convert import partition_table, unpartition_table


def forward(apps, schema_editor):
    partition_table(schema_editor, table="portalsync_outboxevent", column="created_at")


def backward(apps, schema_editor):
    unpartition_table(schema_editor, table="portalsync_outboxevent", column="created_at")


class Migration(migrations.Migration):
    dependencies = [("portalsync", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
