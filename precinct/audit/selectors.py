from typing import Any

from django.db.models import QuerySet

from precinct.audit.models import AuditEvent
from precinct.organisation.models import Role
from precinct.organisation.scoping import restrict


def audit_event_list(
    *, actor: Any, action: str = "", target_type: str = "", target_id: str = ""
) -> QuerySet[AuditEvent]:
    """Audit events of units in the administrator's reach (events without a unit: superusers only)."""
    events = restrict(AuditEvent.objects.all(), actor, "unit_path", (Role.ADMINISTRATOR,))
    if action:
        events = events.filter(action=action)
    if target_type:
        events = events.filter(target_type=target_type)
    if target_id:
        events = events.filter(target_id=target_id)
    return events
