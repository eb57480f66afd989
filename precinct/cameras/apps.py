import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CamerasConfig(AppConfig):
    name = "precinct.cameras"
    label = "cameras"
    verbose_name = _("Cameras")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Periodic jobs, queued by `manage.py scheduler` (docs/adr/0024-scheduler.md).
        from precinct.core import schedule

        schedule.register(
            "cameras.health",
            task="precinct.cameras.tasks.cameras_health_task",
            every=datetime.timedelta(minutes=1),
            description="Recorders offline past their grace period, and back online",
        )
        schedule.register(
            "cameras.inbox",
            task="precinct.cameras.tasks.cameras_inbox_task",
            every=datetime.timedelta(minutes=1),
            description="Turn recorders' messages left in the inbox into events and alerts",
        )
        schedule.register(
            "cameras.evidence",
            task="precinct.cameras.tasks.cameras_evidence_task",
            every=datetime.timedelta(minutes=1),
            description="Fetch alerts' snapshots that are due (retries, late snapshots, lost tasks)",
        )
        schedule.register(
            "cameras.escalation",
            task="precinct.cameras.tasks.cameras_escalation_task",
            every=datetime.timedelta(minutes=1),
            description="Alerts not acknowledged within CAMERAS_ACK_MINUTES go to the ward's leader, once",
        )
        schedule.register(
            "cameras.retention",
            task="precinct.cameras.tasks.cameras_retention_task",
            every=datetime.timedelta(days=1),
            description=(
                "Delete snapshots past their retention (those of incidents and crime reports are kept), prune the "
                "inbox, archive old months of events"
            ),
        )

        from precinct.cameras.escalation import alert_links
        from precinct.notifications.links import register_link

        register_link("camera_alert", alert_links)
        register_link("camera_alert_escalated", alert_links)

        from precinct.cameras import metrics

        metrics.register()

        from precinct.cameras import partitions
        from precinct.core.partitions import register_archive_rules

        register_archive_rules(partitions.TABLE, partitions.ARCHIVE_RULES)
