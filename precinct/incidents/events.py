"""An incident's history (`IncidentEvent`), one helper per kind of event, whoever causes it (a service,
the receivers of a referred crime report or a handed-on camera alert, an import). Each is called inside the
writer's transaction."""

from typing import Any

from django.utils import timezone

from precinct.accounts.models import User
from precinct.core.actors import Actor
from precinct.incidents.models import Incident, IncidentEvent

RECORDED = "recorded"
TRANSITION = "transition"
REPORT_LINKED = "report_linked"
CAMERA_ALERT_LINKED = "camera_alert_linked"
CLASSIFIED = "classified"


def person(actor: Actor) -> User | None:
    """The signed-in user behind an actor, for the rows that name who did it (None: the system)."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def _write(incident: Incident, *, actor: Actor, action: str, from_status: str, data: dict[str, Any]) -> IncidentEvent:
    return IncidentEvent.objects.create(
        incident=incident,
        at=timezone.now(),
        actor=person(actor),
        action=action,
        from_status=from_status,
        to_status=incident.status,
        data=data,
    )


def recorded_event(incident: Incident, *, actor: Actor) -> IncidentEvent:
    """The incident entered the register (its first status)."""
    return _write(incident, actor=actor, action=RECORDED, from_status="", data={"source": incident.source})


def transition_event(incident: Incident, *, actor: Actor, from_status: str, data: dict[str, Any]) -> IncidentEvent:
    """The status moved (the incident is saved in its new state); `data` is what came with the move."""
    return _write(incident, actor=actor, action=TRANSITION, from_status=from_status, data=data)


def classified_event(incident: Incident, *, actor: Actor, before: dict[str, Any]) -> IncidentEvent:
    """The classification, article or priority changed."""
    after = {"classification": incident.classification, "article": incident.article, "priority": incident.priority}
    return _write(
        incident, actor=actor, action=CLASSIFIED, from_status=incident.status, data={"before": before, "after": after}
    )


def report_linked_event(incident: Incident, *, actor: Actor, tip_reference: str) -> IncidentEvent:
    """A crime report was referred to this incident."""
    return _write(
        incident, actor=actor, action=REPORT_LINKED, from_status=incident.status, data={"report": tip_reference}
    )


def camera_alert_linked_event(
    incident: Incident, *, actor: Actor, alert_number: int, camera_code: str
) -> IncidentEvent:
    """A camera alert was handed on to this incident (from the duty console)."""
    return _write(
        incident,
        actor=actor,
        action=CAMERA_ALERT_LINKED,
        from_status=incident.status,
        data={"alert": alert_number, "camera": camera_code},
    )


PERSON_ADDED = "person_added"
ARREST = "arrest"
RELEASE = "release"
EXHIBIT_SEIZED = "exhibit_seized"
HANDOVER = "handover"
CAMPAIGN_TAGGED = "campaign_tagged"


def person_added_event(incident: Incident, *, actor: Actor, person: Any) -> IncidentEvent:
    """A person involved was recorded (by row and role: the history names no one)."""
    return _write(
        incident,
        actor=actor,
        action=PERSON_ADDED,
        from_status=incident.status,
        data={"person": person.pk, "role": person.role},
    )


def arrest_event(incident: Incident, *, actor: Actor, person: Any, arrested_on: Any) -> IncidentEvent:
    return _write(
        incident,
        actor=actor,
        action=ARREST,
        from_status=incident.status,
        data={"person": person.pk, "role": person.role, "on": arrested_on.isoformat()},
    )


def release_event(incident: Incident, *, actor: Actor, person: Any, released_on: Any) -> IncidentEvent:
    return _write(
        incident,
        actor=actor,
        action=RELEASE,
        from_status=incident.status,
        data={"person": person.pk, "role": person.role, "on": released_on.isoformat()},
    )


def exhibit_seized_event(incident: Incident, *, actor: Actor, exhibit: Any) -> IncidentEvent:
    return _write(
        incident, actor=actor, action=EXHIBIT_SEIZED, from_status=incident.status, data={"exhibit": exhibit.reference}
    )


def handover_event(incident: Incident, *, actor: Actor, exhibit: Any, handover: Any) -> IncidentEvent:
    return _write(
        incident,
        actor=actor,
        action=HANDOVER,
        from_status=incident.status,
        data={"exhibit": exhibit.reference, "sequence": handover.sequence, "to": handover.to_holder},
    )


def campaign_tagged_event(incident: Incident, *, actor: Actor, campaign: Any) -> IncidentEvent:
    return _write(
        incident, actor=actor, action=CAMPAIGN_TAGGED, from_status=incident.status, data={"campaign": campaign.name}
    )
