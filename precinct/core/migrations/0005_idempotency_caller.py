# IdempotencyRecord.user_id becomes caller_id, a string (ADR 0042): the decorator's `caller=` names a user or,
# for the hotels' stays, an establishment. Rows are kept (the ids become their decimal strings).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_idempotency_record"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="idempotencyrecord", name="idempotency_once_per_key"),
        migrations.RenameField(model_name="idempotencyrecord", old_name="user_id", new_name="caller_id"),
        migrations.AlterField(model_name="idempotencyrecord", name="caller_id", field=models.CharField(max_length=64)),
        migrations.AddConstraint(
            model_name="idempotencyrecord",
            constraint=models.UniqueConstraint(fields=("scope", "caller_id", "key"), name="idempotency_once_per_key"),
        ),
    ]
