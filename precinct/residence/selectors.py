"""Reads of the register, each narrowed to the wards the actor reaches (permissions.read_q: roles over the ward
through organisation.scoping, or the administrative-management department for its province). Opening one
person's or household's record is audited: services.reading."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Value
from django.utils import timezone

from precinct.core.actors import Actor
from precinct.core.errors import NotFound
from precinct.core.memo import Memo
from precinct.core.text import fold
from precinct.eservices.models import Dossier, Procedure
from precinct.organisation.models import Unit
from precinct.residence import changes
from precinct.residence.models import (
    CorrectionRequest,
    CorrectionStatus,
    Establishment,
    Household,
    HouseholdMember,
    ImportBatch,
    Person,
    QualitySnapshot,
    ResidenceEvent,
    ResidenceRecord,
    Stay,
    StayFlag,
)
from precinct.residence.permissions import read_q, stay_flags_q
from precinct.residence.services import key_hash


def person_list(*, actor: Actor, unit: Unit | None = None, q: str = "") -> QuerySet[Person]:
    qs = Person.objects.select_related("unit").filter(read_q(actor))
    if unit is not None:
        qs = qs.filter(unit_path__startswith=unit.path)
    if q := q.strip():
        qs = qs.filter(personal_id=q) if q.isdigit() else qs.filter(name_folded__contains=fold(q))
    return qs


def person_get(*, actor: Actor, pk: int) -> Person:
    person = person_list(actor=actor).filter(pk=pk).first()
    if person is None:
        raise NotFound()
    return person


def person_quality(*, person: Person) -> Any:
    """The incremental check of one record the caller already read (quality.person_check)."""
    from precinct.residence.quality import person_check

    return person_check(person)


def person_records(*, person: Person) -> list[ResidenceRecord]:
    """A person's records with their history (the person was read through person_get, so in scope)."""
    return list(person.records.select_related("unit", "household", "dossier").prefetch_related("events"))


def person_households(*, person: Person) -> list[HouseholdMember]:
    return list(person.memberships.select_related("household"))


def household_list(*, actor: Actor, unit: Unit | None = None) -> QuerySet[Household]:
    qs = Household.objects.select_related("unit", "head").filter(read_q(actor))
    return qs.filter(unit_path__startswith=unit.path) if unit is not None else qs


def household_get(*, actor: Actor, pk: int) -> Household:
    household = (
        household_list(actor=actor)
        .prefetch_related(Prefetch("members", queryset=HouseholdMember.objects.select_related("person")))
        .filter(pk=pk)
        .first()
    )
    if household is None:
        raise NotFound()
    return household


def household_current_records(*, household: Household) -> dict[int, list[ResidenceRecord]]:
    person_ids = [m.person_id for m in household.members.all()]
    by_person: dict[int, list[ResidenceRecord]] = {}
    for record in ResidenceRecord.objects.filter(person_id__in=person_ids, is_current=True).select_related("unit"):
        by_person.setdefault(record.person_id, []).append(record)
    return by_person


_procedure_codes = Memo(ttl=600)


def residence_procedure_code(procedure_id: int) -> str | None:
    """The code of a residence procedure from its id (None for every other procedure). A per-process memo
    of the few ids in changes.CHANGES: the dossier receiver asks on every result issued, of any procedure."""
    codes: dict[int, str] = _procedure_codes.get(
        "ids", lambda: dict(Procedure.objects.filter(code__in=changes.CHANGES).values_list("id", "code"))
    )
    return codes.get(procedure_id)


def dossier_residence_view(*, actor: Actor, code: str) -> dict[str, Any]:
    """The register's side of a residence dossier: the planned change (before the result) or the records the
    result made or changed (after), for a reader of the dossier's ward."""
    dossier = Dossier.objects.select_related("version", "unit", "applicant").filter(read_q(actor))
    found = dossier.filter(code=code).first()
    if found is None:
        raise NotFound()
    proc_code = residence_procedure_code(found.version.procedure_id)
    if proc_code is None:
        raise NotFound()
    plan = changes.plan_for(proc_code, found.form_data, timezone.localdate())
    personal_id = getattr(found.applicant, "personal_id", "") or ""
    person = Person.objects.filter(personal_id=personal_id).first() if personal_id else None
    current = (
        list(ResidenceRecord.objects.filter(person=person, is_current=True).select_related("unit")) if person else []
    )
    applied = list(
        ResidenceEvent.objects.filter(dossier=found).select_related("record__unit", "record__person").order_by("pk")
    )
    return {
        "dossier": found,
        "procedure_code": proc_code,
        "plan": plan,
        "person": person,
        "current": current,
        "applied": applied,
    }


def stays_current(*, actor: Actor, unit: Unit | None = None) -> QuerySet[Stay]:
    """Guests staying now (arrived, not departed) in the wards the actor reaches; `flagged` is True on the stay
    of a guest the incident register looks for, for an actor allowed to see that (permissions.stay_flags_q)."""
    flags = StayFlag.objects.filter(stay_ref=OuterRef("pk")).filter(stay_flags_q(actor))
    qs = (
        Stay.objects.select_related("establishment")
        .filter(read_q(actor), departed_at__isnull=True)
        .annotate(flagged=Exists(flags) if actor is not None and actor.is_authenticated else Value(False))
        .order_by("-flagged", "-arrival", "pk")  # the stays the ward was told of first
    )
    return qs.filter(unit_path__startswith=unit.path) if unit is not None else qs


def establishment_by_key(key: str) -> Establishment | None:
    return Establishment.objects.filter(key_hash=key_hash(key), is_active=True).select_related("unit").first()


def ward_get(*, actor: Actor, code: str) -> Unit:
    """A ward (or any unit) the actor may read the register of."""
    from precinct.organisation.selectors import unit_by_code
    from precinct.residence.permissions import can_read_register

    unit = unit_by_code(code)
    if unit is None or not can_read_register(actor, unit):
        raise NotFound()
    return unit


def ward_quality(*, actor: Actor, code: str) -> tuple[Unit, Any]:
    """The data-quality report of a ward the actor may read."""
    from precinct.residence.quality import ward_report

    unit = ward_get(actor=actor, code=code)
    return unit, ward_report(unit.path)


def wards_readable(*, actor: Actor) -> list[Unit]:
    """The commune-level units whose register the actor may read."""
    from precinct.organisation.selectors import commune_level_units, units_by_name
    from precinct.residence.permissions import can_read_register

    return units_by_name(u for u in commune_level_units() if can_read_register(actor, u))


def _with_rows(corrections: Iterable[CorrectionRequest]) -> list[CorrectionRequest]:
    """Each correction with `rows`: (field label, before, after), for before → after side by side."""
    found = list(corrections)
    for c in found:
        c.rows = [  # type: ignore[attr-defined]
            (str(getattr(Person._meta.get_field(name), "verbose_name", name)), change["before"], change["after"])
            for name, change in c.changes.items()
        ]
    return found


def correction_list(*, actor: Actor, status: str | None = CorrectionStatus.PENDING) -> QuerySet[CorrectionRequest]:
    """Correction requests of the wards the actor reads (waiting ones by default), oldest first."""
    qs = CorrectionRequest.objects.select_related("person", "unit", "requested_by", "decided_by").filter(read_q(actor))
    return (qs.filter(status=status) if status else qs).order_by("requested_at", "pk")


def correction_get(*, actor: Actor, pk: int) -> CorrectionRequest:
    found = correction_list(actor=actor, status=None).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def person_corrections(*, person: Person) -> list[CorrectionRequest]:
    """The corrections asked for a person the caller already read (person_get)."""
    return _with_rows(person.corrections.select_related("requested_by", "decided_by").order_by("-requested_at", "-pk"))


def corrections_waiting(*, actor: Actor, limit: int = 200) -> list[CorrectionRequest]:
    """The page's list: waiting corrections with their rows."""
    return _with_rows(correction_list(actor=actor)[:limit])


def import_batches(*, actor: Actor, unit: Unit, limit: int = 20) -> list[ImportBatch]:
    """The latest imports into a ward the caller reads (ward_get)."""
    return list(ImportBatch.objects.filter(read_q(actor), unit=unit).select_related("by")[:limit])


def import_batch_get(*, actor: Actor, pk: int) -> ImportBatch:
    found = ImportBatch.objects.filter(read_q(actor), pk=pk).select_related("unit").first()
    if found is None:
        raise NotFound()
    return found


def quality_trend(*, unit: Unit, months: int = 12) -> list[QualitySnapshot]:
    """The ward's figures month by month, oldest first (the caller read the ward through ward_get)."""
    return list(reversed(QualitySnapshot.objects.filter(unit=unit).order_by("-month")[:months]))


def issue_list(*, actor: Actor, unit: Unit, dimension: str = "", rule: str = "", state: str = "open") -> QuerySet[Any]:
    """A ward's work queue (the findings of active rules in the wards the actor reads), newest first."""
    from precinct.residence.models import QualityIssue

    qs = QualityIssue.objects.filter(read_q(actor), unit_path__startswith=unit.path, rule__is_active=True)
    if dimension:
        qs = qs.filter(rule__dimension=dimension)
    if rule:
        qs = qs.filter(rule__code=rule)
    if state:
        qs = qs.filter(state=state)
    return qs.select_related("rule", "person__unit", "other__unit", "household", "record", "closed_by")


def issue_get(*, actor: Actor, pk: int) -> Any:
    from precinct.residence.models import QualityIssue

    found = QualityIssue.objects.filter(read_q(actor), pk=pk).select_related("unit", "rule").first()
    if found is None:
        raise NotFound()
    return found


def quality_rules() -> list[Any]:
    """Every data-quality rule (not personal data: any officer who reaches the rules page may read them)."""
    from precinct.residence.models import QualityRule
    from precinct.residence.rules import rules_ensure

    rules_ensure()
    return list(QualityRule.objects.select_related("changed_by"))
