"""The kernel's own pages: liveness, readiness and metrics, and the 404 that answers API paths in JSON
(the home page is organisation's, see config/urls.py)."""

from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.tasks import task_backends
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found

from precinct.core.api_support import error_body
from precinct.core.metrics import celery_app, metrics_view

__all__ = ["healthz", "metrics_view", "not_found", "readyz"]


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: the process answers. Touches nothing else, so a database outage never restarts the web servers."""
    return JsonResponse({"status": "ok"})


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _queue() -> None:
    """The task queue can be written: the database queue's table, or the broker's connection."""
    module = type(task_backends["default"]).__module__
    if module.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()
    elif "celery" in module:
        with celery_app().connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)


def _cache() -> None:
    """The shared cache (rate limits): Redis when REDIS_URL is set, else the database."""
    from django.core.cache import cache

    cache.get("precinct:readyz")


CHECKS: dict[str, Callable[[], None]] = {"database": _database, "queue": _queue, "cache": _cache}


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: the database, the task queue (its broker) and the cache answer. 503 names the ones
    that failed (a load balancer stops sending requests; the process is not restarted)."""
    checks: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:
            checks[name] = f"failed: {type(exc).__name__}"
    failed = [name for name, state in checks.items() if state != "ok"]
    body = {"status": "ok" if not failed else "unavailable", "checks": checks, "failed": failed}
    if settings.DEBUG is False:
        body["checks"] = {name: ("ok" if state == "ok" else "failed") for name, state in checks.items()}
    return JsonResponse(body, status=503 if failed else 200)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 for a path no pattern matches (handler404): the one error shape under /api/ (a path
    parameter that fails its converter, `/api/v1/cameras/abc`, lands here), the usual page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return page_not_found(request, exception)
