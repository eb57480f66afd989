# Camera events partitioned by month of `started_at` on PostgreSQL (docs/adr/0044, the shape of ADR 0030): the
# event's key becomes (camera, Frigate id, started_at) on every database (the code keeps (camera, id) unique:
# cameras/partitions.py); Alert.event and ReviewDetection.event lose their database constraint (a partitioned
# parent's key includes its month), keeping their values; existing rows move into monthly partitions plus a
# default one, the primary key is (id, started_at). On SQLite the table stays plain.

import django.db.models.deletion
from django.db import migrations, models

from precinct.core.partitions.convert import partition_table, unpartition_table


def partition_events(apps, schema_editor):
    partition_table(schema_editor, table="cameras_cameraevent", column="started_at")


def unpartition_events(apps, schema_editor):
    unpartition_table(schema_editor, table="cameras_cameraevent", column="started_at")


class Migration(migrations.Migration):

    dependencies = [
        ('cameras', '0004_reviews_outages'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='cameraevent',
            name='cameras_event_unique',
        ),
        migrations.AlterField(
            model_name='alert',
            name='event',
            field=models.OneToOneField(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='alert', to='cameras.cameraevent'),
        ),
        migrations.AlterField(
            model_name='reviewdetection',
            name='event',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cameras.cameraevent'),
        ),
        migrations.AddConstraint(
            model_name='cameraevent',
            constraint=models.UniqueConstraint(fields=('camera', 'external_id', 'started_at'), name='cameras_event_unique'),
        ),
        migrations.RunPython(partition_events, unpartition_events),
    ]
