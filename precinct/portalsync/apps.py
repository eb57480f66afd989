import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalSyncConfig(AppConfig):
    name = "precinct.portalsync"
    label = "portalsync"
    verbose_name = _("National portal sync")

    def ready(self) -> None:
        from precinct.eservices.signals import dossier_changed
        from precinct.portalsync import (
            checks,  # noqa: F401  (registers the settings check)
            metrics,
        )
        from precinct.portalsync.receivers import record_dossier_change

        dossier_changed.connect(record_dossier_change, dispatch_uid="portalsync.record_dossier_change")

        # Archiving an old month of the outbox (ADR 0030) waits until no row of it is left to send.
        from precinct.core import partitions

        partitions.register_archive_rules(
            "portalsync_outboxevent", partitions.ArchiveRules(refuse_while="state IN ('pending', 'dead')")
        )

        # Periodic jobs, queued by `manage.py scheduler` (docs/adr/0024-scheduler.md).
        from precinct.core import schedule

        schedule.register(
            "portalsync.sync",
            task="precinct.portalsync.tasks.portal_sync_task",
            every=datetime.timedelta(minutes=1),
            description="Send the portal outbox's due events (a pass; skipped while a portal_sync process runs)",
        )
        metrics.register()
