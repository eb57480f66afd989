# Notifications partitioned by month of created_at on PostgreSQL (docs/adr/0043-notifications-partitioned.md, the
# shape of ADR 0030): once per (recipient, channel, key) moves from a unique constraint on the messages' table to
# the narrow, unpartitioned NotificationKey table, filled here with the key of every message already there (so
# nothing already queued or sent is queued again); the messages' table keeps a plain index on those columns, its
# rows move into monthly partitions plus a default one, and its primary key becomes (id, created_at). Nothing
# refers to a notification by foreign key. On SQLite the table stays plain (the key table is there all the same).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from precinct.core.partitions.convert import partition_table, unpartition_table

TABLE = "notifications_notification"


def fill_keys(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO notifications_notificationkey (key, recipient_id, channel, created_at)
                SELECT key, recipient_id, channel, min(created_at) FROM {TABLE} GROUP BY key, recipient_id, channel
                ON CONFLICT DO NOTHING"""  # noqa: S608
        )


def partition_notifications(apps, schema_editor):
    partition_table(schema_editor, table=TABLE, column="created_at")


def unpartition_notifications(apps, schema_editor):
    unpartition_table(schema_editor, table=TABLE, column="created_at")


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0005_kept_attachment'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='NotificationKey',
            fields=[
                ('pk', models.CompositePrimaryKey('key', 'recipient', 'channel', blank=True, editable=False, primary_key=True, serialize=False)),
                ('key', models.CharField(max_length=160)),
                ('recipient', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('channel', models.CharField(choices=[('email', 'Email'), ('sms', 'SMS')], max_length=8)),
                ('created_at', models.DateTimeField()),
            ],
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='notification',
            name='notification_once_per_key',
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(fields=['recipient', 'channel', 'key'], name='notification_by_key'),
        ),
        migrations.RunPython(partition_notifications, unpartition_notifications),
    ]
