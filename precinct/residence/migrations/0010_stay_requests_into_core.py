# One idempotency mechanism (ADR 0042): the stays' Idempotency-Keys move from residence's own StayRequest table
# into core's IdempotencyRecord (scope "residence.stays_post", caller the establishment's id), and StayRequest
# goes with its hourly sweep (core's `idempotency_purge` covers the records). Live rows only are copied: those
# with their answer (committed) and younger than IDEMPOTENCY_KEY_TTL_SECONDS; older ones would be purged anyway.
# The fingerprint is the same SHA-256 of the parsed rows (residence.api.stays_fingerprint), so a replay of a
# request answered before the migration still gets its first answer. Reversible: the records go back.
# (Depends on 0007 in this branch; the lead sets the dependency to the last residence migration at the merge.)

import datetime

from django.conf import settings
from django.db import migrations
from django.utils import timezone

SCOPE = "residence.stays_post"


def into_core(apps, schema_editor):
    StayRequest = apps.get_model("residence", "StayRequest")
    IdempotencyRecord = apps.get_model("core", "IdempotencyRecord")
    since = timezone.now() - datetime.timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS)
    live = StayRequest.objects.filter(response__isnull=False, created_at__gte=since).order_by("pk")
    batch = []
    for row in live.iterator(chunk_size=2000):
        batch.append(
            IdempotencyRecord(
                scope=SCOPE,
                caller_id=str(row.establishment_id),
                key=row.key,
                fingerprint=row.body_sha256,
                status=200,
                body=row.response,
                created_at=row.created_at,
            )
        )
        if len(batch) >= 2000:
            IdempotencyRecord.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    IdempotencyRecord.objects.bulk_create(batch, ignore_conflicts=True)
    # The sweep's row in the scheduler's table would outlive its job.
    apps.get_model("core", "ScheduledJob").objects.filter(name="residence.stay_requests_sweep").delete()


def back_from_core(apps, schema_editor):
    StayRequest = apps.get_model("residence", "StayRequest")
    IdempotencyRecord = apps.get_model("core", "IdempotencyRecord")
    Establishment = apps.get_model("residence", "Establishment")
    known = set(Establishment.objects.values_list("pk", flat=True))
    records = IdempotencyRecord.objects.filter(scope=SCOPE)
    StayRequest.objects.bulk_create(
        [
            StayRequest(
                establishment_id=int(r.caller_id),
                key=r.key[:200],
                body_sha256=r.fingerprint,
                response=r.body,
                created_at=r.created_at,
            )
            for r in records
            if r.caller_id.isdigit() and int(r.caller_id) in known and len(r.key) <= 200
        ],
        ignore_conflicts=True,
    )
    records.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_idempotency_caller"),
        ("residence", "0009_duplicate_score"),
    ]

    operations = [
        migrations.RunPython(into_core, back_from_core),
        migrations.DeleteModel(name="StayRequest"),
    ]
