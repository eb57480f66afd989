from typing import Any

from django.core.management.base import BaseCommand

from precinct.notifications.services import notifications_compose_pending, notifications_deliver_queued


class Command(BaseCommand):
    help = (
        "Compose what is pending and deliver every queued notification (retries failed ones up to their limit); "
        "suitable for a timer."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = notifications_compose_pending() + notifications_deliver_queued()
        self.stdout.write(f"{sent} notification(s) sent")
