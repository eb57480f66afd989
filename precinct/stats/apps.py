from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "precinct.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from precinct.eservices.signals import dossier_changed, dossier_transition_checking
        from precinct.stats import receivers

        dossier_transition_checking.connect(receivers.remember_before, dispatch_uid="stats.remember_before")
        dossier_changed.connect(receivers.record_change, dispatch_uid="stats.record_change")
