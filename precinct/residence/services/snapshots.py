"""The quality trend: each commune-level unit's figures kept per month (the month's latest full scan), written
by the daily job `residence.quality_snapshots` (the scan is the full one: quality.ward_report per ward), which
also brings each ward's work queue in step (workqueue.ward_sync)."""

import datetime

from django.db import transaction
from django.utils import timezone

from precinct.audit.services import audit_record
from precinct.organisation.selectors import commune_level_units
from precinct.residence import workqueue
from precinct.residence.models import QualitySnapshot
from precinct.residence.quality import ward_report


def quality_snapshots_take(*, today: datetime.date | None = None) -> int:
    """Scan every ward and keep its figures for this month (a later scan in the month replaces them)."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    written = 0
    for unit in commune_level_units():
        report = ward_report(unit.path, today=today, list_limit=0)
        with transaction.atomic():
            QualitySnapshot.objects.update_or_create(
                unit=unit,
                month=month,
                defaults={
                    "unit_path": unit.path,
                    "persons": report.persons,
                    "completeness": report.completeness,
                    "validity": report.validity,
                    "uniqueness": report.uniqueness,
                    "timeliness": report.timeliness,
                    "consistency": report.consistency,
                    "duplicate_count": report.duplicate_count,
                    "expired_count": report.expired_count,
                    "taken_at": timezone.now(),
                },
            )
            written += 1
        workqueue.ward_sync(actor=None, unit=unit, today=today)  # the queue's full scan, ward by ward
    with transaction.atomic():
        audit_record(
            actor=None,
            action="residence.quality_snapshots",
            target_label="quality",
            after={"month": str(month), "wards": written},
        )
    return written
