# Dossier history partitioned by month on `at`, on PostgreSQL (docs/adr/0030-partitioned-tables.md): existing rows
# moved into monthly partitions plus a default one; primary key (id, at). Nothing refers to this table by foreign
# key (the outbox keeps the event's id as a plain integer). Nothing on SQLite.

from django.db import migrations

from precinct.core.partitions.convert import partition_table, unpartition_table


def forward(apps, schema_editor):
    partition_table(schema_editor, table="eservices_dossierevent", column="at")


def backward(apps, schema_editor):
    unpartition_table(schema_editor, table="eservices_dossierevent", column="at")


class Migration(migrations.Migration):
    dependencies = [("eservices", "0006_default_workflow_leaders_decide")]

    operations = [migrations.RunPython(forward, backward)]
