"""The Celery task backend with a lean enqueue (ADR 0029; figures in docs/PERFORMANCE.md, "Enqueue").

django-tasks-celery's `enqueue()` validates the task again and calls `apply_async()` on every call: Celery then
routes, merges options, acquires a producer from the pool and gives it back, binds and copies the queue to
"maybe declare" it, and wraps the publish in a retry policy. Profiled (bench/tasks_bench.py), that was about
three quarters of an enqueue's CPU; the AMQP publish itself is a tenth. Here, for the tasks we have (no ETA,
no priority, the default queue):

- the task is validated and registered with Celery once per process, not per call;
- the message is Celery's own (`app.amqp.create_task_message`: protocol 2, what the worker expects), with the
  argument reprs Celery puts in its headers built by `repr` of our small arguments (ids, keys);
- it is published by a producer kept per process and thread (a forked process makes its own), on the queue
  declared once; persistent (delivery mode 2) as before, so a broker restart keeps what is queued;
- a connection error closes that producer and publishes once more on a new connection; a second failure
  raises, as `apply_async` does after its retries (callers enqueue after commit and log: ADR 0029).

Anything else (a deferred or prioritised task, another queue) goes through django-tasks-celery unchanged.
"""

import contextlib
import os
import threading
import uuid
from datetime import UTC, datetime
from typing import Any, cast

from django.tasks.base import Task, TaskResult, TaskResultStatus
from django.tasks.signals import task_enqueued
from django_tasks_celery.backend import CeleryBackend as BaseCeleryBackend
from django_tasks_celery.register import ensure_celery_task
from kombu import Producer


class CeleryBackend(BaseCeleryBackend):
    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self._ready: set[str] = set()
        self._local = threading.local()

    def enqueue[**P, R](self, task: Task[P, R], args: Any, kwargs: Any) -> TaskResult[P, R]:
        if task.run_after is not None or task.priority != 0 or task.queue_name != "default":
            return cast("TaskResult[P, R]", super().enqueue(task, args, kwargs))  # the library types it loosely
        app = self._get_celery_app()
        name = task.module_path
        if name not in self._ready:
            self.validate_task(task)
            ensure_celery_task(task, app, self)
            self._ready.add(name)
        args, kwargs = list(args), dict(kwargs)
        task_id = str(uuid.uuid4())
        headers, properties, body, _ = app.amqp.create_task_message(
            task_id, name, args, kwargs, argsrepr=repr(args)[:1024], kwargsrepr=repr(kwargs)[:1024], ignore_result=True
        )
        try:
            self._publish(app, body, headers, properties)
        except app.connection_for_write().connection_errors:
            self._drop_producer()
            self._publish(app, body, headers, properties)
        result = TaskResult(
            task=task,
            id=task_id,
            status=TaskResultStatus.READY,
            enqueued_at=datetime.now(UTC),
            started_at=None,
            finished_at=None,
            last_attempted_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        task_enqueued.send(sender=type(self), task_result=result)
        return result

    def _publish(self, app: Any, body: Any, headers: dict[str, Any], properties: dict[str, Any]) -> None:
        producer, queue = self._producer(app)
        producer.publish(
            body,
            exchange="",
            routing_key=queue.name,
            serializer="json",
            delivery_mode=2,
            headers=headers,
            retry=False,
            **properties,
        )

    def _producer(self, app: Any) -> tuple[Producer, Any]:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # a forked child must not share its parent's socket
            local.__dict__.clear()
            local.pid = os.getpid()
        if getattr(local, "producer", None) is None:
            queue = app.amqp.queues[app.conf.task_default_queue]
            connection = app.connection_for_write()
            producer = Producer(connection.default_channel)
            queue.declare(channel=producer.channel)  # once per connection, as maybe_declare would
            local.connection, local.producer, local.queue = connection, producer, queue
        return local.producer, local.queue

    def _drop_producer(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.producer = None
        if connection is not None:
            with contextlib.suppress(Exception):  # already broken; a new one is opened next
                connection.close()
