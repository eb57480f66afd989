"""Subscribe to the recorders' MQTT broker (MQTT_URL) and store their messages in the inbox."""

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from precinct.cameras.listener import listen


class Command(BaseCommand):
    help = "Store Frigate MQTT messages (events, availability) in the cameras inbox; `cameras_work` processes them."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="", help="mqtt://host:1883 (default: MQTT_URL)")

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"] or settings.MQTT_URL
        if not url:
            raise CommandError(
                "MQTT_URL is empty: set it (e.g. MQTT_URL=mqtt://127.0.0.1:1883) to connect to a broker, or let "
                "recorders post to the webhook POST /api/v1/cameras/events."
            )
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(f"Listening on {url} (Ctrl-C stops)")
        stored = listen(url=url, client_id=settings.CAMERAS_MQTT_CLIENT_ID, stop=stop)
        self.stdout.write(f"Stopped; {stored} messages stored.")
