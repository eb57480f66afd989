import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipsConfig(AppConfig):
    name = "precinct.tips"
    label = "tips"
    verbose_name = _("Crime reports")

    def ready(self) -> None:
        # Periodic jobs, queued by `manage.py scheduler` (docs/adr/0024-scheduler.md).
        from precinct.core import schedule
        from precinct.notifications.links import register_link
        from precinct.tips.links import NEWS_KINDS, event_links

        for kind in NEWS_KINDS:
            register_link(kind, event_links)

        schedule.register(
            "tips.expire",
            task="precinct.tips.tasks.tips_expire_task",
            every=datetime.timedelta(days=1),
            description="Destroy the content of crime reports past their retention",
        )
