"""config.celery_backend's lean enqueue against the real RabbitMQ: the message is Celery's own (a worker runs it:
test_distributed_queue), one producer per process survives a dropped connection, and a forked child publishes
on a connection of its own. Skipped without the broker locally; fails under CI=true."""

import json
import os
import time

import pytest

BROKER = os.environ.get("TASKS_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


@pytest.fixture
def queue():
    from kombu import Connection

    try:
        with Connection(BROKER, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: RabbitMQ must answer at {BROKER} ({exc})")
        pytest.skip(f"RabbitMQ does not answer at {BROKER} ({exc})")
    from config.celery import app

    name = f"precinct-backend-test-{os.getpid()}-{time.monotonic_ns()}"
    saved = app.conf.broker_url, app.conf.task_default_queue
    app.conf.broker_url, app.conf.task_default_queue = BROKER, name
    yield name
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(name)
    app.conf.broker_url, app.conf.task_default_queue = saved


def _messages(name: str) -> list:
    from config.celery import app

    got = []
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        while (message := channel.basic_get(name, no_ack=True)) is not None:
            got.append(message)
    return got


def test_enqueue_publishes_celerys_message_once_per_call_and_survives_a_dropped_connection(queue):
    from config.celery_backend import CeleryBackend
    from precinct.notifications.tasks import notifications_deliver_task

    backend = CeleryBackend("celery", {"QUEUES": ["default"], "OPTIONS": {"CELERY_APP": "config.celery.app"}})
    first = backend.enqueue(notifications_deliver_task, (7, "kill-test:1"), {})
    backend._local.connection.connection.transport.sock.close()  # the broker's side went away under the producer
    second = backend.enqueue(notifications_deliver_task, (8, "kill-test:2"), {})

    pid = os.fork()
    if pid == 0:  # a gunicorn worker forked after the parent had published
        try:
            backend.enqueue(notifications_deliver_task, (9, "kill-test:3"), {})
        finally:
            os._exit(0)
    os.waitpid(pid, 0)

    messages = _messages(queue)
    assert len(messages) == 3
    headers = [m.headers for m in messages]
    assert [h["task"] for h in headers] == ["precinct.notifications.tasks.notifications_deliver_task"] * 3
    assert [h["id"] for h in headers][:2] == [first.id, second.id]
    bodies = [json.loads(m.body) for m in messages]
    assert [b[0] for b in bodies] == [[7, "kill-test:1"], [8, "kill-test:2"], [9, "kill-test:3"]]
    assert all(m.properties["delivery_mode"] == 2 for m in messages)  # persistent: a broker restart keeps them
