"""Who may do what with cameras: the ward's officers manage its registry, its duty officers work its console,
and a household sees only its own cameras."""

from precinct.cameras.models import Alert, Camera, Consent
from precinct.core.actors import Actor
from precinct.organisation.models import Role, Unit
from precinct.organisation.scoping import has_any_role, reaches

REGISTRY_ROLES = (Role.OFFICER, Role.LEADER, Role.ADMINISTRATOR)
CONSOLE_ROLES = (Role.DUTY_OFFICER, Role.OFFICER, Role.LEADER)


def can_view_cameras(actor: Actor) -> bool:
    return has_any_role(actor, (*REGISTRY_ROLES, *CONSOLE_ROLES))


def can_manage_cameras_of(actor: Actor, unit: Unit) -> bool:
    """Register cameras, recorders, consents and change a camera's status, in a ward the actor reaches."""
    return reaches(actor, unit, REGISTRY_ROLES)


def can_view_console(actor: Actor) -> bool:
    return has_any_role(actor, CONSOLE_ROLES)


def can_act_on_alert(actor: Actor, alert: Alert) -> bool:
    """Acknowledge, hand on or dismiss: the console's people over the alert's ward."""
    return reaches(actor, alert.unit, CONSOLE_ROLES)


def is_camera_owner(actor: Actor, camera: Camera) -> bool:
    return actor is not None and bool(actor.is_authenticated) and camera.owner_id == actor.pk


def can_withdraw_consent(actor: Actor, consent: Consent) -> bool:
    return consent.withdrawn_at is None and is_camera_owner(actor, consent.camera)
