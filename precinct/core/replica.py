"""Reads of dashboards, reports, public figures and exports from a streaming replica (ADR 0031).

`DATABASE_REPLICA_URL` adds the database alias `replica`. Nothing reads from it unless a stretch of code says so
with `reads_from_replica()` (a context manager, or a decorator on a view): reads by model would also send the
reads of a write to a copy that has not seen the write yet. Inside that stretch `ReplicaRouter` sends reads to
the replica, except

- inside a transaction on the primary (`transaction.atomic`: a read that decides a write), and
- after anything in the stretch wrote (the rest of a request that writes reads its own writes);

and the stretch reads from the primary from the start when the replica is down or replays more than
`DATABASE_REPLICA_MAX_LAG` seconds behind (checked at most every `DATABASE_REPLICA_CHECK_SECONDS` per process).
A view that fell back says so in the page's footer for officers (`replica_notice` in templates). A view whose
replica fails in the middle (the check was a few seconds old) is answered again from the primary, once, when
nothing in it wrote.
"""

import contextvars
import functools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"
logger = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

# Lag: zero when everything received has been replayed and the stream is up (an idle primary writes nothing,
# so the last replayed transaction's age alone would call a caught-up replica late); otherwise the age of
# the last replayed transaction. NULL on a server that is not in recovery (a primary named as the replica).
LAG_SQL = """
SELECT CASE WHEN NOT pg_is_in_recovery() THEN NULL
            WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
                 AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9) END
"""


@dataclass(frozen=True, slots=True)
class Health:
    usable: bool
    reason: str  # "" | "down" | "lag"
    lag: float | None


@dataclass(slots=True)
class ReplicaReads:
    """One stretch of reads: where they go, and why not the replica when they do not."""

    use: bool
    reason: str = ""
    lag: float | None = None
    wrote: bool = False

    @property
    def fell_back(self) -> bool:
        return bool(self.reason)


_current: contextvars.ContextVar[ReplicaReads | None] = contextvars.ContextVar("precinct_replica", default=None)
_checked: dict[str, tuple[float, Health]] = {}


def configured() -> bool:
    return REPLICA in connections.settings


def check(*, fresh: bool = False) -> Health:
    """Is the replica usable now? Cached per process for DATABASE_REPLICA_CHECK_SECONDS."""
    now = time.monotonic()
    cached = _checked.get(REPLICA)
    if cached and not fresh and now - cached[0] < settings.DATABASE_REPLICA_CHECK_SECONDS:
        return cached[1]
    health = _measure()
    _checked[REPLICA] = (now, health)
    if not health.usable:
        logger.warning("replica not used: %s (lag %s s)", health.reason, health.lag)
    return health


def _measure() -> Health:
    connection = connections[REPLICA]
    try:
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                return Health(True, "", 0.0)
            cursor.execute(LAG_SQL)
            row = cursor.fetchone()
    except DatabaseError:
        connection.close()  # a broken connection is not reused by the next check
        return Health(False, "down", None)
    lag = float(row[0]) if row and row[0] is not None else 0.0
    if lag > settings.DATABASE_REPLICA_MAX_LAG:
        return Health(False, "lag", lag)
    return Health(True, "", lag)


def lag_metrics() -> tuple[float, float] | None:
    """For /metrics (measured now, not the cached check): (lag in seconds, up 1 or 0), with the lag -1 while
    the replica cannot be reached; None when no replica is configured (the figures are then absent)."""
    if not configured():
        return None
    health = _measure()
    if health.reason == "down":
        return -1.0, 0.0
    return float(health.lag or 0.0), 1.0


def forget() -> None:
    """Drop the cached check (tests; an operator's action)."""
    _checked.clear()


@contextmanager
def _stretch() -> Iterator[ReplicaReads]:
    if not configured():
        reads = ReplicaReads(use=False)
    else:
        health = check()
        reads = ReplicaReads(use=health.usable, reason=health.reason, lag=health.lag)
    token = _current.set(reads)
    try:
        yield reads
    finally:
        _current.reset(token)


class reads_from_replica:
    """Reads in this stretch may come from the replica (see the module's docstring)."""

    def __enter__(self) -> ReplicaReads:
        self._cm = _stretch()
        return self._cm.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._cm.__exit__(*exc)  # type: ignore[arg-type]

    def __call__(self, view: F) -> F:
        @functools.wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            with _stretch() as reads:
                request.replica_reads = reads
                try:
                    return view(request, *args, **kwargs)
                except DatabaseError:
                    if not reads.use or reads.wrote or not configured() or check(fresh=True).usable:
                        raise
            # The replica failed under this view (down since the last check): the same reads, from the primary.
            health = check()
            reads = ReplicaReads(use=False, reason=health.reason or "down", lag=health.lag)
            token = _current.set(reads)
            try:
                request.replica_reads = reads
                return view(request, *args, **kwargs)
            finally:
                _current.reset(token)

        return wrapper  # type: ignore[return-value]


class ReplicaRouter:
    """Installed when DATABASE_REPLICA_URL is set (config/settings.py)."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        reads = _current.get()
        if reads is None or not reads.use or reads.wrote or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        reads = _current.get()
        if reads is not None:
            reads.wrote = True  # the rest of the stretch reads its own writes
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same rows on both

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db != REPLICA  # the replica replays the primary's schema
