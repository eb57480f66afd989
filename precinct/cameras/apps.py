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

        from precinct.cameras import metrics

        metrics.register()
