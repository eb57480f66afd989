"""Retention of the cameras (the daily job `cameras.retention` does the same): snapshots past their retention,
the inbox's old raw messages, and whole months of events (PostgreSQL, ADR 0044)."""

from typing import Any

from django.core.management.base import BaseCommand

from precinct.cameras.retention import cameras_retention


class Command(BaseCommand):
    help = (
        "Delete camera snapshots past their retention (those handed on as evidence are kept), prune the inbox of "
        "raw recorder messages, and archive the months of events older than CAMERAS_EVENT_RETENTION_MONTHS."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = cameras_retention()
        snapshots, inbox, events = counts["snapshots"], counts["inbox"], counts["events"]
        self.stdout.write(
            f"Snapshots deleted: {snapshots['deleted']}; kept for incidents or crime reports: "
            f"{snapshots['kept_for_cases']}."
        )
        self.stdout.write(f"Inbox messages deleted: {inbox['done']} processed, {inbox['refused']} refused.")
        self.stdout.write(
            f"Months of events archived: {', '.join(events['months']) or 'none'} ({events['rows']} events left, "
            f"{events['kept']} kept for incidents or crime reports)."
        )
        for month, reason in events["refused"].items():
            self.stdout.write(f"Month {month} not archived: {reason}")
