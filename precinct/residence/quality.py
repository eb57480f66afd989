"""Data quality of the register, ward by ward, on five dimensions: completeness (required fields filled),
validity (personal ID rules; living persons over 110), uniqueness (the same person twice: blocking on the date
of birth and on the personal ID's prefix, then fuzzy matching of accent-folded names with rapidfuzz),
timeliness (records verified within N months) and consistency (consistency.py: households, relations,
residences). Which rules run and with what parameters is data: rules.RuleSet (ADR 0038). Reads only; the
caller has checked who may see the ward.

The full scan never holds a ward's Person objects: completeness and timeliness are counted by the database
(one aggregate), validity and uniqueness read one stream of narrow tuples ordered by birth date (a server-side
cursor on PostgreSQL), so one date's block is in memory at a time; only the rows a page lists (at most
`LIST_LIMIT` of each kind) are loaded as objects. `person_check` is the incremental check of one record: its
own fields and its birth-date block, over the whole register (the index on date_of_birth)."""

import datetime
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz, process

from precinct.accounts.personal_id import personal_id_errors, sex_century_digit
from precinct.residence.models import NotDuplicate, Person, PersonStatus, ResidenceKind, ResidenceRecord
from precinct.residence.rules import RuleSet, later

REQUIRED_FIELDS = ("personal_id", "date_of_birth", "sex", "place_of_origin", "ethnicity")
LIST_LIMIT = 200  # rows of each kind a page lists; the figures count them all
STREAM_CHUNK = 5000
OLDEST_LIVING = 110


def match_threshold() -> int:
    """The duplicate rule's threshold as the table holds it (settings give the default)."""
    return int(RuleSet().param("duplicate_person", "threshold"))


def stale_months() -> int:
    return int(RuleSet().param("verified_recently", "months"))


@dataclass
class Report:
    persons: int = 0
    complete: int = 0
    valid: int = 0
    timely: int = 0
    consistent: int | None = None  # persons touched by no consistency finding (None: no consistency rule on)
    consistency_count: int = 0
    in_duplicates: int = 0  # distinct persons in at least one possible duplicate pair
    duplicate_count: int = 0
    invalid_count: int = 0
    expired_count: int = 0
    incomplete: list[tuple[Person, list[str]]] = field(default_factory=list)
    invalid: list[tuple[Person, list[str | Promise]]] = field(default_factory=list)
    duplicates: list[tuple[Person, Person, int]] = field(default_factory=list)
    expired: list[ResidenceRecord] = field(default_factory=list)
    pairs: list[tuple[int, int, int]] = field(default_factory=list)  # every candidate pair by id (benchmark)

    @staticmethod
    def share(part: int, whole: int) -> Decimal | None:
        return (Decimal(100) * part / whole).quantize(Decimal("0.1")) if whole else None

    @property
    def incomplete_count(self) -> int:
        return self.persons - self.complete

    @property
    def completeness(self) -> Decimal | None:
        return self.share(self.complete, self.persons)

    @property
    def validity(self) -> Decimal | None:
        return self.share(self.valid, self.persons)

    @property
    def uniqueness(self) -> Decimal | None:
        return self.share(self.persons - self.in_duplicates, self.persons)

    @property
    def timeliness(self) -> Decimal | None:
        return self.share(self.timely, self.persons)

    @property
    def consistency(self) -> Decimal | None:
        return None if self.consistent is None else self.share(self.consistent, self.persons)


def required_fields(rules: RuleSet) -> tuple[str, ...]:
    """The fields the completeness rule asks for (none when it is switched off)."""
    return tuple(rules.param("required_fields", "fields")) if rules.active("required_fields") else ()


def _missing_q(fields: tuple[str, ...] = REQUIRED_FIELDS) -> Q:
    condition = Q(pk__in=[])
    for name in fields:
        condition |= Q(date_of_birth__isnull=True) if name == "date_of_birth" else Q(**{name: ""})
    return condition


def _missing_labels(person: Person, fields: tuple[str, ...] = REQUIRED_FIELDS) -> list[str]:
    return [
        str(getattr(Person._meta.get_field(name), "verbose_name", name)) for name in fields if not getattr(person, name)
    ]


def id_rule_problems(
    personal_id: str, date_of_birth: datetime.date | None, sex: str, rules: RuleSet | None
) -> list[str | Promise]:
    """The personal ID rule: the number against the birth date, the sex and the province codes."""
    if not personal_id or (rules is not None and not rules.active("personal_id")):
        return []
    return list(personal_id_errors(personal_id, date_of_birth=date_of_birth, sex=sex))


def age_rule_problems(
    date_of_birth: datetime.date | None, status: str, today: datetime.date, rules: RuleSet | None
) -> list[str | Promise]:
    """The age rule: a living person older than the rule's years."""
    if rules is not None and not rules.active("over_age"):
        return []
    oldest = OLDEST_LIVING if rules is None else int(rules.param("over_age", "years"))
    if date_of_birth and status == PersonStatus.LIVING and date_of_birth.year < today.year - oldest:
        return [later(gettext_lazy("Over %(years)d years old and not marked deceased."), years=oldest)]
    return []


def id_problems(
    personal_id: str,
    date_of_birth: datetime.date | None,
    sex: str,
    status: str,
    today: datetime.date,
    rules: RuleSet | None = None,
) -> list[str | Promise]:
    """What is wrong with a record's identity (empty when nothing), by the active validity rules."""
    return id_rule_problems(personal_id, date_of_birth, sex, rules) + age_rule_problems(
        date_of_birth, status, today, rules
    )


Row = tuple[int, str, datetime.date | None, str, str, str]  # pk, personal_id, birth date, sex, status, folded name


def _sorted_tokens(name: str) -> str:
    return " ".join(sorted(name.split()))


def block_pairs(block: list[tuple[int, str, str]], threshold: int) -> Iterator[tuple[int, int, int]]:
    """Pairs (lower pk, higher pk, score) in one birth-date block whose folded names score at least the
    threshold (token_sort_ratio: the tokens sorted once per name, then one C call per record against the rest
    of its block); two records holding different personal IDs are different people whatever their names."""
    if len(block) < 2:
        return
    names = [_sorted_tokens(name) for _pk, _pid, name in block]
    for i in range(len(block) - 1):
        a, a_id, _n = block[i]
        for _name, score, j in process.extract(
            names[i], names[i + 1 :], scorer=fuzz.ratio, score_cutoff=threshold, limit=None
        ):
            b, b_id, _m = block[i + 1 + j]
            if a_id and b_id and a_id != b_id:
                continue
            yield (a, b, int(score)) if a < b else (b, a, int(score))


def prefix_key(personal_id: str, date_of_birth: datetime.date | None, sex: str) -> str | None:
    """The ID-prefix block of a record: digits 4-6 of the personal ID (century/sex, birth year), or for a record
    without an ID the same digits derived from its sex and birth date. The province digits (1-3) are left out:
    two records that both carry an ID are different people whatever their prefixes (the ID is unique)."""
    if len(personal_id) == 12 and personal_id.isdigit():
        return personal_id[3:6]
    if date_of_birth is None or sex not in ("male", "female"):
        return None
    return f"{sex_century_digit(sex=sex, birth_year=date_of_birth.year)}{date_of_birth.year % 100:02d}"


class PrefixBlocks:
    """The second blocking rule, fed one birth-date block at a time in date order: records of one ID-prefix
    block born within `days` of each other (on another day: the same day is the first rule's), where at least
    one has no ID, compared by folded name. Keeps only the last `days` days of each prefix block in memory."""

    def __init__(self, days: int, threshold: int) -> None:
        self.days, self.threshold = days, threshold
        self.all: dict[str, deque[tuple[int, str, datetime.date, str]]] = {}
        self.without_id: dict[str, deque[tuple[int, str, datetime.date, str]]] = {}

    def _window(self, table: dict[str, deque[Any]], key: str, day: datetime.date) -> deque[Any]:
        window = table.setdefault(key, deque())
        oldest = day - datetime.timedelta(days=self.days)
        while window and window[0][2] < oldest:
            window.popleft()
        return window

    def feed(self, day: datetime.date, block: list[tuple[int, str, str, str]]) -> Iterator[tuple[int, int, int]]:
        """block: (pk, personal_id, folded name, sex) born on `day`; yields (lower pk, higher pk, score)."""
        if self.days <= 0:
            return
        keyed = [(prefix_key(pid, day, sex), pk, pid, _sorted_tokens(name)) for pk, pid, name, sex in block]
        for key, pk, pid, name in keyed:
            if key is None:
                continue
            window = self._window(self.all if not pid else self.without_id, key, day)
            if window:
                for _n, score, j in process.extract(
                    name, [w[3] for w in window], scorer=fuzz.ratio, score_cutoff=self.threshold, limit=None
                ):
                    other = window[j][0]
                    yield (pk, other, int(score)) if pk < other else (other, pk, int(score))
        for key, pk, pid, name in keyed:
            if key is None:
                continue
            self._window(self.all, key, day).append((pk, pid, day, name))
            if not pid:
                self._window(self.without_id, key, day).append((pk, pid, day, name))


def _dismissed(pairs: list[tuple[int, int, int]]) -> set[tuple[int, int]]:
    if not pairs:
        return set()
    firsts = {a for a, _b, _s in pairs}
    found: set[tuple[int, int]] = set()
    ordered = sorted(firsts)
    for start in range(0, len(ordered), 5000):
        chunk = ordered[start : start + 5000]
        found.update(NotDuplicate.objects.filter(first_id__in=chunk).values_list("first_id", "second_id"))
    return found


DupRow = tuple[int, str, datetime.date | None, str, str]  # pk, personal_id, birth date, folded name, sex


def duplicate_pairs(rows: Iterable[DupRow], rules: RuleSet | None = None) -> list[tuple[int, int, int]]:
    """Possible duplicates among rows (pk, personal_id, birth date, folded name, sex) ordered by birth date,
    blocked on the birth date and on the ID prefix (PrefixBlocks), minus the pairs an officer marked as
    different people."""
    rules = rules or RuleSet()
    threshold = int(rules.param("duplicate_person", "threshold"))
    prefix = PrefixBlocks(
        int(rules.param("duplicate_person", "prefix_days")), int(rules.param("duplicate_person", "prefix_threshold"))
    )
    pairs: list[tuple[int, int, int]] = []
    for day, group in groupby(rows, key=lambda r: r[2]):
        if day is None:
            continue
        block = list(group)
        pairs.extend(block_pairs([(pk, pid, name) for pk, pid, _d, name, _s in block], threshold))
        pairs.extend(prefix.feed(day, [(pk, pid, name, sex) for pk, pid, _d, name, sex in block]))
    dismissed = _dismissed(pairs)
    return [p for p in pairs if (p[0], p[1]) not in dismissed]


def duplicate_candidates(persons: list[Person]) -> list[tuple[Person, Person, int]]:
    """Possible duplicates among the given persons (the rows of a small list, e.g. the tests' or a page's)."""
    by_pk = {p.pk: p for p in persons}
    rows = sorted(
        ((p.pk, p.personal_id, p.date_of_birth, p.name_folded, p.sex) for p in persons if p.date_of_birth),
        key=lambda r: (r[2], r[0]),
    )
    return [(by_pk[a], by_pk[b], s) for a, b, s in duplicate_pairs(rows)]


def _persons(unit_path: str, until: datetime.date | None) -> Any:
    persons = Person.objects.filter(unit_path__startswith=unit_path)
    return persons.filter(created_at__date__lte=until) if until is not None else persons


def ward_report(
    unit_path: str,
    *,
    today: datetime.date | None = None,
    until: datetime.date | None = None,
    list_limit: int = LIST_LIMIT,
    rules: RuleSet | None = None,
) -> Report:
    """The quality of the records of the ward (and its subtree) at `unit_path`, as of today, by the active
    rules with their parameters (a dimension whose rules are all off scores None)."""
    from precinct.residence.consistency import consistency_findings, persons_touched

    today = today or timezone.localdate()
    rules = rules or RuleSet()
    fields = required_fields(rules)
    persons = _persons(unit_path, until)
    counts = persons.aggregate(
        persons=Count("pk"),
        incomplete=Count("pk", filter=_missing_q(fields)),
        timely=Count("pk", filter=Q(verified_on__gte=rules.stale_before(today))),
    )
    report = Report(persons=counts["persons"], complete=counts["persons"] - counts["incomplete"])
    report.timely = counts["timely"] if rules.active("verified_recently") else counts["persons"]

    invalid_ids: list[tuple[int, list[str | Promise]]] = []
    stream = persons.order_by("date_of_birth", "pk").values_list(
        "pk", "personal_id", "date_of_birth", "sex", "status", "name_folded"
    )

    def checked(rows: Iterable[Row]) -> Iterator[DupRow]:
        for pk, personal_id, dob, sex, status, name in rows:
            problems = id_problems(personal_id, dob, sex, status, today, rules)
            if problems:
                report.invalid_count += 1
                if len(invalid_ids) < list_limit:
                    invalid_ids.append((pk, problems))
            elif personal_id:
                report.valid += 1
            yield pk, personal_id, dob, name, sex

    if rules.active("duplicate_person"):
        pairs = duplicate_pairs(checked(stream.iterator(chunk_size=STREAM_CHUNK)), rules)
    else:
        pairs = []
        for _row in checked(stream.iterator(chunk_size=STREAM_CHUNK)):
            pass
    report.pairs = pairs
    report.duplicate_count = len(pairs)
    report.in_duplicates = len({pk for a, b, _s in pairs for pk in (a, b)})

    if any(rules.active(code) for code in ("household_head", "relation_ages", "permanent_two_places")) or any(
        rules.active(code) for code in ("temporary_expired", "absence_overdue")
    ):
        findings = consistency_findings(rules, today, path=unit_path)
        report.consistency_count = len(findings)
        report.consistent = max(0, report.persons - len(persons_touched(findings)))

    shown_pairs = pairs[:list_limit]
    wanted = {pk for pk, _p in invalid_ids} | {pk for a, b, _s in shown_pairs for pk in (a, b)}
    loaded = Person.objects.in_bulk(list(wanted))
    report.invalid = [(loaded[pk], problems) for pk, problems in invalid_ids]
    report.duplicates = [(loaded[a], loaded[b], s) for a, b, s in shown_pairs]
    report.incomplete = [
        (p, _missing_labels(p, fields)) for p in persons.filter(_missing_q(fields)).order_by("pk")[:list_limit]
    ]
    if rules.active("temporary_expired"):
        grace = datetime.timedelta(days=int(rules.param("temporary_expired", "grace_days")))
        expired = ResidenceRecord.objects.filter(
            unit_path__startswith=unit_path, kind=ResidenceKind.TEMPORARY, is_current=True, end__lt=today - grace
        )
        report.expired_count = expired.count()
        report.expired = list(expired.select_related("person")[:list_limit])
    return report


@dataclass
class Check:
    """The incremental check of one record: what a change to it left wrong."""

    person: Person
    missing: list[str]
    problems: list[str | Promise]
    duplicates: list[tuple[Person, int]]

    @property
    def clean(self) -> bool:
        return not (self.missing or self.problems or self.duplicates)


def _block_around(person: Person, rules: RuleSet) -> list[tuple[int, str, str, bool]]:
    """The records the person could duplicate, each (pk, personal ID, folded name, born another day): its
    birth-date block, and its ID-prefix block within the rule's days (another day, one side without an ID).
    Indexed queries on date_of_birth."""
    dob = person.date_of_birth
    if dob is None:
        return []
    same_day = [
        (pk, pid, name, False)
        for pk, pid, name in Person.objects.filter(date_of_birth=dob)
        .exclude(pk=person.pk)
        .values_list("pk", "personal_id", "name_folded")
    ]
    days = int(rules.param("duplicate_person", "prefix_days"))
    key = prefix_key(person.personal_id, dob, person.sex)
    if days <= 0 or key is None:
        return same_day
    near = Person.objects.filter(
        date_of_birth__gte=max(dob - datetime.timedelta(days=days), dob.replace(month=1, day=1)),
        date_of_birth__lte=min(dob + datetime.timedelta(days=days), dob.replace(month=12, day=31)),
    ).exclude(date_of_birth=dob)
    if person.personal_id:
        near = near.filter(personal_id="")
    return same_day + [
        (pk, pid, name, True)
        for pk, pid, name, born, sex in near.values_list("pk", "personal_id", "name_folded", "date_of_birth", "sex")
        if prefix_key(pid, born, sex) == key
    ]


def person_check(person: Person, *, today: datetime.date | None = None, rules: RuleSet | None = None) -> Check:
    """Check one (changed) record: its required fields, its identity, and its birth-date and ID-prefix blocks
    in the whole register (indexed queries), minus the pairs marked as different people."""
    today = today or timezone.localdate()
    rules = rules or RuleSet()
    duplicates: list[tuple[Person, int]] = []
    block = _block_around(person, rules) if rules.active("duplicate_person") else []
    if block:
        threshold = int(rules.param("duplicate_person", "threshold"))
        hits = process.extract(
            _sorted_tokens(person.name_folded),
            {pk: _sorted_tokens(name) for pk, _pid, name, _other_day in block},
            scorer=fuzz.ratio,
            score_cutoff=threshold,
            limit=None,
        )
        ids = {pk: pid for pk, pid, _n, _d in block}
        # Born on another day (the ID-prefix block): the stricter threshold, as in the full scan.
        near = {pk for pk, _pid, _n, other_day in block if other_day}
        strict = int(rules.param("duplicate_person", "prefix_threshold"))
        found = [
            (pk, int(score))
            for _name, score, pk in hits
            if not (person.personal_id and ids[pk] and ids[pk] != person.personal_id)
            and (pk not in near or score >= strict)
        ]
        if found:
            others = [pk for pk, _s in found]
            dismissed = set(
                NotDuplicate.objects.filter(
                    Q(first=person, second_id__in=others) | Q(second=person, first_id__in=others)
                ).values_list("first_id", "second_id")
            )
            keep = [(pk, s) for pk, s in found if (min(pk, person.pk), max(pk, person.pk)) not in dismissed]
            loaded = Person.objects.in_bulk([pk for pk, _s in keep])
            duplicates = [(loaded[pk], s) for pk, s in sorted(keep, key=lambda x: -x[1])]
    return Check(
        person=person,
        missing=_missing_labels(person, required_fields(rules)),
        problems=id_problems(person.personal_id, person.date_of_birth, person.sex, person.status, today, rules),
        duplicates=duplicates,
    )
