"""Reads that leave a trace: an officer opening a person's or a household's record, and exports of personal
data (a leader over the ward; the audit row carries the row count). The caller has already read the object
through a scoped selector, so these only record who looked and why."""

import csv
import io
from collections.abc import Iterable

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import PermissionDenied
from precinct.core.formats import format_date
from precinct.organisation.models import Unit
from precinct.residence import permissions
from precinct.residence.models import Household, Person, ResidenceKind, ResidenceRecord

# The export's columns are the import's (services.importing), so an exported ward imports unchanged.
EXPORT_COLUMNS = (
    "personal_id",
    "full_name",
    "date_of_birth",
    "sex",
    "place_of_origin",
    "ethnicity",
    "nationality",
    "status",
    "permanent_address",
)


@transaction.atomic
def person_read(*, actor: Actor, person: Person, purpose: str = "page") -> Person:
    """Record that the actor opened the person's record (page or API)."""
    audit_record(
        actor=actor,
        action="residence.person_read",
        target=person,
        unit=person.unit,
        after={"purpose": purpose},
    )
    return person


@transaction.atomic
def household_read(*, actor: Actor, household: Household) -> Household:
    """Record that the actor opened a household (its members' names and residences)."""
    audit_record(
        actor=actor,
        action="residence.household_read",
        target=household,
        unit=household.unit,
        after={"members": [m.person_id for m in household.members.all()]},
    )
    return household


def _rows(persons: Iterable[Person]) -> Iterable[list[str]]:
    for p in persons:
        yield [
            p.personal_id,
            p.full_name,
            format_date(p.date_of_birth, ""),
            p.sex,
            p.place_of_origin,
            p.ethnicity,
            p.nationality,
            p.status,
            getattr(p, "permanent_address", "") or "",
        ]


@transaction.atomic
def persons_export(*, actor: Actor, unit: Unit) -> tuple[bytes, int]:
    """The ward's residents as CSV (UTF-8 with a BOM, so spreadsheet programs read the accents), for a leader
    over the ward. Audited with the number of rows that left."""
    if not permissions.can_export_register(actor, unit):
        raise PermissionDenied(_("Only a leader over the ward may export residents' personal data."))
    permanent = ResidenceRecord.objects.filter(
        person=OuterRef("pk"), kind=ResidenceKind.PERMANENT, is_current=True
    ).values("address")[:1]
    persons = (
        Person.objects.filter(unit_path__startswith=unit.path)
        .annotate(permanent_address=Subquery(permanent))
        .order_by("pk")
        .iterator(chunk_size=2000)
    )
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in _rows(persons):
        writer.writerow(row)
        count += 1
    audit_record(
        actor=actor,
        action="residence.persons_export",
        target=unit,
        unit=unit,
        after={"rows": count, "format": "csv"},
    )
    return out.getvalue().encode("utf-8"), count
