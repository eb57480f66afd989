"""Who may do what with incidents. Officers, duty officers and leaders whose roles reach the incident's
ward (or the unit investigating its case) read and handle it; leaders read the crime statistics of the
units they reach; duty officers and leaders keep the duty log. Superusers reach every unit, as elsewhere
(only crime reports go by role alone); administrators configure and see no incident."""

import json
from functools import cache
from pathlib import Path

from precinct.core.actors import Actor
from precinct.incidents.models import Campaign, Incident
from precinct.organisation.models import Role, Unit
from precinct.organisation.scoping import has_any_role, reaches, reaches_by_role, scope_paths

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


def can_import_base_figures(actor: Actor) -> bool:
    """The import page: leaders and administrators (each row is then checked against the ward)."""
    return has_any_role(actor, (Role.LEADER, Role.ADMINISTRATOR))


def can_set_base_figures(actor: Actor, unit: Unit) -> bool:
    """Counts from before the system: the unit's leaders and administrators above it."""
    return reaches(actor, unit, (Role.LEADER, Role.ADMINISTRATOR))


# --- people and exhibits ---------------------------------------------------------------------------------
# Persons involved and exhibits are read only by the handling unit's people (officers, duty officers), its
# leaders (any leader whose role reaches the ward), the unit investigating the case, and the province's
# investigation departments: units directly under the province whose code is "<province>-<code>" with a code
# from data/investigation_departments.json (PC01 investigation agency, PC02 criminal police, PC04 drugs,
# PA05 high-tech crime...). By role alone: a superuser or an administrator without these roles reads none of
# it, as with crime reports' content.

INVESTIGATION_FILE = Path(__file__).parent / "data" / "investigation_departments.json"


@cache
def investigation_codes() -> frozenset[str]:
    return frozenset(d["code"] for d in json.loads(INVESTIGATION_FILE.read_text(encoding="utf-8")))


def is_investigation_path(path: str) -> bool:
    """Whether a unit path ("22/22-PC02/") is a province's investigation department: read from the codes in
    the path itself, so deciding costs no query."""
    parts = path.strip("/").split("/")
    return len(parts) == 2 and parts[1].removeprefix(f"{parts[0]}-") in investigation_codes() and "-" in parts[1]


def investigation_department_paths(actor: Actor) -> list[str]:
    """The investigation departments the actor holds an incident role in (empty for nearly everyone)."""
    return [p for p in scope_paths(actor, INCIDENT_ROLES) if is_investigation_path(p)]


def can_read_case_file(actor: Actor, incident: Incident) -> bool:
    """Persons involved (with their details) and exhibits of this incident."""
    return (
        reaches_by_role(actor, incident.unit, INCIDENT_ROLES)
        or (
            incident.investigating_unit is not None
            and reaches_by_role(actor, incident.investigating_unit, INCIDENT_ROLES)
        )
        or bool(investigation_department_paths(actor))
    )


def can_write_case_file(actor: Actor, incident: Incident) -> bool:
    """Add persons, arrests, releases, exhibits and hand-overs: those handling the incident, by role."""
    return reaches_by_role(actor, incident.unit, INCIDENT_ROLES) or (
        incident.investigating_unit is not None and reaches_by_role(actor, incident.investigating_unit, INCIDENT_ROLES)
    )


# --- campaigns ----------------------------------------------------------------------------------------------


def can_create_campaign(actor: Actor, unit: Unit | None) -> bool:
    """A campaign is launched by a leader of its lead unit (or above)."""
    return unit is not None and reaches(actor, unit, STATS_ROLES)


def can_tag_for_campaign(actor: Actor, campaign: Campaign, incident: Incident) -> bool:
    return can_handle_incident(actor, incident)
