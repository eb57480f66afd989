import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "precinct.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        # Periodic jobs, queued by `manage.py scheduler` (docs/adr/0024-scheduler.md).
        from precinct.audit import archive
        from precinct.core import partitions, schedule

        partitions.register_archive_rules(archive.TABLE, archive.RULES)
        partitions.partition_archived.connect(archive.record_archived, dispatch_uid="audit.partition_archived")

        schedule.register(
            "audit.anchor",
            task="precinct.audit.tasks.audit_anchor_task",
            every=datetime.timedelta(minutes=5),
            description="Sign the audit chain's head and append it to the anchor file outside the database",
        )
        schedule.register(
            "audit.verify",
            task="precinct.audit.tasks.audit_chain_verify_task",
            every=datetime.timedelta(days=1),
            description="Verify the whole audit chain against itself and the anchors",
        )
