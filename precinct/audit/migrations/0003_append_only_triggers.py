# The database itself refuses to change or remove audit rows (docs/adr/0025-audit-protection.md): a trigger
# raises on UPDATE and DELETE of any row, and on PostgreSQL on TRUNCATE too, whatever the SQL's origin (the
# ORM, raw SQL, a psql session as the application's role). Only the table's owner can lift it (ALTER TABLE
# … DISABLE TRIGGER, or DROP TRIGGER on SQLite): `precinct.audit.guard.guard_lifted`, which `manage.py flush`
# (and so the test harness's flush between transactional tests) uses; run the application as a role that
# does not own the table and it cannot lift it at all.

from django.db import migrations

from precinct.audit.guard import create_triggers, drop_triggers


def create(apps, schema_editor):
    create_triggers(schema_editor.connection)


def drop(apps, schema_editor):
    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_function")]

    operations = [migrations.RunPython(create, drop)]
