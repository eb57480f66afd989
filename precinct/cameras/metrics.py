"""Camera ingest figures for /metrics (registered in CamerasConfig.ready()). Messages received is the inbox's
highest id, a counter that only grows (Prometheus' rate() of it is the ingest rate) and costs one index look-up;
the backlog is a count over the pending partial index."""

from collections.abc import Iterator

from django.db.models import Max, Min

from precinct.cameras.models import InboxMessage, InboxState
from precinct.core.metrics import Sample, register_gauge, seconds_since


def _received() -> Iterator[Sample]:
    yield Sample((), InboxMessage.objects.aggregate(last=Max("id"))["last"] or 0)


def _pending() -> Iterator[Sample]:
    pending = InboxMessage.objects.filter(state=InboxState.PENDING)
    yield Sample(("count",), pending.count())
    yield Sample(("oldest_age_seconds",), seconds_since(pending.aggregate(at=Min("received_at"))["at"]))


def register() -> None:
    register_gauge(
        "precinct_camera_inbox_received_total",
        help="Recorder messages received (MQTT and webhook) since the start: rate() gives the ingest rate.",
        read=_received,
    )
    register_gauge(
        "precinct_camera_inbox_pending",
        help="Recorder messages waiting for the ingest worker.",
        labels=["figure"],
        read=_pending,
    )
