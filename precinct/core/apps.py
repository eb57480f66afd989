import datetime

from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    name = "precinct.core"
    label = "core"
    verbose_name = "Precinct"

    def ready(self) -> None:
        from precinct.core import schedule
        from precinct.core.metrics import register_core_gauges

        register_core_gauges()

        schedule.register(
            "core.idempotency_purge",
            task="precinct.core.tasks.idempotency_purge_task",
            every=datetime.timedelta(hours=1),
            description="Delete Idempotency-Key records past IDEMPOTENCY_KEY_TTL_SECONDS",
        )
        schedule.register(
            "core.partitions_ahead",
            task="precinct.core.tasks.partitions_ensure_task",
            every=datetime.timedelta(days=1),
            description="Create the monthly partitions of the append-only tables PRECINCT_PARTITION_MONTHS_AHEAD ahead",
        )
        # Only django-tasks-db leaves rows "running" behind a dead worker; another backend has its own way.
        if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
            schedule.register(
                "core.recover_stuck_tasks",
                task="precinct.core.tasks.tasks_recover_stuck_task",
                every=datetime.timedelta(minutes=1),
                description="Put back in the queue tasks a dead worker left running",
            )
