"""Delivery off the request path (django-tasks-db's `db_worker` runs these)."""

from django.tasks import task

from precinct.notifications.services import notifications_compose_pending, notifications_deliver_queued


@task
def notifications_deliver_task(recipient_id: int, key: str) -> int:
    return notifications_deliver_queued(recipient_id=recipient_id, key=key)


@task
def notifications_catch_up_task() -> int:
    """Everything still pending or queued (after a failure or while the queue was down)."""
    return notifications_compose_pending() + notifications_deliver_queued()


@task
def notifications_compose_pending_task() -> int:
    return notifications_compose_pending()
