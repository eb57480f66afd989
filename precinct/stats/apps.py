import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "precinct.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from precinct.eservices.signals import dossier_changed, dossier_transition_checking
        from precinct.payments.signals import payment_request_changed
        from precinct.stats import receivers

        dossier_transition_checking.connect(receivers.remember_before, dispatch_uid="stats.remember_before")
        dossier_changed.connect(receivers.record_change, dispatch_uid="stats.record_change")
        # Ratings have no signal of their own yet: a rating row is only ever created (once, by dossier_rate).
        post_save.connect(receivers.record_rating, sender="eservices.DossierRating", dispatch_uid="stats.record_rating")
        # Fees: statistics follow payments (payments knows nothing of statistics), as they follow eservices.
        payment_request_changed.connect(receivers.record_fee, dispatch_uid="stats.record_fee")
        # Headline figures for readers that must not import stats (planning's indicators): docs/adr/0016.
        from precinct.stats.measures import register_measures

        register_measures()

        # Periodic jobs, queued by `manage.py scheduler` (docs/adr/0024-scheduler.md).
        from precinct.core import schedule

        schedule.register(
            "stats.fold",
            task="precinct.stats.tasks.stats_fold_task",
            every=datetime.timedelta(minutes=5),
            description="Fold statistics deltas a dead process left unfolded",
        )
