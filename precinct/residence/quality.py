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
from functools import lru_cache
from itertools import groupby
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz, process

from precinct.accounts.personal_id import personal_id_errors, sex_century_digit
from precinct.core.text import fold
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


Row = tuple[int, str, datetime.date | None, str, str, str, str]  # pk, ID, birth date, sex, status, folded name, origin


def _sorted_tokens(name: str) -> str:
    return " ".join(sorted(name.split()))


@lru_cache(maxsize=4096)
def origin_key(origin: str) -> str:
    """A place of origin as compared: accent-folded, spaces collapsed ("" when unknown)."""
    return " ".join(fold(origin).split())


@dataclass(frozen=True)
class Weights:
    """The duplicate rule's weighted score (ADR 0041): the name similarity (0-100: the folded names compared as
    written and with their words sorted, the better of the two) plus `origin` when both places of origin are
    known and the same, minus `sex` when both sexes are known and differ, minus `slip` when the birth dates differ (the
    ID-prefix block); a pair at `threshold` or above is a possible duplicate."""

    threshold: int = 92
    origin: int = 5
    sex: int = 10
    slip: int = 6

    @classmethod
    def of(cls, rules: RuleSet) -> "Weights":
        def param(name: str) -> int:
            return int(rules.param("duplicate_person", name))

        return cls(param("threshold"), param("origin_weight"), param("sex_weight"), param("slip_weight"))

    def score(self, similarity: float, same_origin: bool, same_sex: bool, same_day: bool) -> float:
        return (
            similarity
            + (self.origin if same_origin else 0)
            - (0 if same_sex else self.sex)
            - (0 if same_day else self.slip)
        )

    def cutoff(self, same_day: bool) -> float:
        """The least name similarity that can still reach the threshold (the best case: the same origin and
        sex), the cut-off of the C name matching."""
        return max(0.0, self.threshold - self.origin + (0 if same_day else self.slip))


class Candidate:
    """One record as the duplicate rule compares it: the folded name as written and sorted, the ID, the sex,
    the place of origin (folded), the birth date."""

    __slots__ = ("born", "name", "origin", "pid", "pk", "sex", "sorted_name")

    def __init__(self, pk: int, pid: str, name: str, sex: str, origin: str, born: datetime.date) -> None:
        self.pk, self.pid, self.name, self.sex, self.born = pk, pid, name, sex, born
        self.sorted_name = _sorted_tokens(name)
        self.origin = origin_key(origin)


def similarities(one: Candidate, others: list[Candidate], cutoff: float) -> dict[int, float]:
    """Index in `others` -> name similarity of those at `cutoff` or above: two C calls (the names as written,
    then sorted), the better score of each kept."""
    if not others:
        return {}
    found = {
        j: s
        for _n, s, j in process.extract(
            one.name, [o.name for o in others], scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        )
    }
    for _n, s, j in process.extract(
        one.sorted_name, [o.sorted_name for o in others], scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
    ):
        if s > found.get(j, -1.0):
            found[j] = s
    return found


def scored(
    one: Candidate, others: list[Candidate], weights: Weights, same_day: bool
) -> Iterator[tuple[Candidate, int]]:
    """The records of `others` the weighted score makes possible duplicates of `one`, with their score
    (rounded); two records holding different personal IDs are different people whatever their names."""
    for j, similarity in similarities(one, others, weights.cutoff(same_day)).items():
        other = others[j]
        if one.pid and other.pid and one.pid != other.pid:
            continue
        score = weights.score(
            similarity,
            bool(one.origin) and one.origin == other.origin,
            not (one.sex and other.sex and one.sex != other.sex),
            same_day,
        )
        if score >= weights.threshold:
            yield other, round(score)


def _pair(a: int, b: int, score: int) -> tuple[int, int, int]:
    return (a, b, score) if a < b else (b, a, score)


def block_pairs(block: list[Candidate], weights: Weights) -> Iterator[tuple[int, int, int]]:
    """Pairs (lower pk, higher pk, score) in one birth-date block at the weighted score's threshold or above
    (each record against the rest of its block)."""
    for i in range(len(block) - 1):
        one = block[i]
        for other, score in scored(one, block[i + 1 :], weights, same_day=True):
            yield _pair(one.pk, other.pk, score)


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
    one has no ID, scored with the birth-date slip. Keeps only the last `days` days of each prefix block in
    memory."""

    def __init__(self, days: int, weights: Weights) -> None:
        self.days, self.weights = days, weights
        self.all: dict[str, deque[Candidate]] = {}
        self.without_id: dict[str, deque[Candidate]] = {}

    def _window(self, table: dict[str, deque[Candidate]], key: str, day: datetime.date) -> deque[Candidate]:
        window = table.setdefault(key, deque())
        oldest = day - datetime.timedelta(days=self.days)
        while window and window[0].born < oldest:
            window.popleft()
        return window

    def feed(self, day: datetime.date, block: list[Candidate]) -> Iterator[tuple[int, int, int]]:
        """block: the records born on `day`; yields (lower pk, higher pk, score)."""
        if self.days <= 0:
            return
        keyed = [(prefix_key(c.pid, day, c.sex), c) for c in block]
        for key, one in keyed:
            if key is None:
                continue
            window = self._window(self.all if not one.pid else self.without_id, key, day)
            if window:
                for other, score in scored(one, list(window), self.weights, same_day=False):
                    yield _pair(one.pk, other.pk, score)
        for key, one in keyed:
            if key is None:
                continue
            self._window(self.all, key, day).append(one)
            if not one.pid:
                self._window(self.without_id, key, day).append(one)


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


DupRow = tuple[int, str, datetime.date | None, str, str, str]  # pk, ID, birth date, folded name, sex, origin
DUP_FIELDS = ("pk", "personal_id", "date_of_birth", "name_folded", "sex", "place_of_origin")  # a DupRow's columns


def duplicate_pairs(rows: Iterable[DupRow], rules: RuleSet | None = None) -> list[tuple[int, int, int]]:
    """Possible duplicates among rows (DUP_FIELDS) ordered by birth date, blocked on the birth date and on the
    ID prefix (PrefixBlocks), scored by the rule's weights, minus the pairs an officer marked as different
    people."""
    rules = rules or RuleSet()
    weights = Weights.of(rules)
    prefix = PrefixBlocks(int(rules.param("duplicate_person", "prefix_days")), weights)
    pairs: list[tuple[int, int, int]] = []
    for day, group in groupby(rows, key=lambda r: r[2]):
        if day is None:
            continue
        block = [Candidate(pk, pid, name, sex, origin, day) for pk, pid, _d, name, sex, origin in group]
        if len(block) > 1:
            pairs.extend(block_pairs(block, weights))
        pairs.extend(prefix.feed(day, block))
    dismissed = _dismissed(pairs)
    return [p for p in pairs if (p[0], p[1]) not in dismissed]


def duplicate_candidates(persons: list[Person]) -> list[tuple[Person, Person, int]]:
    """Possible duplicates among the given persons (the rows of a small list, e.g. the tests' or a page's)."""
    by_pk = {p.pk: p for p in persons}
    rows = sorted(
        (
            (p.pk, p.personal_id, p.date_of_birth, p.name_folded, p.sex, p.place_of_origin)
            for p in persons
            if p.date_of_birth
        ),
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
        "pk", "personal_id", "date_of_birth", "sex", "status", "name_folded", "place_of_origin"
    )

    def checked(rows: Iterable[Row]) -> Iterator[DupRow]:
        for pk, personal_id, dob, sex, status, name, origin in rows:
            problems = id_problems(personal_id, dob, sex, status, today, rules)
            if problems:
                report.invalid_count += 1
                if len(invalid_ids) < list_limit:
                    invalid_ids.append((pk, problems))
            elif personal_id:
                report.valid += 1
            yield pk, personal_id, dob, name, sex, origin

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


def _block_around(person: Person, rules: RuleSet) -> list[Candidate]:
    """The records the person could duplicate: its birth-date block, and its ID-prefix block within the rule's
    days (another day, one side without an ID). Indexed queries on date_of_birth."""
    dob = person.date_of_birth
    if dob is None:
        return []
    columns = ("pk", "personal_id", "name_folded", "sex", "place_of_origin", "date_of_birth")
    same_day = [
        Candidate(*row) for row in Person.objects.filter(date_of_birth=dob).exclude(pk=person.pk).values_list(*columns)
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
        Candidate(*row) for row in near.values_list(*columns) if prefix_key(row[1], row[5], row[3]) == key
    ]


def person_check(person: Person, *, today: datetime.date | None = None, rules: RuleSet | None = None) -> Check:
    """Check one (changed) record: its required fields, its identity, and its birth-date and ID-prefix blocks
    in the whole register (indexed queries) scored as in the full scan, minus the pairs marked as different
    people."""
    today = today or timezone.localdate()
    rules = rules or RuleSet()
    duplicates: list[tuple[Person, int]] = []
    block = _block_around(person, rules) if rules.active("duplicate_person") else []
    if block and person.date_of_birth is not None:
        weights = Weights.of(rules)
        one = Candidate(
            person.pk, person.personal_id, person.name_folded, person.sex, person.place_of_origin, person.date_of_birth
        )
        found = [
            (other.pk, score)
            for same_day in (True, False)
            for other, score in scored(one, [c for c in block if (c.born == one.born) == same_day], weights, same_day)
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
