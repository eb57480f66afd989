import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidenceConfig(AppConfig):
    name = "precinct.residence"
    label = "residence"
    verbose_name = _("Residence")

    def ready(self) -> None:
        from precinct.eservices.models import Dossier
        from precinct.eservices.signals import dossier_changed
        from precinct.residence import measures, receivers

        dossier_changed.connect(receivers.on_dossier_changed, sender=Dossier, dispatch_uid="residence.changed")
        measures.register_all()
        from precinct.residence import quality_receivers

        quality_receivers.connect()

        # Archiving an old month of stays (ADRs 0030, 0039) waits until its guests have all checked out: a stay
        # still open is on the ward's "staying now" page.
        from precinct.core import partitions

        partitions.register_archive_rules("residence_stay", partitions.ArchiveRules(refuse_while="departed_at IS NULL"))

        # Periodic jobs, queued by `manage.py scheduler` (docs/adr/0024-scheduler.md).
        from precinct.core import schedule

        schedule.register(
            "residence.stays",
            task="precinct.residence.tasks.stay_notices_process_task",
            every=datetime.timedelta(minutes=5),
            description="Turn hotels' stay notices left in the inbox into stays",
        )
        schedule.register(
            "residence.quality_snapshots",
            task="precinct.residence.tasks.quality_snapshots_task",
            every=datetime.timedelta(days=1),
            description="Scan every ward's register and keep the month's quality figures (the trend)",
        )
