"""Destroy the content of crime reports whose retention has ended (run daily, e.g. from a timer)."""

from typing import Any

from django.core.management.base import BaseCommand

from precinct.tips.services.retention import tips_expire_due


class Command(BaseCommand):
    help = "Expire crime reports past their retention: content, files and keys destroyed, a tombstone kept."

    def handle(self, *args: Any, **options: Any) -> None:
        done = tips_expire_due()
        self.stdout.write(f"Expired {len(done)} report(s)." + (f" {', '.join(done)}" if done else ""))
