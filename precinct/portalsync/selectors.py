"""Reads of the portal sync, narrowed to the administrator's reach."""

from django.db.models import Count, QuerySet

from precinct.core.actors import Actor
from precinct.core.errors import NotFound
from precinct.organisation.scoping import restrict
from precinct.portalsync.models import OutboxEvent, OutboxState
from precinct.portalsync.permissions import SYNC_ROLES


def outbox_list(*, actor: Actor, state: str = OutboxState.DEAD, q: str = "") -> QuerySet[OutboxEvent]:
    """Events of dossiers received by units in the actor's reach; dead letters unless `state` says otherwise
    (empty: every state). Newest first."""
    events = restrict(OutboxEvent.objects.all(), actor, "unit_path", SYNC_ROLES)
    if state:
        events = events.filter(state=state)
    if q.strip():
        events = events.filter(dossier_code__icontains=q.strip())
    return events.order_by("-id")


def outbox_get(*, actor: Actor, pk: int) -> OutboxEvent:
    event = restrict(OutboxEvent.objects.all(), actor, "unit_path", SYNC_ROLES).filter(pk=pk).first()
    if event is None:
        raise NotFound()
    return event


def outbox_counts(*, actor: Actor) -> dict[str, int]:
    """How many events wait and how many failed, in the actor's reach (delivered ones are not counted:
    that table only grows)."""
    rows = (
        restrict(OutboxEvent.objects.all(), actor, "unit_path", SYNC_ROLES)
        .filter(state__in=[OutboxState.PENDING, OutboxState.DEAD])
        .values("state")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {OutboxState.PENDING.value: 0, OutboxState.DEAD.value: 0}
    counts.update({row["state"]: row["n"] for row in rows})
    return counts
