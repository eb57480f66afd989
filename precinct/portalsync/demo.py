"""The portal sync has no demo data of its own: demo dossiers write their events as anyone's do. This
reports where the sync stands, so whoever runs `make run` knows why nothing is sent."""

from typing import Any

from django.conf import settings

from precinct.core.demo import DemoAccount
from precinct.portalsync.models import OutboxEvent, OutboxState


def seed(*, stdout: Any) -> list[DemoAccount]:
    waiting = OutboxEvent.objects.filter(state=OutboxState.PENDING).count()
    if settings.PORTAL_SYNC_URL:
        stdout.write(f"National portal sync: on; {waiting} events waiting (run `manage.py portal_sync`).")
    else:
        stdout.write(
            f"National portal sync: off (PORTAL_SYNC_URL is empty); {waiting} events waiting in the outbox, "
            "administrators see them at /portal-sync/."
        )
    return []
