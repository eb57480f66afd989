import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "precinct.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # notifications_notification is partitioned by month on PostgreSQL (docs/adr/0043): a month still holding
        # a message to send is not archived (its keys stay in NotificationKey either way).
        from precinct.core import partitions

        partitions.register_archive_rules(
            "notifications_notification", partitions.ArchiveRules(refuse_while="status = 'queued'")
        )

        # Periodic jobs, queued by `manage.py scheduler` (docs/adr/0024-scheduler.md).
        from precinct.core import schedule

        schedule.register(
            "notifications.catch_up",
            task="precinct.notifications.tasks.notifications_catch_up_task",
            every=datetime.timedelta(minutes=1),
            description="Compose and deliver what a dead worker or a lost queue left pending or queued",
        )
        schedule.register(
            "notifications.trim_keys",
            task="precinct.notifications.tasks.notifications_trim_keys_task",
            every=datetime.timedelta(days=1),
            description="Forget the once-per-key records older than NOTIFICATION_KEYS_KEEP_DAYS",
        )
