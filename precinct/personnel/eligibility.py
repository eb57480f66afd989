"""Who meets Resolution 40's criteria for a transfer round, and which criterion each officer fails.

A handful of set-wise queries for the whole province (officers, their postings, highest education, recent
discipline, recent ratings), then each officer is judged in Python: 5,000 officers stay well under 2 s
(bench/personnel_bench.py).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, Min, OuterRef
from django.utils.translation import gettext as _

from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Officer, Rank
from precinct.personnel.models import (
    RANK_ORDER,
    Direction,
    DisciplineRecord,
    Education,
    EducationLevel,
    Evaluation,
    Posting,
    Rating,
    TransferCriteria,
)


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    label: str
    met: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Verdict:
    officer: Officer
    checks: tuple[Check, ...]

    @property
    def eligible(self) -> bool:
        return all(c.met for c in self.checks)

    @property
    def failing(self) -> list[str]:
        return [c.code for c in self.checks if not c.met]


def _live[M](queryset: "M") -> "M":
    """Rows no later row corrects."""
    model = queryset.model  # type: ignore[attr-defined]
    return queryset.exclude(Exists(model.objects.filter(corrects=OuterRef("pk"))))  # type: ignore[attr-defined]


def years_between(start: datetime.date, end: datetime.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def level_since(postings: list[tuple[datetime.date, bool]], current_is_commune: bool) -> datetime.date | None:
    """The first day of the officer's unbroken run at the current level, from postings (start, at commune level)
    sorted by start; None when no posting is recorded."""
    since = None
    for start, is_commune in postings:
        if is_commune != current_is_commune:
            since = None
        elif since is None:
            since = start
    return since


def evaluate(officers: list[Officer], criteria: TransferCriteria, as_of: datetime.date) -> list[Verdict]:
    ids = [o.pk for o in officers]
    if not ids:
        return []
    postings: dict[int, list[tuple[datetime.date, bool]]] = defaultdict(list)
    for officer_id, posted, level in (
        _live(Posting.objects.filter(officer_id__in=ids, start_on__lte=as_of))
        .order_by("officer_id", "start_on", "pk")
        .values_list("officer_id", "start_on", "level")
    ):
        postings[officer_id].append((posted, level == "commune"))
    education = dict(
        _live(Education.objects.filter(officer_id__in=ids))
        .values("officer_id")
        .annotate(top=Max("level"))
        .values_list("officer_id", "top")
    )
    disciplined: set[int] = set()
    if criteria.discipline_free_years:
        since = as_of.replace(year=as_of.year - criteria.discipline_free_years)
        disciplined = set(
            DisciplineRecord.objects.filter(
                officer_id__in=ids, decided_on__gt=since, decided_on__lte=as_of
            ).values_list("officer_id", flat=True)
        )
    ratings: dict[int, tuple[int, int]] = {}
    if criteria.min_rating and criteria.rating_years:
        first_year = as_of.year - criteria.rating_years
        for officer_id, worst, count in (
            _live(Evaluation.objects.filter(officer_id__in=ids, year__gte=first_year, year__lt=as_of.year))
            .values("officer_id")
            .annotate(worst=Min("rating"), n=Count("year", distinct=True))
            .values_list("officer_id", "worst", "n")
        ):
            ratings[officer_id] = (worst, count)
    verdicts = []
    for officer in officers:
        checks: list[Check] = []
        is_commune = officer.unit.kind in COMMUNE_LEVEL_KINDS
        profile = getattr(officer, "profile", None)
        start: datetime.date | None = level_since(postings.get(officer.pk, []), is_commune)
        if start is None and profile is not None:
            start = profile.joined_on
        years = years_between(start, as_of) if start else 0
        checks.append(
            Check(
                "years_at_level",
                _("Years at the current level"),
                years >= criteria.min_years_at_level,
                _("%(years)d of %(need)d years") % {"years": years, "need": criteria.min_years_at_level},
            )
        )
        if criteria.max_age:
            age = years_between(profile.date_of_birth, as_of) if profile else None
            checks.append(
                Check(
                    "age",
                    _("Age limit"),
                    age is not None and age <= criteria.max_age,
                    _("age unknown")
                    if age is None
                    else _("%(age)d, at most %(limit)d") % {"age": age, "limit": criteria.max_age},
                )
            )
        if criteria.min_rank:
            met = RANK_ORDER.get(officer.rank, -1) >= RANK_ORDER[criteria.min_rank]
            checks.append(Check("rank", _("Minimum rank"), met, str(Rank(officer.rank).label)))
        if criteria.min_education:
            top = education.get(officer.pk)
            checks.append(
                Check(
                    "education",
                    _("Education"),
                    top is not None and top >= criteria.min_education,
                    str(EducationLevel(top).label) if top else _("none recorded"),
                )
            )
        if criteria.discipline_free_years:
            clean = officer.pk not in disciplined
            checks.append(
                Check(
                    "discipline",
                    _("No discipline in the last %(n)d years") % {"n": criteria.discipline_free_years},
                    clean,
                    _("none") if clean else _("disciplined"),
                )
            )
        if criteria.min_rating and criteria.rating_years:
            worst, count = ratings.get(officer.pk, (0, 0))
            met = count >= criteria.rating_years and worst >= criteria.min_rating
            checks.append(
                Check("rating", _("Evaluation ratings"), met, str(Rating(worst).label) if worst else _("not evaluated"))
            )
        verdicts.append(Verdict(officer, tuple(checks)))
    return verdicts


def candidates(direction: str, province_path: str) -> list[Officer]:
    """The officers a round in this direction considers: at commune level (to the province) or at the province
    (to the communes), in service."""
    officers = Officer.objects.filter(is_active=True, unit__path__startswith=province_path, unit__is_active=True)
    if direction == Direction.TO_PROVINCE:
        officers = officers.filter(unit__kind__in=COMMUNE_LEVEL_KINDS)
    else:
        officers = officers.exclude(unit__kind__in=COMMUNE_LEVEL_KINDS)
    return list(officers.select_related("unit", "profile").order_by("unit__path", "full_name", "pk"))
