import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "precinct.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from precinct.eservices.models import Dossier
        from precinct.eservices.signals import dossier_changed, dossier_transition_checking
        from precinct.payments import checks, receivers  # noqa: F401 (checks registers itself)

        dossier_changed.connect(receivers.on_dossier_changed, sender=Dossier, dispatch_uid="payments.changed")
        dossier_transition_checking.connect(
            receivers.on_transition_checking, sender=Dossier, dispatch_uid="payments.checking"
        )

        # Periodic jobs, queued by `manage.py scheduler` (docs/adr/0024-scheduler.md).
        from precinct.core import schedule

        schedule.register(
            "payments.reconcile",
            task="precinct.payments.tasks.payments_reconcile_task",
            every=datetime.timedelta(days=1),
            description="Compare the last 30 days' payments with the providers' records",
        )
