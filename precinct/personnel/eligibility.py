"""Who meets Resolution 40's criteria for a transfer round, and which criterion each officer fails.

One statement gives every criterion's facts for every candidate at once (`FACTS_SQL`: the unbroken run of postings
at the current level, highest live degree, discipline in the window, ratings in the window), then each officer is
compared in Python with the words translated once per round. Figures: docs/PERFORMANCE.md (bench/personnel_bench.py).
"""

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from precinct.organisation.models import COMMUNE_LEVEL_KINDS, Officer, Rank
from precinct.personnel.models import RANK_ORDER, Direction, EducationLevel, Rating, TransferCriteria


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


def years_between(start: datetime.date, end: datetime.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def years_back(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier (29 February gives the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def level_since(postings: list[tuple[datetime.date, bool]], current_is_commune: bool) -> datetime.date | None:
    """The first day of the officer's unbroken run at the current level, from postings (start, at commune level)
    sorted by start; None when no posting is recorded. (The rule `FACTS_SQL` applies to a whole round at once.)"""
    since = None
    for start, is_commune in postings:
        if is_commune != current_is_commune:
            since = None
        elif since is None:
            since = start
    return since


@dataclass(frozen=True, slots=True)
class Facts:
    """What the criteria look at, for one officer, as of the round's date."""

    level_since: datetime.date | None
    born: datetime.date | None
    joined: datetime.date | None
    education: int | None
    disciplined: bool
    worst_rating: int | None
    rated_years: int


# Every criterion's facts for every candidate in one statement (no per-officer query, no list of ids spelled out):
# `cand` is the candidates with the level of their current unit; `runs` numbers, newest first, the live postings
# (no later row corrects them) up to the round's date that are at another level, so the rows with no such break at
# or after them are the unbroken run at the current level; highest live degree; any discipline decided in the
# window; worst rating and rated years in the window. Indexes used: posting (officer, start_on), education's and
# discipline's officer, evaluation (officer, year); corrections by the `corrects` foreign key's index.
FACTS_SQL = """
WITH cand AS (
  SELECT o.id, CASE WHEN u.kind IN ({kinds}) THEN 'commune' ELSE 'province' END AS lvl
  FROM organisation_officer o JOIN organisation_unit u ON u.id = o.unit_id
  WHERE o.id IN ({ids})
),
runs AS (
  SELECT p.officer_id, p.start_on,
         SUM(CASE WHEN p.level = c.lvl THEN 0 ELSE 1 END)
           OVER (PARTITION BY p.officer_id ORDER BY p.start_on DESC, p.id DESC ROWS UNBOUNDED PRECEDING) AS breaks
  FROM personnel_posting p JOIN cand c ON c.id = p.officer_id
  WHERE p.start_on <= %(as_of)s
    AND NOT EXISTS (SELECT 1 FROM personnel_posting x WHERE x.corrects_id = p.id)
),
since AS (SELECT officer_id, MIN(start_on) AS since FROM runs WHERE breaks = 0 GROUP BY officer_id),
edu AS (
  SELECT e.officer_id, MAX(e.level) AS top FROM personnel_education e JOIN cand c ON c.id = e.officer_id
  WHERE NOT EXISTS (SELECT 1 FROM personnel_education x WHERE x.corrects_id = e.id)
  GROUP BY e.officer_id
),
ev AS (
  SELECT e.officer_id, MIN(e.rating) AS worst, COUNT(DISTINCT e.year) AS n
  FROM personnel_evaluation e JOIN cand c ON c.id = e.officer_id
  WHERE e.year >= %(first_year)s AND e.year < %(year)s
    AND NOT EXISTS (SELECT 1 FROM personnel_evaluation x WHERE x.corrects_id = e.id)
  GROUP BY e.officer_id
)
SELECT c.id, s.since, pr.date_of_birth, pr.joined_on, edu.top,
  CASE WHEN EXISTS (
    SELECT 1 FROM personnel_disciplinerecord d
    WHERE d.officer_id = c.id AND d.decided_on > %(clean_since)s AND d.decided_on <= %(as_of)s
  ) THEN 1 ELSE 0 END,
  ev.worst, COALESCE(ev.n, 0)
FROM cand c
LEFT JOIN since s ON s.officer_id = c.id
LEFT JOIN personnel_profile pr ON pr.officer_id = c.id
LEFT JOIN edu ON edu.officer_id = c.id
LEFT JOIN ev ON ev.officer_id = c.id
"""


def _date(value: Any) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))  # SQLite hands dates back as text


def facts(ids: list[int], criteria: TransferCriteria, as_of: datetime.date) -> dict[int, Facts]:
    """The facts of every officer in `ids`, from one statement. The ids travel as one parameter (an array on
    PostgreSQL, a JSON list on SQLite), so 5,000 officers cost no query text to build or parse."""
    if not ids:
        return {}
    if connection.vendor == "postgresql":
        in_ids = "SELECT unnest(%(ids)s::bigint[])"
        id_param: Any = ids
    else:
        in_ids = "SELECT value FROM json_each(%(ids)s)"
        id_param = json.dumps(ids)
    kinds = ", ".join(f"'{kind}'" for kind in COMMUNE_LEVEL_KINDS)  # constants of the code, not input
    free = criteria.discipline_free_years
    params = {
        "ids": id_param,
        "as_of": as_of,
        "first_year": as_of.year - criteria.rating_years,
        "year": as_of.year,
        "clean_since": years_back(as_of, free) if free else as_of,  # no window: nothing is in (as_of, as_of]
    }
    found: dict[int, Facts] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner's row estimates for the grouped CTEs multiply into a cost far above jit_above_cost, and
            # compiling the plan then took 2.7 s of a 3.3 s statement whose work is 0.3 s (EXPLAIN ANALYZE,
            # docs/PERFORMANCE.md). Off for this statement only (SET LOCAL ends with the transaction).
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(FACTS_SQL.format(kinds=kinds, ids=in_ids), params)
        for officer_id, since, born, joined, top, disciplined, worst, rated in cursor.fetchall():
            found[officer_id] = Facts(_date(since), _date(born), _date(joined), top, bool(disciplined), worst, rated)
    return found


@dataclass(frozen=True, slots=True)
class _Words:
    """The round's labels and value names, translated once (not once per officer)."""

    years: str
    age: str
    rank: str
    education: str
    discipline: str
    rating: str
    years_detail: str
    age_detail: str
    age_unknown: str
    none_recorded: str
    clean: str
    disciplined: str
    not_evaluated: str
    ranks: dict[str, str]
    levels: dict[int, str]
    ratings: dict[int, str]


def _words(criteria: TransferCriteria) -> _Words:
    return _Words(
        years=_("Years at the current level"),
        age=_("Age limit"),
        rank=_("Minimum rank"),
        education=_("Education"),
        discipline=_("No discipline in the last %(n)d years") % {"n": criteria.discipline_free_years},
        rating=_("Evaluation ratings"),
        years_detail=_("%(years)d of %(need)d years"),
        age_detail=_("%(age)d, at most %(limit)d"),
        age_unknown=_("age unknown"),
        none_recorded=_("none recorded"),
        clean=_("none"),
        disciplined=_("disciplined"),
        not_evaluated=_("not evaluated"),
        ranks={value: str(label) for value, label in Rank.choices},
        levels={value: str(label) for value, label in EducationLevel.choices},
        ratings={value: str(label) for value, label in Rating.choices},
    )


def _judge(officer: Officer, f: Facts | None, criteria: TransferCriteria, w: _Words, as_of: datetime.date) -> Verdict:
    f = f or Facts(None, None, None, None, False, None, 0)
    checks: list[Check] = []
    start = f.level_since or f.joined
    years = years_between(start, as_of) if start else 0
    need = criteria.min_years_at_level
    checks.append(Check("years_at_level", w.years, years >= need, w.years_detail % {"years": years, "need": need}))
    if criteria.max_age:
        age = years_between(f.born, as_of) if f.born else None
        detail = w.age_unknown if age is None else w.age_detail % {"age": age, "limit": criteria.max_age}
        checks.append(Check("age", w.age, age is not None and age <= criteria.max_age, detail))
    if criteria.min_rank:
        met = RANK_ORDER.get(officer.rank, -1) >= RANK_ORDER[criteria.min_rank]
        checks.append(Check("rank", w.rank, met, w.ranks.get(officer.rank, officer.rank)))
    if criteria.min_education:
        top = f.education
        label = w.levels.get(top, w.none_recorded) if top else w.none_recorded
        checks.append(Check("education", w.education, top is not None and top >= criteria.min_education, label))
    if criteria.discipline_free_years:
        clean = not f.disciplined
        checks.append(Check("discipline", w.discipline, clean, w.clean if clean else w.disciplined))
    if criteria.min_rating and criteria.rating_years:
        worst = f.worst_rating or 0
        met = f.rated_years >= criteria.rating_years and worst >= criteria.min_rating
        checks.append(Check("rating", w.rating, met, w.ratings.get(worst, w.not_evaluated)))
    return Verdict(officer, tuple(checks))


def evaluate(officers: list[Officer], criteria: TransferCriteria, as_of: datetime.date) -> list[Verdict]:
    """Each officer judged against every criterion as of `as_of`: one statement for the facts of all of them
    (`facts`), then comparisons in Python with the words translated once."""
    known = facts([o.pk for o in officers], criteria, as_of)
    words = _words(criteria)
    return [_judge(officer, known.get(officer.pk), criteria, words, as_of) for officer in officers]


def candidates(direction: str, province_path: str) -> list[Officer]:
    """The officers a round in this direction considers: at commune level (to the province) or at the province
    (to the communes), in service."""
    officers = Officer.objects.filter(is_active=True, unit__path__startswith=province_path, unit__is_active=True)
    if direction == Direction.TO_PROVINCE:
        officers = officers.filter(unit__kind__in=COMMUNE_LEVEL_KINDS)
    else:
        officers = officers.exclude(unit__kind__in=COMMUNE_LEVEL_KINDS)
    return list(officers.select_related("unit", "profile").order_by("unit__path", "full_name", "pk"))
