import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EservicesConfig(AppConfig):
    name = "precinct.eservices"
    label = "eservices"
    verbose_name = _("Online public services")

    def ready(self) -> None:
        from precinct.eservices import notify
        from precinct.eservices.models import Dossier
        from precinct.eservices.signals import dossier_changed
        from precinct.notifications.attachments import register_attachment
        from precinct.notifications.links import register_link
        from precinct.notifications.services import register_composer

        dossier_changed.connect(notify.tell_applicant, sender=Dossier, dispatch_uid="eservices.tell_applicant")
        register_composer(notify.COMPOSER, notify.compose_for_event, many=notify.compose_for_events)
        register_attachment("dossier_receipt", notify.receipt_attachment, many=notify.receipt_attachments)
        register_attachment("dossier_apology", notify.apology_attachment)
        # The site's inbox links each message to its dossier (the kinds of escalation.py's keys too).
        register_link(notify.COMPOSER, notify.event_links)
        register_link("due-soon", notify.dossier_links)
        register_link("overdue", notify.dossier_links)

        # Periodic jobs, queued by `manage.py scheduler` (docs/adr/0024-scheduler.md).
        from precinct.core import schedule

        schedule.register(
            "eservices.escalation_sweep",
            task="precinct.eservices.tasks.escalation_sweep_task",
            every=datetime.timedelta(minutes=15),
            description="Due-soon warnings, overdue marks, leaders told, apology letters",
        )
