"""Delivering outbox rows to the national portal: at least once, in order per dossier, idempotent by key.

One pass (`sync_pass`) repeats batches until nothing is due:

- PostgreSQL: a batch is claimed with `SELECT … FOR UPDATE SKIP LOCKED` inside a transaction that stays
  open while its rows are sent, so several workers never send the same row at once; the outcomes are
  written in the same transaction. A worker killed mid-batch leaves its rows pending (the transaction rolls
  back): the next worker sends them again, and the receiver drops the repeats by idempotency key.
- SQLite: one worker at a time (a file lock); the batch is read, sent, and its outcomes written in one
  short transaction (SQLite has a single writer, which must not wait on the network).

A row is due when it is pending, its next attempt time has come, and no earlier row of the same dossier is
still pending or dead: a later status never overtakes an earlier one. Failures are retried with exponential
back-off and jitter up to `PORTAL_SYNC_MAX_ATTEMPTS`; then the row is a dead letter (and holds back its
dossier's later events) until an administrator retries or discards it.
"""

import contextlib
import datetime
import fcntl
import http.client
import json
import logging
import random
import ssl
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from precinct.portalsync.models import BLOCKING_STATES, OutboxEvent, OutboxState

logger = logging.getLogger(__name__)

# Answers worth trying again: the receiver may be overloaded, restarting, or misconfigured for a while.
RETRYABLE_STATUSES = {401, 403, 408, 409, 425, 429, 500, 502, 503, 504}
UPDATED_FIELDS = ["state", "attempts", "next_attempt_at", "delivered_at", "last_http_status", "last_error"]


@dataclass(frozen=True)
class Config:
    url: str
    token: str
    timeout: float
    max_attempts: int
    backoff: float
    backoff_max: float
    batch: int

    @classmethod
    def from_settings(cls) -> "Config":
        return cls(
            url=settings.PORTAL_SYNC_URL,
            token=settings.PORTAL_SYNC_TOKEN,
            timeout=settings.PORTAL_SYNC_TIMEOUT,
            max_attempts=max(1, settings.PORTAL_SYNC_MAX_ATTEMPTS),
            backoff=settings.PORTAL_SYNC_BACKOFF_SECONDS,
            backoff_max=settings.PORTAL_SYNC_BACKOFF_MAX_SECONDS,
            batch=max(1, settings.PORTAL_SYNC_BATCH),
        )

    @property
    def enabled(self) -> bool:
        return bool(self.url)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    http_status: int | None = None
    error: str = ""
    retryable: bool = True
    retry_after: float | None = None


@dataclass
class PassResult:
    enabled: bool = True
    delivered: int = 0
    failed: int = 0  # attempts that failed and will be retried
    dead: int = 0  # rows that became dead letters in this pass
    batches: int = 0
    busy: bool = False  # SQLite: another worker holds the lock
    errors: list[str] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return self.delivered + self.failed + self.dead

    def as_dict(self) -> dict[str, object]:
        return {
            "enabled": self.enabled,
            "delivered": self.delivered,
            "failed": self.failed,
            "dead": self.dead,
            "batches": self.batches,
            "busy": self.busy,
        }


def backoff_delay(attempts: int, *, base: float, cap: float) -> float:
    """Exponential back-off with 'equal jitter': half the step fixed, half random, so that a crowd of
    failed rows does not come back at the same instant."""
    step = min(cap, base * (2 ** max(attempts - 1, 0)))
    return step / 2 + random.uniform(0, step / 2)  # noqa: S311  (jitter, not cryptography)


class PortalClient:
    """POSTs JSON to the endpoint over one kept-alive connection (the standard library's http.client)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        parts = urllib.parse.urlsplit(config.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("PORTAL_SYNC_URL must be an http:// or https:// address")
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.conn: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self.https:
            return http.client.HTTPSConnection(
                self.host, self.port, timeout=self.config.timeout, context=ssl.create_default_context()
            )
        return http.client.HTTPConnection(self.host, self.port, timeout=self.config.timeout)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def send(self, event: OutboxEvent) -> Outcome:
        body = json.dumps(event.payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": str(event.key),
            "User-Agent": "Precinct-portal-sync/1",
        }
        if self.config.token:
            headers["Authorization"] = f"Bearer {self.config.token}"
        for first_try in (True, False):
            reused = self.conn is not None
            try:
                return self._post(body, headers)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self.close()
                if reused and first_try:
                    # A kept-alive connection the server had closed meanwhile: once more on a fresh one
                    # (the key makes a repeat harmless if the first copy did arrive).
                    continue
                return Outcome(ok=False, error=f"connection dropped: {exc.__class__.__name__}")
            except TimeoutError:
                self.close()
                return Outcome(ok=False, error=f"no answer within {self.config.timeout:g} s")
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                return Outcome(ok=False, error=f"{exc.__class__.__name__}: {exc}"[:500])
        raise AssertionError("unreachable")

    def _post(self, body: bytes, headers: dict[str, str]) -> Outcome:
        if self.conn is None:
            self.conn = self._connect()
        self.conn.request("POST", self.path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read(2000).decode("utf-8", "replace")
        if response.will_close:
            self.close()
        else:
            response.read()  # drain, so the connection can carry the next request
        if 200 <= response.status < 300:
            return Outcome(ok=True, http_status=response.status)
        retry_after = None
        with contextlib.suppress(TypeError, ValueError):
            retry_after = float(response.getheader("Retry-After", ""))
        return Outcome(
            ok=False,
            http_status=response.status,
            error=f"HTTP {response.status}: {text.strip()[:400]}",
            retryable=response.status in RETRYABLE_STATUSES or response.status >= 500,
            retry_after=retry_after,
        )


def due_events(now: object = None) -> QuerySet[OutboxEvent]:
    """Pending rows whose time has come and whose dossier has no earlier row pending or dead."""
    earlier = OutboxEvent.objects.filter(
        dossier_id=OuterRef("dossier_id"), id__lt=OuterRef("id"), state__in=BLOCKING_STATES
    )
    return (
        OutboxEvent.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=now or timezone.now())
        .filter(~Exists(earlier))
        .order_by("id")
    )


def apply_outcome(event: OutboxEvent, outcome: Outcome, config: Config) -> str:
    """Record one attempt on the row (not saved); answers the row's new state."""
    now = timezone.now()
    event.attempts += 1
    event.last_http_status = outcome.http_status
    if outcome.ok:
        event.state = OutboxState.DELIVERED
        event.delivered_at = now
        event.last_error = ""
        return event.state
    event.last_error = outcome.error[:500]
    if not outcome.retryable or event.attempts >= config.max_attempts:
        event.state = OutboxState.DEAD
        logger.error("Portal sync: event %s of %s is a dead letter: %s", event.key, event.dossier_code, outcome.error)
        return event.state
    delay = backoff_delay(event.attempts, base=config.backoff, cap=config.backoff_max)
    if outcome.retry_after is not None:
        delay = max(delay, min(outcome.retry_after, config.backoff_max))
    event.next_attempt_at = now + datetime.timedelta(seconds=delay)
    logger.warning(
        "Portal sync: event %s of %s failed (attempt %d, again in %.1f s): %s",
        event.key,
        event.dossier_code,
        event.attempts,
        delay,
        outcome.error,
    )
    return event.state


def _count(result: PassResult, state: str) -> None:
    if state == OutboxState.DELIVERED:
        result.delivered += 1
    elif state == OutboxState.DEAD:
        result.dead += 1
    else:
        result.failed += 1


def run_batch(client: PortalClient, config: Config, result: PassResult) -> int:
    """Claim, send and record one batch; answers how many rows it held."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            events = list(due_events().select_for_update(skip_locked=True)[: config.batch])
            for event in events:
                _count(result, apply_outcome(event, client.send(event), config))
            if events:
                OutboxEvent.objects.bulk_update(events, UPDATED_FIELDS)
        return len(events)
    events = list(due_events()[: config.batch])
    for event in events:
        _count(result, apply_outcome(event, client.send(event), config))
    if events:
        with transaction.atomic():
            OutboxEvent.objects.bulk_update(events, UPDATED_FIELDS)
    return len(events)


class WorkerBusy(Exception):
    """SQLite allows one sync worker; another one holds the lock."""


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on `path` for as long as the block runs (released by the OS if the process dies)."""
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise WorkerBusy(str(path)) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def single_worker() -> Iterator[None]:
    """On SQLite, a lock on a file beside the database (PostgreSQL needs none: SKIP LOCKED)."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "postgresql" or not name or ":memory:" in name or "mode=memory" in name:
        yield
        return
    with file_lock(Path(name + ".portal_sync.lock")):
        yield


def sync_pass(*, config: Config | None = None, client: PortalClient | None = None, max_batches: int = 0) -> PassResult:
    """Send everything due now, a batch at a time, until nothing is due (or `max_batches` ran)."""
    config = config or Config.from_settings()
    result = PassResult(enabled=config.enabled)
    if not config.enabled:
        return result
    own_client = client is None
    client = client or PortalClient(config)
    try:
        while True:
            if not run_batch(client, config, result):
                break
            result.batches += 1
            if max_batches and result.batches >= max_batches:
                break
    finally:
        if own_client:
            client.close()
    return result
