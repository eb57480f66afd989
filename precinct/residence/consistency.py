"""The consistency dimension (ADR 0038): one head per household, ages against the relation to the head, no
permanent residence in two places (a person listed in two households), temporary registrations expired but
still current, temporary absences past their end. Each check is a set-based query over a ward's subtree
(`path`) or over the households and records of a few changed persons (`person_ids`: the incremental scan), and
returns rules.Finding rows. Reads only."""

import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from precinct.residence.models import Household, HouseholdMember, Relation, ResidenceKind, ResidenceRecord
from precinct.residence.rules import Finding, RuleSet, later

CODES = ("household_head", "relation_ages", "permanent_two_places", "temporary_expired", "absence_overdue")


def _years_between(earlier: datetime.date, later: datetime.date) -> int:
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


def _rows(qs: Any, many: bool) -> Any:
    """A ward's rows as a stream (a server-side cursor on PostgreSQL); a few persons' as one plain fetch (a
    cursor's DECLARE / FETCH / CLOSE would triple the incremental scan's round trips)."""
    return qs.iterator(chunk_size=5000) if many else list(qs)


def _households(path: str | None, person_ids: list[int] | None) -> QuerySet[Household]:
    if person_ids is None:
        return Household.objects.filter(unit_path__startswith=path or "")
    ids = set(HouseholdMember.objects.filter(person_id__in=person_ids).values_list("household_id", flat=True))
    ids.update(Household.objects.filter(head_id__in=person_ids).order_by().values_list("pk", flat=True))
    return Household.objects.filter(pk__in=sorted(ids))


def household_head(households: QuerySet[Household], many: bool = True) -> list[Finding]:
    heads: dict[int, list[int]] = {}
    for hh, person in HouseholdMember.objects.filter(household__in=households, relation=Relation.HEAD).values_list(
        "household_id", "person_id"
    ):
        heads.setdefault(hh, []).append(person)
    found = []
    for pk, unit_id, unit_path, head_id in _rows(households.values_list("pk", "unit_id", "unit_path", "head_id"), many):
        listed = heads.get(pk, [])
        if head_id is None and not listed:
            detail = _("The household has no head.")
        elif head_id is not None and listed and listed != [head_id]:
            detail = _("Two heads: the household names one person as head, its members list another.")
        elif head_id is not None and not listed:
            detail = _("The head is not listed among the members as head.")
        else:
            continue
        found.append(Finding("household_head", f"household_head:h{pk}", unit_id, unit_path, detail, household_id=pk))
    return found


def relation_ages(
    households: QuerySet[Household], rules: RuleSet, today: datetime.date, many: bool = True
) -> list[Finding]:
    child_gap = int(rules.param("relation_ages", "child_gap_years"))
    parent_gap = int(rules.param("relation_ages", "parent_gap_years"))
    spouse_min = int(rules.param("relation_ages", "spouse_min_age"))
    rows = _rows(
        HouseholdMember.objects.filter(
            household__in=households, relation__in=(Relation.CHILD, Relation.PARENT, Relation.SPOUSE)
        ).values_list(
            "person_id",
            "relation",
            "household_id",
            "person__date_of_birth",
            "household__head__date_of_birth",
            "household__unit_id",
            "household__unit_path",
        ),
        many,
    )
    found = []
    for person, relation, hh, born, head_born, unit_id, unit_path in rows:
        if born is None:
            continue
        detail = ""
        if relation == Relation.SPOUSE and _years_between(born, today) < spouse_min:
            detail = later(_("A spouse under %(years)d years old."), years=spouse_min)
        elif head_born is None:
            continue
        elif relation == Relation.CHILD and _years_between(head_born, born) < child_gap:
            detail = later(_("A child born less than %(years)d years after the head (or before)."), years=child_gap)
        elif relation == Relation.PARENT and _years_between(born, head_born) < parent_gap:
            detail = later(_("A parent born less than %(years)d years before the head (or after)."), years=parent_gap)
        if detail:
            found.append(
                Finding(
                    "relation_ages",
                    f"relation_ages:p{person}:h{hh}",
                    unit_id,
                    unit_path,
                    detail,
                    person_id=person,
                    household_id=hh,
                )
            )
    return found


def permanent_two_places(path: str | None, person_ids: list[int] | None) -> list[Finding]:
    members = HouseholdMember.objects.all()
    if person_ids is None:
        members = members.filter(person__unit_path__startswith=path or "")
    else:
        members = members.filter(person_id__in=person_ids)
    rows = (
        members.values("person_id", "person__unit_id", "person__unit_path")
        .annotate(n=Count("household_id", distinct=True))
        .filter(n__gt=1)
    )
    return [
        Finding(
            "permanent_two_places",
            f"permanent_two_places:p{r['person_id']}",
            r["person__unit_id"],
            r["person__unit_path"],
            later(_("Listed in %(n)d households: permanent residence in more than one place."), n=r["n"]),
            person_id=r["person_id"],
        )
        for r in rows
    ]


def records_past_end(
    code: str, kind: str, path: str | None, person_ids: list[int] | None, rules: RuleSet, today: datetime.date
) -> list[Finding]:
    before = today - datetime.timedelta(days=int(rules.param(code, "grace_days")))
    records = ResidenceRecord.objects.filter(kind=kind, is_current=True, end__lt=before)
    if person_ids is None:
        records = records.filter(unit_path__startswith=path or "")
    else:
        records = records.filter(person_id__in=person_ids)
    text = (
        _("Temporary residence ended on %(end)s but is still current.")
        if kind == ResidenceKind.TEMPORARY
        else _("Temporary absence ended on %(end)s but is still current.")
    )
    return [
        Finding(
            code,
            f"{code}:r{pk}",
            unit_id,
            unit_path,
            later(text, end=end.strftime("%d/%m/%Y") if end else "—"),
            person_id=person,
            record_id=pk,
        )
        for pk, person, unit_id, unit_path, end in _rows(
            records.values_list("pk", "person_id", "unit_id", "unit_path", "end"), person_ids is None
        )
    ]


def consistency_findings(
    rules: RuleSet, today: datetime.date, *, path: str | None = None, person_ids: list[int] | None = None
) -> list[Finding]:
    """Every active consistency rule's findings in a ward's subtree, or around the given persons."""
    households = _households(path, person_ids)
    many = person_ids is None
    found: list[Finding] = []
    if rules.active("household_head"):
        found += household_head(households, many)
    if rules.active("relation_ages"):
        found += relation_ages(households, rules, today, many)
    if rules.active("permanent_two_places"):
        found += permanent_two_places(path, person_ids)
    if rules.active("temporary_expired"):
        found += records_past_end("temporary_expired", ResidenceKind.TEMPORARY, path, person_ids, rules, today)
    if rules.active("absence_overdue"):
        found += records_past_end("absence_overdue", ResidenceKind.ABSENCE, path, person_ids, rules, today)
    return found


def persons_touched(findings: list[Finding], households: Any = None) -> set[int]:
    """The persons a set of consistency findings concerns (a household's finding: all its members)."""
    touched = {f.person_id for f in findings if f.person_id is not None}
    household_ids = [f.household_id for f in findings if f.person_id is None and f.household_id is not None]
    if household_ids:
        for start in range(0, len(household_ids), 5000):
            touched.update(
                HouseholdMember.objects.filter(household_id__in=household_ids[start : start + 5000]).values_list(
                    "person_id", flat=True
                )
            )
    return touched
