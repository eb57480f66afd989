"""/healthz, /readyz, /metrics and the JSON log lines (docs/OPERATIONS.md)."""

import io
import json
import logging

import pytest

from precinct.core.logs import JsonFormatter, RequestIdFilter
from precinct.core.request_context import reset_request_id, set_request_id

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_checks_the_database_the_queue_and_the_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "queue": "ok", "cache": "ok"}


def test_readyz_says_which_check_failed(client, settings):
    # A real Redis client against a port where nothing listens: the cache cannot answer.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["cache"] and body["checks"]["database"] == "ok"


def test_metrics_answer_the_operators_network_and_403_elsewhere(client, settings):
    client.get("/healthz")
    response = client.get("/metrics")  # the test client comes from 127.0.0.1
    assert response.status_code == 200
    text = response.content.decode()
    assert 'precinct_http_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert "precinct_http_request_duration_seconds_bucket" in text
    assert "precinct_task_queue_depth" in text
    assert "precinct_outbox_oldest_pending_age_seconds" in text  # registered by portalsync
    assert "precinct_camera_inbox_received_total" in text  # registered by cameras
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    settings.PRECINCT_METRICS_NETWORKS = ["10.20.0.0/16"]
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200


def test_metrics_count_routes_by_pattern_not_by_path(client):
    client.get("/api/v1/openapi.json")
    client.get("/no-such-page-12345")
    text = client.get("/metrics").content.decode()
    assert "no-such-page-12345" not in text
    assert 'route="<unmatched>",status="404"' in text


def test_the_task_queue_depth_is_counted_per_task(client):
    from precinct.audit.tasks import audit_chain_verify_task

    audit_chain_verify_task.enqueue()
    text = client.get("/metrics").content.decode()
    assert 'precinct_task_queue_depth{task="precinct.audit.tasks.audit_chain_verify_task"} 1.0' in text


def test_json_log_lines_carry_the_request_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("precinct.test.json")
    logger.addHandler(handler)
    logger.propagate = False
    token = set_request_id("req-12345678")
    try:
        logger.warning("Dossier %s late", "X-1")
    finally:
        reset_request_id(token)
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["message"] == "Dossier X-1 late" and line["request_id"] == "req-12345678"
    assert line["level"] == "WARNING" and line["logger"] == "precinct.test.json"


def test_without_a_replica_its_figures_are_absent(client):
    text = client.get("/metrics").content.decode()
    assert "# HELP precinct_database_replica_lag_seconds" in text  # registered by the kernel
    assert not any(line.startswith("precinct_database_replica_lag_seconds ") for line in text.splitlines())
