"""Snapshots as evidence: fetched once from the recorder as Frigate serves them
(`<base>/api/events/<id>/snapshot.jpg`), with a timeout and a size limit, stored under MEDIA with their
SHA-256, size, type and time; failures recorded and retried a bounded number of times; every officer's view
of one audited. Deleting them after their retention is `retention.py`."""

import datetime
import hashlib
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.audit.services import audit_record
from precinct.cameras import events
from precinct.cameras.models import OPEN_ALERT_STATES, Alert, AlertKind, Snapshot, SnapshotState
from precinct.core.actors import Actor
from precinct.core.errors import DomainError

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4  # then the snapshot is marked failed (the recorder keeps its own copy for a while)
RETRY_AFTER = datetime.timedelta(minutes=1)  # doubled after each failure: 1, 2, 4 minutes
# What a recorder may answer, and how such a file starts (the type is checked against the bytes).
MAGIC = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
EXTENSION = {"image/jpeg": "jpg", "image/png": "png"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A recorder answers its own snapshot; a redirect elsewhere is refused rather than followed."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# No proxy from the environment: recorders are reached directly (LAN or VPN), never through a proxy.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def snapshot_url(alert: Alert) -> str:
    recorder = alert.camera.recorder if alert.camera else None
    if alert.event is None or recorder is None or not recorder.http_base_url:
        return ""
    event_id = quote(alert.event.external_id, safe="")
    return f"{recorder.http_base_url.rstrip('/')}/api/events/{event_id}/snapshot.jpg"


def _queue_fetch(snapshot_id: int) -> None:
    def enqueue() -> None:
        from precinct.cameras.tasks import cameras_snapshot_task

        try:
            cameras_snapshot_task.enqueue(snapshot_id)
        except Exception:  # the queue down must not fail the ingest; the evidence sweep fetches it later
            logger.exception("Could not queue the snapshot fetch %s", snapshot_id)

    transaction.on_commit(enqueue)


def snapshot_request(alert: Alert) -> Snapshot | None:
    """Inside the transaction that raised (or found) a detection alert: note the snapshot to fetch when the
    event has one and the recorder serves HTTP, and queue the fetch after the commit. Idempotent."""
    if alert.kind != AlertKind.DETECTION or alert.event is None or not alert.event.has_snapshot:
        return None
    url = snapshot_url(alert)
    if not url:
        return None
    snapshot, created = Snapshot.objects.get_or_create(
        alert=alert, defaults={"unit_path": alert.unit_path, "source_url": url, "next_attempt_at": timezone.now()}
    )
    if created:
        audit_record(actor=None, action="cameras.snapshot_request", target=snapshot, unit=alert.unit)
        _queue_fetch(snapshot.pk)
    return snapshot


@dataclass(frozen=True)
class Fetched:
    body: bytes
    content_type: str


class FetchFailed(Exception):
    pass


def _download(url: str) -> Fetched:
    limit = settings.CAMERAS_SNAPSHOT_MAX_BYTES
    try:
        with _opener.open(url, timeout=settings.CAMERAS_SNAPSHOT_TIMEOUT_SECONDS) as response:
            if response.status != 200:
                raise FetchFailed(f"HTTP {response.status}")
            content_type = response.headers.get_content_type()
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise FetchFailed(f"too large: {declared} bytes")
            body = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise FetchFailed(f"HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise FetchFailed(str(getattr(exc, "reason", exc))[:150] or type(exc).__name__) from None
    if len(body) > limit:
        raise FetchFailed(f"too large: over {limit} bytes")
    if content_type not in MAGIC or not body.startswith(MAGIC[content_type]):
        raise FetchFailed(f"not an image: {content_type}")
    return Fetched(body=body, content_type=content_type)


def _keep(snapshot: Snapshot, fetched: Fetched) -> None:
    """Store the file and its facts on the (locked, pending) snapshot row, and say so in the timeline."""
    snapshot.sha256 = hashlib.sha256(fetched.body).hexdigest()
    snapshot.size = len(fetched.body)
    snapshot.content_type = fetched.content_type
    snapshot.fetched_at = timezone.now()
    snapshot.state = SnapshotState.STORED
    snapshot.last_error = ""
    snapshot.next_attempt_at = None
    name = f"alert-{snapshot.alert_id}-{snapshot.sha256[:12]}.{EXTENSION[fetched.content_type]}"
    snapshot.file.save(name, ContentFile(fetched.body), save=False)
    events.snapshot(snapshot.alert, f"SHA-256 {snapshot.sha256}")


@transaction.atomic
def snapshot_store(*, alert: Alert, body: bytes, content_type: str, source_url: str) -> Snapshot:
    """Store a snapshot the system already holds (the demo data's generated image), as a fetch would."""
    if content_type not in MAGIC or not body.startswith(MAGIC[content_type]):
        raise ValueError("not a JPEG or PNG")
    snapshot, _ = Snapshot.objects.select_for_update().get_or_create(
        alert=alert, defaults={"unit_path": alert.unit_path, "source_url": source_url}
    )
    if snapshot.state == SnapshotState.PENDING:
        snapshot.attempts += 1
        _keep(snapshot, Fetched(body=body, content_type=content_type))
        snapshot.save()
        audit_record(
            actor=None,
            action="cameras.snapshot_fetch",
            target=snapshot,
            unit=alert.unit,
            after={"state": snapshot.state, "sha256": snapshot.sha256},
        )
    return snapshot


def snapshot_fetch(*, snapshot_id: int) -> str:
    """Fetch one snapshot if it is still waiting and due (the HTTP request is made outside any transaction),
    then store the file and its facts, or record the failure and when to try again. Returns the state."""
    snapshot = Snapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is None or snapshot.state != SnapshotState.PENDING:
        return snapshot.state if snapshot else "missing"
    try:
        fetched: Fetched | None = _download(snapshot.source_url)
        error = ""
    except FetchFailed as exc:
        fetched, error = None, str(exc)
    with transaction.atomic():
        snapshot = Snapshot.objects.select_for_update().select_related("alert", "alert__unit").get(pk=snapshot_id)
        if snapshot.state != SnapshotState.PENDING:  # another worker stored it meanwhile
            return snapshot.state
        alert, now = snapshot.alert, timezone.now()
        snapshot.attempts += 1
        if fetched is not None:
            _keep(snapshot, fetched)
        else:
            snapshot.last_error = error[:200]
            if snapshot.attempts >= MAX_ATTEMPTS:
                snapshot.state = SnapshotState.FAILED
                snapshot.next_attempt_at = None
                events.snapshot(alert, error[:200])
            else:
                snapshot.next_attempt_at = now + RETRY_AFTER * 2 ** (snapshot.attempts - 1)
        snapshot.save()
        audit_record(
            actor=None,
            action="cameras.snapshot_fetch",
            target=snapshot,
            unit=alert.unit,
            after={"state": snapshot.state, "attempt": snapshot.attempts, "sha256": snapshot.sha256, "error": error},
        )
    return str(snapshot.state)


def evidence_sweep(*, limit: int = 50) -> dict[str, int]:
    """The periodic job: note snapshots that came after the alert (Frigate sets `has_snapshot` on an update),
    and fetch those due (a retry, or a fetch whose task was lost)."""
    since = timezone.now() - datetime.timedelta(days=1)
    noted = 0
    missing = Alert.objects.filter(
        kind=AlertKind.DETECTION,
        status__in=OPEN_ALERT_STATES,
        raised_at__gte=since,
        event__has_snapshot=True,
        snapshot__isnull=True,
    ).select_related("unit", "event", "camera__recorder")[:limit]
    for alert in missing:
        with transaction.atomic():
            noted += snapshot_request(alert) is not None
    due = Snapshot.objects.filter(state=SnapshotState.PENDING, next_attempt_at__lte=timezone.now())
    states = [
        snapshot_fetch(snapshot_id=pk) for pk in due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    ]
    return {"noted": noted, "stored": states.count(SnapshotState.STORED), "failed": states.count(SnapshotState.FAILED)}


def snapshot_open(*, actor: Actor, alert: Alert) -> tuple[bytes, str]:
    """An officer views an alert's snapshot: the alert comes from the scoped selector (the officer's reach),
    and the view is audited. Returns the bytes and their type."""
    snapshot = Snapshot.objects.filter(alert=alert, state=SnapshotState.STORED).first()
    if snapshot is None or not snapshot.file:
        raise DomainError("no_snapshot", _("This alert has no stored snapshot."), status=404)
    with snapshot.file.open("rb") as handle:
        body = handle.read()
    if hashlib.sha256(body).hexdigest() != snapshot.sha256:  # the stored file is not what was fetched
        raise DomainError("snapshot_altered", _("The stored snapshot does not match its recorded SHA-256."), status=409)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="cameras.snapshot_view",
            target=snapshot,
            unit=alert.unit,
            after={"sha256": snapshot.sha256},
        )
    return body, snapshot.content_type
