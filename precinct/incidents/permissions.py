"""Who may do what with incidents. Officers, duty officers and leaders whose roles reach the incident's
ward (or the unit investigating its case) read and handle it; leaders read the crime statistics of the
units they reach; duty officers and leaders keep the duty log. Superusers reach every unit, as elsewhere
(only crime reports go by role alone); administrators configure and see no incident."""

from precinct.core.actors import Actor
from precinct.incidents.models import Incident
from precinct.organisation.models import Role, Unit
from precinct.organisation.scoping import has_any_role, reaches

INCIDENT_ROLES = (Role.OFFICER, Role.DUTY_OFFICER, Role.LEADER)
STATS_ROLES = (Role.LEADER,)
DUTY_ROLES = (Role.DUTY_OFFICER, Role.LEADER)


def can_view_incidents(actor: Actor) -> bool:
    """The register and incident pages (others are refused before any incident is looked up)."""
    return has_any_role(actor, INCIDENT_ROLES)


def can_record_incident(actor: Actor, unit: Unit | None) -> bool:
    return unit is not None and reaches(actor, unit, INCIDENT_ROLES)


def can_handle_incident(actor: Actor, incident: Incident) -> bool:
    """Classify it, move its status: the handling ward's people, or the investigating unit's."""
    return reaches(actor, incident.unit, INCIDENT_ROLES) or (
        incident.investigating_unit is not None and reaches(actor, incident.investigating_unit, INCIDENT_ROLES)
    )


def can_view_crime_stats(actor: Actor) -> bool:
    return has_any_role(actor, STATS_ROLES)


def can_view_duty_log(actor: Actor) -> bool:
    return has_any_role(actor, DUTY_ROLES)


def can_set_base_figures(actor: Actor, unit: Unit) -> bool:
    """Counts from before the system: the unit's leaders and administrators above it."""
    return reaches(actor, unit, (Role.LEADER, Role.ADMINISTRATOR))
