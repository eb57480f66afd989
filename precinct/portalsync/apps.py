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
        metrics.register()
