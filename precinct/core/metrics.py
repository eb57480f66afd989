"""Prometheus metrics (`/metrics`, docs/OPERATIONS.md): requests by route and status with their latency,
and figures read when the page is scraped (task queue depth and age per task, database connections, and
whatever the apps register: the portal outbox backlog, camera ingest).

The kernel imports no app: an app registers its figures in `AppConfig.ready()` with `register_gauge()`
(like `core.measures`), and the scrape calls them. Under gunicorn (several processes) set
PROMETHEUS_MULTIPROC_DIR to an empty directory shared by the workers (emptied at each start): request
counters and histograms are then written there by every process and summed at scrape (prometheus-client's
multiprocess mode); scrape-time figures come from the database and the broker, the same from any process.
"""

import datetime
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.utils.module_loading import import_string
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

REQUESTS = Counter(
    "precinct_http_requests",
    "HTTP requests answered, by route (the URL pattern) and status.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "precinct_http_request_duration_seconds",
    "Time to answer, by route (the URL pattern).",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


@dataclass(frozen=True)
class Sample:
    labels: tuple[str, ...]
    value: float


@dataclass(frozen=True)
class Gauge:
    name: str
    help: str
    labels: tuple[str, ...]
    read: Callable[[], Iterable[Sample]]


_gauges: dict[str, Gauge] = {}


def register_gauge(name: str, *, help: str, read: Callable[[], Iterable[Sample]], labels: Iterable[str] = ()) -> None:
    """A figure read at each scrape: `read()` answers samples (label values in the order of `labels`). It must
    be cheap (an indexed count), take no actor, and never fail the page: an error drops that figure alone."""
    _gauges[name] = Gauge(name, help, tuple(labels), read)


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return f"/{match.route}" if match is not None and match.route else "<unmatched>"


class MetricsMiddleware:
    """Counts and times every request by its URL pattern (never the path itself: ids and codes in paths would
    make a series per dossier)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        route = _route(request)
        method = request.method if request.method in {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"} else "other"
        REQUESTS.labels(route, method, str(response.status_code)).inc()
        LATENCY.labels(route, method).observe(time.perf_counter() - start)
        return response


class ScrapeCollector(Collector):
    """The figures read at scrape time: the task queue's, the database's, and the apps' registered gauges."""

    def collect(self) -> Iterator[Metric]:
        yield from _safely("tasks", _task_queue)
        yield from _safely("database", _database_connections)
        for gauge in list(_gauges.values()):
            family = GaugeMetricFamily(gauge.name, gauge.help, labels=list(gauge.labels))
            try:
                for sample in gauge.read():
                    family.add_metric(list(sample.labels), sample.value)
            except Exception:
                logger.exception("Metric %s could not be read", gauge.name)
                continue
            yield family


def _replica_lag() -> Iterable[Sample]:
    from precinct.core.replica import lag_metrics

    measured = lag_metrics()
    return [] if measured is None else [Sample((), measured[0])]


def _replica_up() -> Iterable[Sample]:
    from precinct.core.replica import lag_metrics

    measured = lag_metrics()
    return [] if measured is None else [Sample((), measured[1])]


def register_core_gauges() -> None:
    """The kernel's own registered figures (CoreConfig.ready): the read replica's lag and reachability."""
    register_gauge(
        "precinct_database_replica_lag_seconds",
        help="Seconds the read replica's replay is behind the primary (0 caught up; -1 unreachable; absent: no "
        "replica configured).",
        read=_replica_lag,
    )
    register_gauge(
        "precinct_database_replica_up",
        help="1 when the read replica answers, 0 when it cannot be reached (absent: no replica configured).",
        read=_replica_up,
    )


def _safely(what: str, read: Callable[[], Iterable[Metric]]) -> Iterator[Metric]:
    try:
        yield from list(read())
    except Exception:
        logger.exception("The %s metrics could not be read", what)


def _task_queue() -> Iterator[Metric]:
    """Tasks waiting, and the age of the oldest, per task (database queue); the broker's queue depth (Celery:
    a broker queue holds messages, not task names, so there it is one figure for the queue)."""
    from django.tasks import task_backends

    depth = GaugeMetricFamily("precinct_task_queue_depth", "Tasks waiting to run.", labels=["task"])
    age = GaugeMetricFamily(
        "precinct_task_queue_oldest_age_seconds", "Age of the oldest task waiting to run.", labels=["task"]
    )
    backend = task_backends["default"]
    if type(backend).__module__.startswith("django_tasks_db"):
        from django.db.models import Count, Min
        from django_tasks_db.models import DBTaskResult

        now = timezone.now()
        rows = DBTaskResult.objects.ready().values("task_path").annotate(n=Count("id"), oldest=Min("enqueued_at"))
        for row in rows:
            depth.add_metric([row["task_path"]], row["n"])
            age.add_metric([row["task_path"]], max((now - row["oldest"]).total_seconds(), 0.0))
    elif "celery" in type(backend).__module__:
        depth.add_metric(["*"], broker_queue_depth())
    yield depth
    yield age


def celery_app() -> Any:
    """The Celery application the task backend names (OPTIONS["CELERY_APP"])."""
    from django.tasks import task_backends

    return import_string(task_backends["default"].options["CELERY_APP"])


def broker_queue_depth() -> int:
    """Messages ready in the Celery queue (a passive declare: creates nothing)."""
    with celery_app().connection_for_read() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        _name, count, _consumers = conn.default_channel.queue_declare(
            queue=settings.CELERY_TASK_DEFAULT_QUEUE, passive=True
        )
        return int(count)


def _database_connections() -> Iterator[Metric]:
    family = GaugeMetricFamily(
        "precinct_database_connections", "Connections to this database, by state (PostgreSQL).", labels=["state"]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(state, 'unknown'), count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " GROUP BY 1"
            )
            for state, count in cursor.fetchall():
                family.add_metric([state], count)
        family_max = GaugeMetricFamily("precinct_database_max_connections", "The server's max_connections.")
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_connections")
            family_max.add_metric([], int(cursor.fetchone()[0]))
        yield family_max
    yield family


def seconds_since(moment: datetime.datetime | None) -> float:
    return max((timezone.now() - moment).total_seconds(), 0.0) if moment else 0.0


def allowed(address: str) -> bool:
    """Is this client address in one of the operator's networks (PRECINCT_METRICS_NETWORKS)?"""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.PRECINCT_METRICS_NETWORKS)


def metrics_view(request: HttpRequest) -> HttpResponse:
    """The scrape. Only from the operator's networks: the figures say how busy each service is."""
    if not allowed(request.META.get("REMOTE_ADDR", "")):
        return HttpResponseForbidden("403 Forbidden\n", content_type="text/plain")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    output = generate_latest(registry)
    scrape = CollectorRegistry()
    scrape.register(ScrapeCollector())
    output += generate_latest(scrape)
    return HttpResponse(output, content_type=CONTENT_TYPE_LATEST)
