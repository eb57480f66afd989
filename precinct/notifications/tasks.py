"""Delivery off the request path (`db_worker`, or `celery -A config worker` on the distributed queue: ADR 0029).
Every task here is idempotent: messages are recorded once per key and sent only while queued."""

from django.tasks import task

from precinct.notifications.services import (
    notifications_compose_batch,
    notifications_compose_pending,
    notifications_deliver_queued,
    notifications_dispatch_pending,
)


@task
def notifications_deliver_task(recipient_id: int, key: str) -> int:
    return notifications_deliver_queued(recipient_id=recipient_id, key=key)


@task
def notifications_catch_up_task() -> int:
    """Everything still pending or queued (after a failure or while the queue was down)."""
    return notifications_compose_pending() + notifications_deliver_queued()


@task
def notifications_compose_pending_task() -> int:
    """The drain notify_later() queues after commits: shares the pending messages out in compose tasks."""
    return notifications_dispatch_pending()


@task
def notifications_compose_batch_task(pending_ids: list[int]) -> int:
    return notifications_compose_batch(pending_ids=pending_ids)


@task
def notifications_trim_keys_task() -> int:
    """The daily job: forget the keys older than NOTIFICATION_KEYS_KEEP_DAYS (notifications.retention)."""
    from precinct.notifications.retention import notification_keys_trim

    return notification_keys_trim()
