# Guests' stays (ADR 0039): the Idempotency-Keys of POST /api/v1/residence/stays (StayRequest), the flags the
# incidents register puts on stays of guests it looks for (StayFlag), and residence_stay partitioned by month of
# `arrival` on PostgreSQL (docs/adr/0030-partitioned-tables.md): its key becomes (establishment, stay id,
# arrival) on every database, existing rows move into monthly partitions plus a default one, the primary key is
# (id, arrival). Nothing refers to a stay by foreign key (StayFlag keeps its id as a plain integer). On SQLite
# the table stays plain.

import django.db.models.deletion
from django.db import migrations, models

from precinct.core.partitions.convert import partition_table, unpartition_table


def partition_stays(apps, schema_editor):
    partition_table(schema_editor, table="residence_stay", column="arrival")


def unpartition_stays(apps, schema_editor):
    unpartition_table(schema_editor, table="residence_stay", column="arrival")


class Migration(migrations.Migration):

    dependencies = [
        ('residence', '0005_quality_snapshot'),
    ]

    operations = [
        migrations.CreateModel(
            name='StayFlag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stay_ref', models.BigIntegerField(unique=True)),
                ('arrival', models.DateTimeField()),
                ('unit_path', models.CharField(db_index=True, max_length=255)),
                ('reason', models.CharField(max_length=40)),
                ('flagged_at', models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name='StayRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=200)),
                ('body_sha256', models.CharField(max_length=64)),
                ('response', models.JSONField(null=True)),
                ('created_at', models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.RemoveConstraint(
            model_name='stay',
            name='residence_stay_once',
        ),
        migrations.AddConstraint(
            model_name='stay',
            constraint=models.UniqueConstraint(fields=('establishment', 'stay_id', 'arrival'), name='residence_stay_once'),
        ),
        migrations.AddField(
            model_name='stayrequest',
            name='establishment',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='residence.establishment'),
        ),
        migrations.AddConstraint(
            model_name='stayrequest',
            constraint=models.UniqueConstraint(fields=('establishment', 'key'), name='residence_stay_request_once'),
        ),
        migrations.RunPython(partition_stays, unpartition_stays),
    ]
