"""The duty console's live stream (server-sent events, ADR 0036): tells an open console that the open alerts in
its viewer's reach changed, so the page re-fetches its alert list at once instead of every few seconds.

Each stream polls one indexed aggregate over the viewer's open alerts (`cameras_alert_console`: unit path,
status) every `CAMERAS_STREAM_POLL_SECONDS` and sends an `alerts` event when the answer differs from the
last one sent. The event's `id:` is that answer (a token), so a reconnecting EventSource sends it back as
`Last-Event-ID` and is told at once of anything that changed while it was away. A stream lives
`CAMERAS_STREAM_SECONDS` and then ends (the browser reconnects after `retry:`), so a held thread is given back
and a viewer whose roles changed is re-scoped; a comment line every `CAMERAS_STREAM_HEARTBEAT_SECONDS` keeps
proxies from closing an idle stream and lets the server notice a console that went away."""

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.db.models import Count, Max
from django.http import HttpRequest, StreamingHttpResponse

from precinct.cameras import selectors
from precinct.cameras.permissions import can_view_console
from precinct.core.actors import Actor
from precinct.core.errors import PermissionDenied
from precinct.core.serial import serial

logger = logging.getLogger(__name__)

RETRY_MS = 500  # how soon the browser reconnects after a stream ends or breaks


@dataclass(frozen=True)
class Snapshot:
    """What the console shows, summed up: the newest open alert, how many are open, the latest change."""

    newest: int
    count: int
    changed: str

    @property
    def token(self) -> str:
        digest = hashlib.sha256(f"{self.count}|{self.changed}".encode()).hexdigest()[:12]
        return f"{self.newest}-{digest}"


# The latest value of each says an open alert changed in a way its card shows: acknowledged, sent to the
# leader, forces dispatched, its snapshot stored (a new or closed alert changes the newest id or the count).
_CHANGE_FIELDS = ["acknowledged_at", "escalated_at", "dispatches__dispatched_at", "snapshot__fetched_at"]


def console_snapshot(*, actor: Actor) -> Snapshot:
    """One aggregate over the open alerts the actor's console shows (the console's own selector)."""
    aggregates = {"newest": Max("id"), "count": Count("id", distinct=True)}  # distinct: dispatches join
    aggregates.update({f"c_{name}": Max(name) for name in _CHANGE_FIELDS})
    row = selectors.alert_list(actor=actor).order_by().aggregate(**aggregates)
    changed = "|".join(str(row[f"c_{name}"]) for name in _CHANGE_FIELDS)
    return Snapshot(newest=row["newest"] or 0, count=row["count"], changed=changed)


def parse_token(value: str) -> tuple[int, str] | None:
    """A token sent back by a reconnecting browser (`Last-Event-ID`): the newest alert id and the digest."""
    newest, _, digest = value.strip().partition("-")
    if not newest.isdigit() or len(newest) > 18 or len(digest) != 12:
        return None
    return int(newest), digest


def _event(snapshot: Snapshot, *, kind: str, new: bool) -> str:
    data = json.dumps({"new": new, "open": snapshot.count, "newest": snapshot.newest})
    return f"id: {snapshot.token}\nevent: {kind}\ndata: {data}\n\n"


def console_events(
    *,
    actor: Actor,
    last: str = "",
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[str]:
    """The stream's lines. The first event is `hello` (nothing known, or nothing changed since `last`) or
    `alerts` (something changed since the token the browser last saw); then `alerts` on each change."""
    poll = settings.CAMERAS_STREAM_POLL_SECONDS
    heartbeat = settings.CAMERAS_STREAM_HEARTBEAT_SECONDS
    end = clock() + settings.CAMERAS_STREAM_SECONDS
    yield f"retry: {RETRY_MS}\n\n"
    with serial():
        current = console_snapshot(actor=actor)
    seen = parse_token(last)
    if seen is None or seen == (current.newest, current.token.partition("-")[2]):
        yield _event(current, kind="hello", new=False)
    else:
        yield _event(current, kind="alerts", new=current.newest > seen[0])
    beat = clock() + heartbeat
    while clock() < end:
        sleep(poll)
        try:
            with serial():  # between requests on a test server's one in-memory connection; a no-op elsewhere
                snapshot = console_snapshot(actor=actor)
        except DatabaseError:
            logger.warning("console stream ended by a database error; the browser reconnects", exc_info=True)
            return  # the browser reconnects after `retry:` with its last token: nothing is missed
        if snapshot != current:
            yield _event(snapshot, kind="alerts", new=snapshot.newest > current.newest)
            current = snapshot
            beat = clock() + heartbeat
        elif clock() >= beat:
            yield ": keep-alive\n\n"
            beat = clock() + heartbeat
    yield _event(current, kind="bye", new=False)


@login_required
def console_stream(request: HttpRequest) -> StreamingHttpResponse:
    """`GET /cameras/console/stream`: text/event-stream for the viewer's console."""
    if not can_view_console(request.user):
        raise PermissionDenied()
    last = request.headers.get("Last-Event-ID") or request.GET.get("last", "")
    response = StreamingHttpResponse(
        console_events(actor=request.user, last=last[:64]), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response
