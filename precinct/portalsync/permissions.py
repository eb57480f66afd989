from precinct.core.actors import Actor
from precinct.organisation.models import Role
from precinct.organisation.scoping import has_any_role, reaches_everything, scope_paths
from precinct.portalsync.models import OutboxEvent

SYNC_ROLES = (Role.ADMINISTRATOR,)


def can_view_portal_sync(actor: Actor) -> bool:
    """Administrators see the sync of the dossiers of units in their reach."""
    return has_any_role(actor, SYNC_ROLES)


def can_manage_outbox_event(actor: Actor, event: OutboxEvent) -> bool:
    """Retry or discard an event: an administrator over the dossier's receiving unit."""
    if reaches_everything(actor):
        return True
    return any(event.unit_path.startswith(path) for path in scope_paths(actor, SYNC_ROLES))
