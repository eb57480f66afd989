import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "precinct.planning"
    label = "planning"
    verbose_name = _("Plans and targets")

    def ready(self) -> None:
        # Periodic jobs, queued by `manage.py scheduler` (docs/adr/0024-scheduler.md).
        from precinct.core import schedule
        from precinct.notifications.links import register_link
        from precinct.planning.links import KINDS, task_links

        for kind in KINDS:
            register_link(kind, task_links)

        schedule.register(
            "planning.reminders",
            task="precinct.planning.tasks.reminder_sweep_task",
            every=datetime.timedelta(hours=1),
            description="Tasks due soon, recurring periods not reported, late tasks told to the lead unit's leaders",
        )
