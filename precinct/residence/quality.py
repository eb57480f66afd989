"""Data quality of the register, ward by ward, on four dimensions: completeness (required fields filled),
validity (personal ID rules), uniqueness (the same person twice: blocking on the date of birth, then fuzzy
matching of accent-folded names with rapidfuzz) and timeliness (records verified within N months, temporary
residences not left running past their end). Reads only; the caller has checked who may see the ward."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from rapidfuzz import fuzz

from precinct.accounts.personal_id import personal_id_errors
from precinct.residence.models import NotDuplicate, Person, PersonStatus, ResidenceKind, ResidenceRecord

REQUIRED_FIELDS = ("personal_id", "date_of_birth", "sex", "place_of_origin", "ethnicity")


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
    incomplete: list[tuple[Person, list[str]]] = field(default_factory=list)
    invalid: list[tuple[Person, list[str]]] = field(default_factory=list)
    duplicates: list[tuple[Person, Person, int]] = field(default_factory=list)
    expired: list[ResidenceRecord] = field(default_factory=list)

    @staticmethod
    def share(part: int, whole: int) -> Decimal | None:
        return (Decimal(100) * part / whole).quantize(Decimal("0.1")) if whole else None

    @property
    def completeness(self) -> Decimal | None:
        return self.share(self.complete, self.persons)

    @property
    def validity(self) -> Decimal | None:
        return self.share(self.valid, self.persons)

    @property
    def uniqueness(self) -> Decimal | None:
        in_pairs = {p.pk for a, b, _s in self.duplicates for p in (a, b)}
        return self.share(self.persons - len(in_pairs), self.persons)

    @property
    def timeliness(self) -> Decimal | None:
        return self.share(self.timely, self.persons)


def duplicate_candidates(persons: list[Person]) -> list[tuple[Person, Person, int]]:
    """Pairs with the same date of birth whose folded names score at least the threshold, minus the pairs an
    officer marked as different people."""
    threshold = match_threshold()
    blocks: dict[datetime.date, list[Person]] = defaultdict(list)
    for p in persons:
        if p.date_of_birth is not None:
            blocks[p.date_of_birth].append(p)
    pairs = []
    for block in blocks.values():
        for i, a in enumerate(block):
            for b in block[i + 1 :]:
                score = int(fuzz.token_sort_ratio(a.name_folded, b.name_folded))
                if score >= threshold:
                    pairs.append((a, b, score) if a.pk < b.pk else (b, a, score))
    if not pairs:
        return []
    ids = {p.pk for a, b, _s in pairs for p in (a, b)}
    dismissed = set(NotDuplicate.objects.filter(first_id__in=ids).values_list("first_id", "second_id"))
    return [(a, b, s) for a, b, s in pairs if (a.pk, b.pk) not in dismissed]


def ward_report(unit_path: str, *, today: datetime.date | None = None, until: datetime.date | None = None) -> Report:
    """The quality of the records of the ward (and its subtree) at `unit_path`, as of today."""
    today = today or timezone.localdate()
    stale_before = today - datetime.timedelta(days=30 * stale_months())
    persons = Person.objects.filter(unit_path__startswith=unit_path)
    if until is not None:
        persons = persons.filter(created_at__date__lte=until)
    people = list(persons.order_by("pk"))
    report = Report(persons=len(people))
    for p in people:
        missing = [
            str(getattr(Person._meta.get_field(name), "verbose_name", name))
            for name in REQUIRED_FIELDS
            if not getattr(p, name)
        ]
        if missing:
            report.incomplete.append((p, missing))
        else:
            report.complete += 1
        problems = [str(m) for m in personal_id_errors(p.personal_id, date_of_birth=p.date_of_birth, sex=p.sex)]
        if p.date_of_birth and p.status == PersonStatus.LIVING and p.date_of_birth.year < today.year - 110:
            problems.append("over 110")
        if p.personal_id and problems:
            report.invalid.append((p, problems))
        elif p.personal_id:
            report.valid += 1
        if p.verified_on is not None and p.verified_on >= stale_before:
            report.timely += 1
    report.duplicates = duplicate_candidates(people)
    report.expired = list(
        ResidenceRecord.objects.filter(
            unit_path__startswith=unit_path, kind=ResidenceKind.TEMPORARY, is_current=True, end__lt=today
        ).select_related("person")
    )
    return report
