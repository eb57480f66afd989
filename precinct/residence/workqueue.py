"""The ward's saved work queue of data-quality findings (ADR 0038): one QualityIssue per finding of an active
rule, kept in step with the register by two scans that share one sync:

- `ward_sync` (on demand from the queue page, and by the daily snapshot job): every active rule over the ward's
  subtree; open issues of the ward whose finding no longer holds close as fixed, new findings open;
- `persons_sync` (the incremental scan, after the commit of every change to a person, a household, a membership
  or a residence record: receivers in quality_receivers.py): the same for the findings around those persons
  only (their own fields and identity, their duplicate blocks, their households, their records).

A finding an officer closed as confirmed correct or not a duplicate is not opened again (its key is kept); one
closed as fixed opens again if it comes back. Officers' decisions: `issue_confirm`, `issue_not_duplicate`
(audited, scoped to the ward's managers); fixing goes through a correction request (four eyes)."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from precinct.accounts.actors import as_user
from precinct.audit.services import audit_record
from precinct.core.actors import Actor
from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.organisation.models import Unit
from precinct.residence import permissions, quality
from precinct.residence.consistency import consistency_findings
from precinct.residence.models import (
    HouseholdMember,
    IssueState,
    Person,
    QualityIssue,
    ResidenceRecord,
)
from precinct.residence.rules import Finding, RuleSet, joined, later

FINAL = (IssueState.CONFIRMED, IssueState.NOT_DUPLICATE)


def _person_findings(rows: Iterable[tuple], rules: RuleSet, today: datetime.date) -> list[Finding]:
    """Completeness, validity and timeliness of persons given as (pk, unit, path, id, birth, sex, status,
    verified, *required field values)."""
    fields = quality.required_fields(rules)
    stale = rules.stale_before(today)
    found = []
    for pk, unit_id, path, pid, born, sex, status, verified, *values in rows:
        missing = [name for name, value in zip(fields, values, strict=True) if not value]
        if missing:
            labels = joined([getattr(Person._meta.get_field(n), "verbose_name", n) for n in missing], ", ")
            found.append(Finding("required_fields", f"required_fields:p{pk}", unit_id, path, labels, person_id=pk))
        if id_part := quality.id_rule_problems(pid, born, sex, rules):
            found.append(Finding("personal_id", f"personal_id:p{pk}", unit_id, path, joined(id_part), pk))
        if age_part := quality.age_rule_problems(born, status, today, rules):
            found.append(Finding("over_age", f"over_age:p{pk}", unit_id, path, joined(age_part), pk))
        if rules.active("verified_recently") and (verified is None or verified < stale):
            when = verified.strftime("%d/%m/%Y") if verified else "—"
            text = later(gettext_lazy("Last verified on %(date)s."), date=when)
            found.append(Finding("verified_recently", f"verified_recently:p{pk}", unit_id, path, text, person_id=pk))
    return found


def _person_rows(persons: object, rules: RuleSet) -> Iterable[tuple]:
    fields = quality.required_fields(rules)
    return persons.values_list(  # type: ignore[attr-defined]
        "pk", "unit_id", "unit_path", "personal_id", "date_of_birth", "sex", "status", "verified_on", *fields
    ).iterator(chunk_size=quality.STREAM_CHUNK)


def _pair_findings(pairs: Iterable[tuple[int, int, int]]) -> list[Finding]:
    pairs = list(pairs)
    paths: dict[int, tuple[int, str]] = {}
    firsts = sorted({a for a, _b, _s in pairs})
    for start in range(0, len(firsts), 5000):
        for pk, unit_id, path in Person.objects.filter(pk__in=firsts[start : start + 5000]).values_list(
            "pk", "unit_id", "unit_path"
        ):
            paths[pk] = (unit_id, path)
    return [
        Finding(
            "duplicate_person",
            f"duplicate_person:p{a}-{b}",
            paths[a][0],
            paths[a][1],
            later(gettext_lazy("Match score %(score)d."), score=score),
            person_id=a,
            other_id=b,
        )
        for a, b, score in pairs
        if a in paths
    ]


def ward_findings(path: str, rules: RuleSet, today: datetime.date) -> list[Finding]:
    """Every active rule's findings in the ward's subtree (the full scan)."""
    persons = Person.objects.filter(unit_path__startswith=path)
    found = _person_findings(_person_rows(persons, rules), rules, today)
    if rules.active("duplicate_person"):
        stream = persons.order_by("date_of_birth", "pk").values_list(*quality.DUP_FIELDS)
        found += _pair_findings(quality.duplicate_pairs(stream.iterator(chunk_size=quality.STREAM_CHUNK), rules))
    return found + consistency_findings(rules, today, path=path)


def persons_findings(person_ids: list[int], rules: RuleSet, today: datetime.date) -> list[Finding]:
    """The findings around a few changed persons (the incremental scan)."""
    persons = list(Person.objects.filter(pk__in=person_ids))
    fields = quality.required_fields(rules)
    rows = [
        (
            p.pk,
            p.unit_id,
            p.unit_path,
            p.personal_id,
            p.date_of_birth,
            p.sex,
            p.status,
            p.verified_on,
            *(getattr(p, name) for name in fields),
        )
        for p in persons
    ]
    found = _person_findings(rows, rules, today)
    pairs = set()
    for person in persons:
        for other, score in ((o.pk, s) for o, s in quality.person_check(person, today=today, rules=rules).duplicates):
            pairs.add((min(person.pk, other), max(person.pk, other), score))
    found += _pair_findings(sorted(pairs))
    return found + consistency_findings(rules, today, person_ids=person_ids)


def _rendered(text: object, language: str) -> str:
    with translation.override(language):
        return str(text)[:300]


def _sync(existing: QuerySet[QualityIssue], found: list[Finding], rules: RuleSet) -> tuple[int, int]:
    """Open what is new, close as fixed what no longer holds; returns (opened, fixed)."""
    now = timezone.now()
    by_key = {f.key: f for f in found}
    open_rows = existing.filter(state=IssueState.OPEN).values_list("key", "pk", "detail_en")
    open_keys, untranslated = {}, []
    for key, pk, detail_en in open_rows:
        open_keys[key] = pk
        if not detail_en and key in by_key:  # written before the queue kept English (0008)
            untranslated.append(QualityIssue(pk=pk, detail_en=_rendered(by_key[key].detail, "en")))
    QualityIssue.objects.bulk_update(untranslated, ["detail_en"], batch_size=2000)
    gone = [pk for key, pk in open_keys.items() if key not in by_key]
    fixed = 0
    for start in range(0, len(gone), 5000):
        fixed += QualityIssue.objects.filter(pk__in=gone[start : start + 5000]).update(
            state=IssueState.FIXED, closed_at=now, closed_by=None, reason=""
        )
    new_keys = [k for k in by_key if k not in open_keys]
    final: set[str] = set()
    for start in range(0, len(new_keys), 5000):
        final.update(
            QualityIssue.objects.filter(key__in=new_keys[start : start + 5000], state__in=FINAL).values_list(
                "key", flat=True
            )
        )
    rule_ids = {r.code: r.pk for r in rules.rows.values()}
    rows = [
        QualityIssue(
            rule_id=rule_ids[f.code],
            key=f.key,
            unit_id=f.unit_id,
            unit_path=f.unit_path,
            person_id=f.person_id,
            other_id=f.other_id,
            household_id=f.household_id,
            record_id=f.record_id,
            detail=_rendered(f.detail, "vi"),
            detail_en=_rendered(f.detail, "en"),
            opened_at=now,
        )
        for key, f in by_key.items()
        if key not in open_keys and key not in final and f.code in rule_ids
    ]
    QualityIssue.objects.bulk_create(rows, batch_size=2000)
    return len(rows), fixed


def _active_codes(rules: RuleSet) -> list[str]:
    return [code for code in rules.rows if rules.active(code)]


@transaction.atomic
def ward_sync(*, actor: Actor, unit: Unit, today: datetime.date | None = None) -> tuple[int, int]:
    """The full scan of a ward into its queue (a reader of the ward may ask for it; the daily job runs it)."""
    if actor is not None and not permissions.can_read_register(actor, unit):
        raise PermissionDenied(gettext_lazy("You may not read the register of this ward."))
    today = today or timezone.localdate()
    rules = RuleSet()
    found = ward_findings(unit.path, rules, today)
    existing = QualityIssue.objects.filter(unit_path__startswith=unit.path, rule__code__in=_active_codes(rules))
    # A ward's scan pairs its own records only: a pair with another ward's record (found by the incremental
    # scan, which searches the whole register) is the incremental scan's to close.
    existing = existing.exclude(Q(rule__code="duplicate_person") & ~Q(other__unit_path__startswith=unit.path))
    opened, fixed = _sync(existing, found, rules)
    audit_record(
        actor=actor,
        action="residence.quality_queue_scan",
        target_label=unit.code,
        unit=unit,
        after={"opened": opened, "fixed": fixed, "findings": len(found)},
    )
    return opened, fixed


@transaction.atomic
def persons_sync(*, person_ids: list[int], today: datetime.date | None = None) -> tuple[int, int]:
    """The incremental scan: the queue's rows around these persons brought in step (audited when it moved)."""
    if not person_ids:
        return 0, 0
    today = today or timezone.localdate()
    rules = RuleSet()
    found = persons_findings(person_ids, rules, today)
    # Plain id lists: an OR of IN-subqueries would not use the foreign keys' indexes on PostgreSQL.
    households = list(HouseholdMember.objects.filter(person_id__in=person_ids).values_list("household_id", flat=True))
    records = list(ResidenceRecord.objects.filter(person_id__in=person_ids).values_list("pk", flat=True))
    existing = QualityIssue.objects.filter(
        Q(person_id__in=person_ids)
        | Q(other_id__in=person_ids)
        | Q(household_id__in=households)
        | Q(record_id__in=records),
        rule__code__in=_active_codes(rules),
    )
    opened, fixed = _sync(existing, found, rules)
    if opened or fixed:
        audit_record(
            actor=None,
            action="residence.quality_queue_check",
            target_label="quality",
            after={"persons": person_ids[:50], "opened": opened, "fixed": fixed},
        )
    return opened, fixed


def _decidable(actor: Actor, issue: QualityIssue) -> QualityIssue:
    locked = QualityIssue.objects.select_for_update().select_related("unit", "rule").get(pk=issue.pk)
    if not permissions.can_manage_register(actor, locked.unit):
        raise PermissionDenied(gettext_lazy("You may not change the register of this ward."))
    if locked.state != IssueState.OPEN:
        raise DomainError("issue_closed", gettext_lazy("This finding is already closed."), status=409)
    return locked


def _close(actor: Actor, issue: QualityIssue, state: str, reason: str) -> QualityIssue:
    issue.state = state
    issue.closed_at = timezone.now()
    issue.closed_by = as_user(actor)
    issue.reason = reason
    issue.save(update_fields=["state", "closed_at", "closed_by", "reason"])
    audit_record(
        actor=actor,
        action=f"residence.quality_issue_{state}",
        target=issue,
        unit=issue.unit,
        before={"state": IssueState.OPEN},
        after={"state": state, "reason": reason, "key": issue.key},
    )
    return issue


@transaction.atomic
def issue_confirm(*, actor: Actor, issue: QualityIssue, reason: str) -> QualityIssue:
    """The record is right as it is (e.g. a real 112-year-old): the finding closes and is not opened again."""
    if not reason.strip():
        raise ValidationFailed({"reason": [gettext_lazy("Say why the record is correct as it is.")]})
    locked = _decidable(actor, issue)
    if locked.rule.code == "duplicate_person":
        raise DomainError(
            "issue_is_pair", gettext_lazy("A possible duplicate is closed as not a duplicate."), status=409
        )
    return _close(actor, locked, IssueState.CONFIRMED, reason.strip())


@transaction.atomic
def issue_not_duplicate(*, actor: Actor, issue: QualityIssue, reason: str) -> QualityIssue:
    """The two records are different people: NotDuplicate (the scans skip the pair) and the finding closes."""
    from precinct.residence.services import not_duplicate_mark

    if not reason.strip():
        raise ValidationFailed({"reason": [gettext_lazy("Say why these are different people.")]})
    locked = _decidable(actor, issue)
    if locked.rule.code != "duplicate_person" or locked.person is None or locked.other is None:
        raise DomainError("issue_not_pair", gettext_lazy("This finding is not a possible duplicate."), status=409)
    try:
        not_duplicate_mark(actor=actor, first=locked.person, second=locked.other)
    except DomainError as exc:
        if exc.code != "already_marked":
            raise
    return _close(actor, locked, IssueState.NOT_DUPLICATE, reason.strip())
