"""The outbox's figures for /metrics (registered in PortalSyncConfig.ready()): events waiting, the age of the
oldest, and dead letters. Each is one count over a partial index."""

from collections.abc import Iterator

from django.db.models import Count, Min

from precinct.core.metrics import Sample, register_gauge, seconds_since
from precinct.portalsync.models import OutboxEvent, OutboxState


def _backlog() -> Iterator[Sample]:
    for row in (
        OutboxEvent.objects.filter(state__in=[OutboxState.PENDING, OutboxState.DEAD])
        .values("state")
        .annotate(n=Count("id"))
    ):
        yield Sample((row["state"],), row["n"])


def _oldest() -> Iterator[Sample]:
    oldest = OutboxEvent.objects.filter(state=OutboxState.PENDING).aggregate(at=Min("created_at"))["at"]
    yield Sample((), seconds_since(oldest))


def register() -> None:
    register_gauge(
        "precinct_outbox_events",
        help="National-portal outbox events not delivered, by state.",
        labels=["state"],
        read=_backlog,
    )
    register_gauge(
        "precinct_outbox_oldest_pending_age_seconds", help="Age of the oldest outbox event waiting.", read=_oldest
    )
