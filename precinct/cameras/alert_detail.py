"""Reads of one alert for its detail page and the API: the alert (through the scoped selector), its snapshot,
dispatches and timeline, and the officers of its ward who can be dispatched."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from precinct.cameras import selectors
from precinct.cameras.models import Alert, AlertEntry, Dispatch, Snapshot
from precinct.core.actors import Actor
from precinct.organisation.models import Officer
from precinct.organisation.selectors import officer_list


@dataclass(frozen=True)
class AlertDetail:
    alert: Alert
    snapshot: Snapshot | None
    dispatches: list[Dispatch]
    timeline: list[AlertEntry]


def alert_detail_get(*, actor: Actor, pk: int) -> AlertDetail:
    """The alert if the actor reaches it (404 otherwise, like an absent one), with what its page shows."""
    alert = selectors.alert_get(actor=actor, pk=pk)
    alert = (
        Alert.objects.select_related(
            "camera__recorder", "recorder", "event", "unit", "rule", "acknowledged_by", "closed_by"
        )
        .prefetch_related(
            Prefetch("dispatches", Dispatch.objects.select_related("commander").prefetch_related("officers")),
            Prefetch("entries", AlertEntry.objects.select_related("actor")),
        )
        .get(pk=alert.pk)
    )
    return AlertDetail(
        alert=alert,
        snapshot=Snapshot.objects.filter(alert=alert).first(),
        dispatches=list(alert.dispatches.all()),
        timeline=list(alert.entries.all()),
    )


def dispatchable_officers(*, actor: Actor, alert: Alert) -> QuerySet[Officer]:
    """Officers in service in the alert's ward that the actor can see."""
    return officer_list(actor=actor, unit=alert.unit).filter(is_active=True).order_by("full_name")
