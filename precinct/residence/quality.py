"""Data quality of the register, ward by ward, on four dimensions: completeness (required fields filled),
validity (personal ID rules; living persons over 110), uniqueness (the same person twice: blocking on the date
of birth, then fuzzy matching of accent-folded names with rapidfuzz) and timeliness (records verified within N
months, temporary residences not left running past their end). Reads only; the caller has checked who may see
the ward.

The full scan never holds a ward's Person objects: completeness and timeliness are counted by the database
(one aggregate), validity and uniqueness read one stream of narrow tuples ordered by birth date (a server-side
cursor on PostgreSQL), so one date's block is in memory at a time; only the rows a page lists (at most
`LIST_LIMIT` of each kind) are loaded as objects. `person_check` is the incremental check of one record: its
own fields and its birth-date block, over the whole register (the index on date_of_birth)."""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from precinct.accounts.personal_id import personal_id_errors
from precinct.residence.models import NotDuplicate, Person, PersonStatus, ResidenceKind, ResidenceRecord

REQUIRED_FIELDS = ("personal_id", "date_of_birth", "sex", "place_of_origin", "ethnicity")
LIST_LIMIT = 200  # rows of each kind a page lists; the figures count them all
STREAM_CHUNK = 5000
OLDEST_LIVING = 110


def match_threshold() -> int:
    return int(getattr(settings, "RESIDENCE_DUPLICATE_THRESHOLD", 90))


def stale_months() -> int:
    return int(getattr(settings, "RESIDENCE_VERIFY_MONTHS", 24))


@dataclass
class Report:
    persons: int = 0
    complete: int = 0
    valid: int = 0
    timely: int = 0
    in_duplicates: int = 0  # distinct persons in at least one possible duplicate pair
    duplicate_count: int = 0
    invalid_count: int = 0
    expired_count: int = 0
    incomplete: list[tuple[Person, list[str]]] = field(default_factory=list)
    invalid: list[tuple[Person, list[str]]] = field(default_factory=list)
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


def _missing_q() -> Q:
    condition = Q(date_of_birth__isnull=True)
    for name in REQUIRED_FIELDS:
        if name != "date_of_birth":
            condition |= Q(**{name: ""})
    return condition


def _missing_labels(person: Person) -> list[str]:
    return [
        str(getattr(Person._meta.get_field(name), "verbose_name", name))
        for name in REQUIRED_FIELDS
        if not getattr(person, name)
    ]


def id_problems(
    personal_id: str, date_of_birth: datetime.date | None, sex: str, status: str, today: datetime.date
) -> list[str]:
    """What is wrong with a record's identity (empty when nothing)."""
    problems = [str(m) for m in personal_id_errors(personal_id, date_of_birth=date_of_birth, sex=sex)]
    if date_of_birth and status == PersonStatus.LIVING and date_of_birth.year < today.year - OLDEST_LIVING:
        problems.append(_("Over %(years)d years old and not marked deceased.") % {"years": OLDEST_LIVING})
    return problems


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


def duplicate_pairs(rows: Iterable[tuple[int, str, datetime.date | None, str]]) -> list[tuple[int, int, int]]:
    """Possible duplicates among rows (pk, personal_id, birth date, folded name) ordered by birth date, minus the
    pairs an officer marked as different people."""
    threshold = match_threshold()
    pairs: list[tuple[int, int, int]] = []
    for day, block in groupby(rows, key=lambda r: r[2]):
        if day is None:
            continue
        pairs.extend(block_pairs([(pk, pid, name) for pk, pid, _d, name in block], threshold))
    dismissed = _dismissed(pairs)
    return [p for p in pairs if (p[0], p[1]) not in dismissed]


def duplicate_candidates(persons: list[Person]) -> list[tuple[Person, Person, int]]:
    """Possible duplicates among the given persons (the rows of a small list, e.g. the tests' or a page's)."""
    by_pk = {p.pk: p for p in persons}
    rows = sorted(
        ((p.pk, p.personal_id, p.date_of_birth, p.name_folded) for p in persons if p.date_of_birth),
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
) -> Report:
    """The quality of the records of the ward (and its subtree) at `unit_path`, as of today."""
    today = today or timezone.localdate()
    stale_before = today - datetime.timedelta(days=30 * stale_months())
    persons = _persons(unit_path, until)
    counts = persons.aggregate(
        persons=Count("pk"),
        incomplete=Count("pk", filter=_missing_q()),
        timely=Count("pk", filter=Q(verified_on__gte=stale_before)),
    )
    report = Report(persons=counts["persons"], complete=counts["persons"] - counts["incomplete"])
    report.timely = counts["timely"]

    invalid_ids: list[tuple[int, list[str]]] = []
    stream = persons.order_by("date_of_birth", "pk").values_list(
        "pk", "personal_id", "date_of_birth", "sex", "status", "name_folded"
    )

    def checked(rows: Iterable[Row]) -> Iterator[tuple[int, str, datetime.date | None, str]]:
        for pk, personal_id, dob, sex, status, name in rows:
            if personal_id:
                problems = id_problems(personal_id, dob, sex, status, today)
                if problems:
                    report.invalid_count += 1
                    if len(invalid_ids) < list_limit:
                        invalid_ids.append((pk, problems))
                else:
                    report.valid += 1
            yield pk, personal_id, dob, name

    pairs = duplicate_pairs(checked(stream.iterator(chunk_size=STREAM_CHUNK)))
    report.pairs = pairs
    report.duplicate_count = len(pairs)
    report.in_duplicates = len({pk for a, b, _s in pairs for pk in (a, b)})

    shown_pairs = pairs[:list_limit]
    wanted = {pk for pk, _p in invalid_ids} | {pk for a, b, _s in shown_pairs for pk in (a, b)}
    loaded = Person.objects.in_bulk(list(wanted))
    report.invalid = [(loaded[pk], problems) for pk, problems in invalid_ids]
    report.duplicates = [(loaded[a], loaded[b], s) for a, b, s in shown_pairs]
    report.incomplete = [(p, _missing_labels(p)) for p in persons.filter(_missing_q()).order_by("pk")[:list_limit]]
    expired = ResidenceRecord.objects.filter(
        unit_path__startswith=unit_path, kind=ResidenceKind.TEMPORARY, is_current=True, end__lt=today
    )
    report.expired_count = expired.count()
    report.expired = list(expired.select_related("person")[:list_limit])
    return report


@dataclass
class Check:
    """The incremental check of one record: what a change to it left wrong."""

    person: Person
    missing: list[str]
    problems: list[str]
    duplicates: list[tuple[Person, int]]

    @property
    def clean(self) -> bool:
        return not (self.missing or self.problems or self.duplicates)


def person_check(person: Person, *, today: datetime.date | None = None) -> Check:
    """Check one (changed) record: its required fields, its identity, and its birth-date block in the whole
    register (one indexed query), minus the pairs marked as different people."""
    today = today or timezone.localdate()
    duplicates: list[tuple[Person, int]] = []
    if person.date_of_birth is not None:
        block = list(
            Person.objects.filter(date_of_birth=person.date_of_birth)
            .exclude(pk=person.pk)
            .values_list("pk", "personal_id", "name_folded")
        )
        threshold = match_threshold()
        hits = process.extract(
            person.name_folded,
            {pk: name for pk, _pid, name in block},
            scorer=fuzz.token_sort_ratio,
            score_cutoff=threshold,
            limit=None,
        )
        ids = {pk: pid for pk, pid, _n in block}
        found = [
            (pk, int(score))
            for _name, score, pk in hits
            if not (person.personal_id and ids[pk] and ids[pk] != person.personal_id)
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
    problems = id_problems(person.personal_id, person.date_of_birth, person.sex, person.status, today)
    return Check(
        person=person,
        missing=_missing_labels(person),
        problems=problems if person.personal_id else [],
        duplicates=duplicates,
    )
