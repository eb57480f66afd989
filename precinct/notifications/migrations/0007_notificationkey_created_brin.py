# A BRIN index on NotificationKey.created_at on PostgreSQL (docs/adr/0047), for the daily trim of old keys. Keys
# are written in time order, so a block range's created_at span is narrow: the index is a few pages for a table of
# billions, and costs the insert next to nothing (a B-tree would be one more tree written per message). SQLite
# (development) has no BRIN and its tables are small: the trim scans.

from django.db import migrations

INDEX = "notifications_notificationkey_created_brin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON notifications_notificationkey USING brin (created_at)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("notifications", "0006_notification_partition_by_month")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
