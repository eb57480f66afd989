"""Reads of incidents' case files (persons involved, arrests, exhibits, custody chains), narrowed by role to
the handling unit, its leaders, the investigating unit and the province's investigation departments
(permissions.can_read_case_file). A person's details are opened through case_services.person_read(), which
audits; the lists here carry what the case-file page shows."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from precinct.core.actors import Actor
from precinct.core.errors import NotFound, PermissionDenied
from precinct.incidents.models import Exhibit, Incident, IncidentPerson
from precinct.incidents.permissions import (
    INCIDENT_ROLES,
    can_read_case_file,
    can_view_incidents,
    investigation_department_paths,
)
from precinct.organisation.scoping import scope_q_by_role

REFUSAL = _("Only the handling unit, its leaders and the investigation departments see persons and exhibits.")


def case_file_scope(actor: Actor, incident_field: str) -> Q:
    """Rows whose incident (reached through `incident_field`, "" for incidents themselves) the actor may read
    the case file of: by role on the handling or the investigating unit, or everything in the province of an
    investigation department the actor belongs to."""
    prefix = f"{incident_field}__" if incident_field else ""
    condition = scope_q_by_role(actor, f"{prefix}unit_path", INCIDENT_ROLES) | scope_q_by_role(
        actor, f"{prefix}investigating_path", INCIDENT_ROLES
    )
    for path in investigation_department_paths(actor):
        condition |= Q(**{f"{prefix}unit_path__startswith": path.split("/")[0] + "/"})
    return condition


def _refuse_outsiders(actor: Actor) -> None:
    if not can_view_incidents(actor):
        raise PermissionDenied()


def person_list(*, actor: Actor, incident: Incident) -> QuerySet[IncidentPerson]:
    """The persons involved in an incident the caller already holds (from incident_get)."""
    if not can_read_case_file(actor, incident):
        raise PermissionDenied(REFUSAL)
    return IncidentPerson.objects.filter(incident=incident).prefetch_related("arrests").order_by("role", "pk")


def person_get(*, actor: Actor, person_id: int) -> IncidentPerson:
    """A person involved, for a reader allowed to see them (anyone else: 404, as if absent). The details are
    then opened with case_services.person_read()."""
    _refuse_outsiders(actor)
    person = (
        IncidentPerson.objects.filter(case_file_scope(actor, "incident"))
        .select_related("incident", "incident__unit", "incident__investigating_unit")
        .prefetch_related("arrests")
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise NotFound()
    return person


def person_other_incidents(*, actor: Actor, person: IncidentPerson) -> list[IncidentPerson]:
    """The same personal ID in other incidents the actor may read (how a known person is recognised)."""
    if not person.personal_id:
        return []
    return list(
        IncidentPerson.objects.filter(case_file_scope(actor, "incident"), personal_id=person.personal_id)
        .exclude(pk=person.pk)
        .select_related("incident")
        .order_by("-incident__received_at")[:50]
    )


def exhibit_list(*, actor: Actor, incident: Incident) -> QuerySet[Exhibit]:
    if not can_read_case_file(actor, incident):
        raise PermissionDenied(REFUSAL)
    return Exhibit.objects.filter(incident=incident).order_by("pk")


def exhibit_get(*, actor: Actor, exhibit_id: int) -> Exhibit:
    _refuse_outsiders(actor)
    exhibit = (
        Exhibit.objects.filter(case_file_scope(actor, "incident"))
        .select_related("incident", "incident__unit", "incident__investigating_unit")
        .prefetch_related("handovers__recorded_by")
        .filter(pk=exhibit_id)
        .first()
    )
    if exhibit is None:
        raise NotFound()
    return exhibit
