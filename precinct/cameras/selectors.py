"""Reads of the camera registry and console, narrowed to the actor's reach (or, for a household, its own)."""

from django.db.models import Count, QuerySet

from precinct.cameras.models import OPEN_ALERT_STATES, Alert, Camera, Consent, InboxMessage, InboxState, Recorder
from precinct.cameras.permissions import CONSOLE_ROLES, REGISTRY_ROLES
from precinct.core.actors import Actor
from precinct.core.errors import NotFound
from precinct.organisation.scoping import restrict

VIEW_ROLES = tuple({*REGISTRY_ROLES, *CONSOLE_ROLES})


def camera_list(*, actor: Actor, q: str = "") -> QuerySet[Camera]:
    cameras = restrict(Camera.objects.select_related("unit", "recorder"), actor, "unit_path", VIEW_ROLES)
    if q.strip():
        cameras = cameras.filter(code__icontains=q.strip()) | cameras.filter(name__icontains=q.strip())
    return cameras.order_by("code")


def camera_get(*, actor: Actor, pk: int) -> Camera:
    camera = (
        restrict(Camera.objects.select_related("unit", "recorder"), actor, "unit_path", VIEW_ROLES)
        .filter(pk=pk)
        .first()
    )
    if camera is None:
        raise NotFound()
    return camera


def recorder_list(*, actor: Actor) -> QuerySet[Recorder]:
    return restrict(Recorder.objects.select_related("unit"), actor, "unit_path", VIEW_ROLES).order_by("name")


def recorder_get(*, actor: Actor, pk: int) -> Recorder:
    recorder = recorder_list(actor=actor).filter(pk=pk).first()
    if recorder is None:
        raise NotFound()
    return recorder


def alert_list(*, actor: Actor, open_only: bool = True) -> QuerySet[Alert]:
    alerts = restrict(
        Alert.objects.select_related("camera", "recorder", "event", "archived_detection", "unit", "snapshot"),
        actor,
        "unit_path",
        CONSOLE_ROLES,
    )
    if open_only:
        alerts = alerts.filter(status__in=OPEN_ALERT_STATES)
    return alerts.order_by("-raised_at", "-id")


def alert_get(*, actor: Actor, pk: int) -> Alert:
    alert = alert_list(actor=actor, open_only=False).filter(pk=pk).first()
    if alert is None:
        raise NotFound()
    return alert


def own_cameras(*, actor: Actor) -> QuerySet[Camera]:
    """A household's cameras (the owner's account), with their consents."""
    if actor is None or not actor.is_authenticated:
        return Camera.objects.none()
    return Camera.objects.filter(owner_id=actor.pk).prefetch_related("consents").order_by("code")


def own_consent_get(*, actor: Actor, pk: int) -> Consent:
    consent = Consent.objects.select_related("camera").filter(pk=pk, camera__in=own_cameras(actor=actor)).first()
    if consent is None:
        raise NotFound()
    return consent


def inbox_refusals(*, actor: Actor) -> dict[str, int]:
    """Refused recorder messages in the actor's reach, counted by reason (unknown camera, no consent, …)."""
    rows = (
        restrict(InboxMessage.objects.filter(state=InboxState.REFUSED), actor, "unit_path", VIEW_ROLES)
        .values("reason")
        .annotate(n=Count("id"))
        .order_by("reason")
    )
    return {row["reason"]: row["n"] for row in rows}
