"""Reads of the incident register, narrowed to what the actor may see (the handling ward's or the
investigating unit's subtree), the duty log, and the crime statistics."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.core.actors import Actor
from precinct.core.errors import NotFound, PermissionDenied, ValidationFailed
from precinct.incidents import penal_code
from precinct.incidents.models import (
    CASE_STATUSES,
    OPEN_STATUSES,
    Arrest,
    BaseFigure,
    Classification,
    Incident,
    IncidentMonthStat,
    Source,
    Status,
)
from precinct.incidents.permissions import (
    INCIDENT_ROLES,
    STATS_ROLES,
    can_view_crime_stats,
    can_view_duty_log,
    can_view_incidents,
    investigation_department_paths,
)
from precinct.organisation.models import Unit
from precinct.organisation.scoping import reaches, reaches_everything, restrict, scope_paths
from precinct.organisation.selectors import commune_level_units, province_root, province_root_or_none, units_by_name

BASE_FROM, BASE_TO, TARGET_PERCENT = 2016, 2020, Decimal(-5)  # the seeds' target: −5 % against 2016–2020


def _visible(actor: Actor) -> QuerySet[Incident]:
    incidents = Incident.objects.select_related("unit", "investigating_unit")
    # The handling ward's people, or the investigating unit's: two restricts, one query.
    visible = restrict(incidents, actor, "unit_path", INCIDENT_ROLES) | restrict(
        incidents, actor, "investigating_path", INCIDENT_ROLES
    )
    # The province's investigation departments (PC01, PC02, PC04, PA05...) read every incident of their
    # province (permissions.is_investigation_path; no query to decide).
    for path in investigation_department_paths(actor):
        visible = visible | incidents.filter(unit_path__startswith=path.split("/")[0] + "/")
    return visible


def visible_incidents(actor: Actor) -> QuerySet[Incident]:
    """Every incident the actor may read (for other reads of this app that count over incidents)."""
    return _visible(actor)


def _day_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Local calendar days start..end (both included) as an aware [from, to) range."""
    tz = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    last = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return first, last


def incident_list(
    *,
    actor: Actor,
    status: str = "",
    source: str = "",
    classification: str = "",
    group: str = "",
    article: str = "",
    ward: str = "",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    crimes_only: bool = False,
) -> QuerySet[Incident]:
    incidents = _visible(actor)
    if status == "open":
        incidents = incidents.filter(status__in=OPEN_STATUSES)
    elif status:
        incidents = incidents.filter(status=status)
    if source:
        incidents = incidents.filter(source=source)
    if classification:
        incidents = incidents.filter(classification=classification)
    if crimes_only:
        incidents = incidents.filter(classification=Classification.CRIME, status__in=CASE_STATUSES)
    if group:
        incidents = incidents.filter(crime_group=group)
    if article:
        incidents = incidents.filter(article=article)
    if ward:
        unit = Unit.objects.filter(code=ward).first()
        incidents = incidents.filter(unit_path__startswith=unit.path) if unit else incidents.none()
    if start or end:
        first, last = _day_bounds(start or datetime.date(1900, 1, 1), end or datetime.date(2999, 12, 31))
        incidents = incidents.filter(received_at__gte=first, received_at__lt=last)
    return incidents.order_by("-received_at", "-pk")


def incident_get(*, actor: Actor, incident_id: int) -> Incident:
    if not can_view_incidents(actor):
        raise PermissionDenied()  # no role that reads incidents: refused before any incident is looked up
    incident = _visible(actor).filter(pk=incident_id).first()
    if incident is None:
        raise NotFound()  # outside the reach looks exactly like absent
    return incident


def recording_units(actor: Actor) -> list[Unit]:
    """The units the actor may record incidents for: the wards, communes and special zones they reach,
    and their own units (a department's duty desk)."""
    units = [u for u in commune_level_units() if reaches(actor, u, INCIDENT_ROLES)]
    own = Unit.objects.filter(path__in=scope_paths(actor, INCIDENT_ROLES), is_active=True)
    return units_by_name({u.pk: u for u in [*own, *units]}.values())


def investigating_units() -> QuerySet[Unit]:
    """Units that may investigate a case: any active unit (the province, a department, a ward police)."""
    return Unit.objects.filter(is_active=True).order_by("kind", "name")


# --- duty log -------------------------------------------------------------------------------------


@dataclass
class DutyLog:
    today: list[Incident]
    open: list[tuple[Incident, int]]  # with its age in days
    from_reports: list[Incident]
    from_cameras: list[Incident]


def duty_log(*, actor: Actor, now: datetime.datetime | None = None) -> DutyLog:
    if not can_view_duty_log(actor):
        raise PermissionDenied()
    now = now or timezone.now()
    first, last = _day_bounds(timezone.localdate(now), timezone.localdate(now))
    visible = _visible(actor).prefetch_related("reports", "camera_alerts")  # the rows' badges
    open_ = visible.filter(status__in=OPEN_STATUSES)
    return DutyLog(
        today=list(visible.filter(received_at__gte=first, received_at__lt=last).order_by("-received_at")[:200]),
        open=[(i, (now - i.received_at).days) for i in open_.order_by("received_at")[:200]],
        from_reports=list(open_.filter(source=Source.CRIME_REPORT)[:100]),
        from_cameras=list(open_.filter(source=Source.CAMERA_ALERT)[:100]),
    )


# --- crime statistics -----------------------------------------------------------------------------


def _percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _period_years(start: datetime.date, end: datetime.date) -> Decimal:
    """How many years the period is, for scaling a base period's yearly average: whole months count as
    twelfths (a calendar year is exactly 1), other periods by days over 365."""
    if start.day == 1 and (end + datetime.timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        return Decimal(months) / 12
    return Decimal((end - start).days + 1) / 365


@dataclass
class GroupRow:
    code: str
    name: str
    crimes: int
    solved: int
    base_average: Decimal | None  # the base period's yearly average, scaled to this period
    change_percent: Decimal | None

    @property
    def solve_rate(self) -> Decimal | None:
        return _percent(self.solved, self.crimes)


@dataclass
class CrimeStats:
    unit: Unit
    start: datetime.date
    end: datetime.date
    base_from: int
    base_to: int
    target_percent: Decimal
    crimes: int = 0
    solved: int = 0
    groups: list[GroupRow] = field(default_factory=list)
    articles: list[dict[str, Any]] = field(default_factory=list)
    wards: list[dict[str, Any]] = field(default_factory=list)
    months: list[dict[str, Any]] = field(default_factory=list)
    base_average: Decimal | None = None
    incidents: int = 0
    arrests: int = 0  # arrests made in the period, in the unit's incidents
    arrested_persons: int = 0  # the persons they were (one arrested twice counts once)

    @property
    def solve_rate(self) -> Decimal | None:
        return _percent(self.solved, self.crimes)

    @property
    def change_percent(self) -> Decimal | None:
        if not self.base_average:
            return None
        return _percent(Decimal(self.crimes) - self.base_average, self.base_average)

    def group(self, code: str) -> GroupRow | None:
        return next((g for g in self.groups if g.code == code), None)

    @property
    def social_order(self) -> GroupRow | None:
        return self.group("social_order")

    @property
    def target_met(self) -> bool | None:
        """Social-order crimes against the base period, the seeds' target."""
        row = self.social_order
        if row is None or row.change_percent is None:
            return None
        return row.change_percent <= self.target_percent


def crimes_in(unit_path: str, start: datetime.date, end: datetime.date) -> QuerySet[Incident]:
    """Crimes counted for a subtree and period: incidents classified as crimes whose criminal case was
    opened (opened, solved or suspended), by the day they were received. No actor: callers check reach."""
    first, last = _day_bounds(start, end)
    return Incident.objects.filter(
        unit_path__startswith=unit_path,
        classification=Classification.CRIME,
        status__in=CASE_STATUSES,
        received_at__gte=first,
        received_at__lt=last,
    )


def base_averages(unit_path: str, base_from: int, base_to: int) -> dict[str, Decimal]:
    """The base period's yearly average per crime group for the subtree (years with no row count as 0)."""
    years = base_to - base_from + 1
    rows = (
        BaseFigure.objects.filter(unit_path__startswith=unit_path, year__gte=base_from, year__lte=base_to)
        .values("crime_group")
        .annotate(total=Sum("count"))
    )
    return {r["crime_group"]: Decimal(r["total"]) / years for r in rows}


def stats_unit(*, actor: Actor, code: str = "") -> Unit:
    """The unit whose statistics the actor asks for: the one named (if they reach it), else their own
    outermost unit (the province for a superuser)."""
    if not can_view_crime_stats(actor):
        raise PermissionDenied()
    if code:
        unit = Unit.objects.filter(code=code).first()
        if unit is None or not reaches(actor, unit, STATS_ROLES):
            raise NotFound()
        return unit
    if reaches_everything(actor):
        return province_root()
    paths = scope_paths(actor, STATS_ROLES)
    return Unit.objects.get(path=paths[0])


@dataclass
class _Counts:
    """What the statistics add up, from the register (edges of a period) or the summary (whole months)."""

    incidents: int = 0
    groups: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # crimes, solved
    articles: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    wards: dict[int, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    months: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _add_row(
    counts: _Counts, *, unit_id: int, month: str, group: str, article: str, n: int, crimes: int, solved: int
) -> None:
    counts.incidents += n
    if crimes:
        for into, key in ((counts.groups, group), (counts.articles, article)):
            into[key][0] += crimes
            into[key][1] += solved
        counts.wards[unit_id][0] += crimes
        counts.wards[unit_id][1] += solved
        counts.months[month] += crimes


def _raw_counts(counts: _Counts, unit_path: str, start: datetime.date, end: datetime.date) -> None:
    """Add the register's own counts for local days start..end (both included): one grouped query, added up
    here (a statement per figure cost more than the figures)."""
    first, last = _day_bounds(start, end)
    crime = Q(classification=Classification.CRIME, status__in=CASE_STATUSES)
    rows = (
        Incident.objects.filter(unit_path__startswith=unit_path, received_at__gte=first, received_at__lt=last)
        .annotate(month=TruncMonth("received_at"))
        .values("unit_id", "month", "crime_group", "article")
        .annotate(n=Count("pk"), c=Count("pk", filter=crime), s=Count("pk", filter=crime & Q(status=Status.SOLVED)))
        .order_by()
    )
    for r in rows:
        _add_row(
            counts,
            unit_id=r["unit_id"],
            month=f"{r['month']:%Y-%m}",
            group=r["crime_group"],
            article=r["article"],
            n=r["n"],
            crimes=r["c"],
            solved=r["s"],
        )


# PostgreSQL adds the summary up by each figure's key in one scan; SQLite (development, tests) gets the rows.
SUMMARY_GROUPING_SETS = f"""
SELECT GROUPING(crime_group), GROUPING(article), GROUPING(unit_id), GROUPING(month),
       crime_group, article, unit_id, month, SUM(incidents), SUM(crimes), SUM(solved)
FROM {IncidentMonthStat._meta.db_table}
WHERE unit_path LIKE %s AND month >= %s AND month <= %s
GROUP BY GROUPING SETS ((crime_group), (article), (unit_id), (month), ())
"""  # noqa: S608 (our own table name)


def _summary_counts(counts: _Counts, unit_path: str, first: datetime.date, last: datetime.date) -> None:
    """Add the summary's counts for the whole months first..last (first days of months)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                SUMMARY_GROUPING_SETS, [unit_path.replace("%", r"\%").replace("_", r"\_") + "%", first, last]
            )
            for g_group, g_article, g_unit, g_month, group, article, unit_id, month, n, crimes, solved in cursor:
                crimes, solved = int(crimes or 0), int(solved or 0)
                if not (g_group or g_article or g_unit or g_month):
                    continue  # unreachable: every set leaves some column out
                if g_group and g_article and g_unit and g_month:
                    counts.incidents += int(n or 0)
                elif not crimes:
                    continue
                elif not g_group:
                    counts.groups[group][0] += crimes
                    counts.groups[group][1] += solved
                elif not g_article:
                    counts.articles[article][0] += crimes
                    counts.articles[article][1] += solved
                elif not g_unit:
                    counts.wards[unit_id][0] += crimes
                    counts.wards[unit_id][1] += solved
                else:
                    counts.months[f"{month:%Y-%m}"] += crimes
        return
    rows = IncidentMonthStat.objects.filter(
        unit_path__startswith=unit_path, month__gte=first, month__lte=last
    ).values_list("unit_id", "month", "crime_group", "article", "incidents", "crimes", "solved")
    for unit_id, month, group, article, n, crimes, solved in rows:
        _add_row(
            counts,
            unit_id=unit_id,
            month=f"{month:%Y-%m}",
            group=group,
            article=article,
            n=n,
            crimes=crimes,
            solved=solved,
        )


def _month_after(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _counts(unit_path: str, start: datetime.date, end: datetime.date, *, raw: bool) -> _Counts:
    """Whole months from the summary, the days at either edge from the register (raw: all from the register)."""
    counts = _Counts()
    if raw:
        _raw_counts(counts, unit_path, start, end)
        return counts
    first_month = start if start.day == 1 else _month_after(start)
    after_end = end + datetime.timedelta(days=1)
    end_month = after_end if after_end.day == 1 else after_end.replace(day=1)  # first day not in whole months
    if first_month >= end_month:  # no whole month inside
        _raw_counts(counts, unit_path, start, end)
        return counts
    if start < first_month:
        _raw_counts(counts, unit_path, start, first_month - datetime.timedelta(days=1))
    _summary_counts(counts, unit_path, first_month, end_month - datetime.timedelta(days=1))
    if end_month <= end:
        _raw_counts(counts, unit_path, end_month, end)
    return counts


def _arrest_counts(stats: CrimeStats) -> None:
    """Arrests by the day they were made (not the incident's day), per ward, into `stats`."""
    rows = (
        Arrest.objects.filter(
            person__incident__unit_path__startswith=stats.unit.path,
            arrested_on__gte=stats.start,
            arrested_on__lte=stats.end,
        )
        .values("person__incident__unit_id")
        .annotate(n=Count("pk"), persons=Count("person_id", distinct=True))
        .order_by()
    )
    by_ward = {r["person__incident__unit_id"]: (r["n"], r["persons"]) for r in rows}
    stats.arrests = sum(n for n, _persons in by_ward.values())
    stats.arrested_persons = sum(persons for _n, persons in by_ward.values())
    for ward in stats.wards:
        ward["arrests"] = by_ward.get(ward["unit"].pk, (0, 0))[0]


def crime_figures(
    unit: Unit,
    start: datetime.date,
    end: datetime.date,
    *,
    base_from: int = BASE_FROM,
    base_to: int = BASE_TO,
    target_percent: Decimal = TARGET_PERCENT,
    raw: bool = False,
) -> CrimeStats:
    """The figures for a unit's subtree (no actor: the caller checks reach). Whole months come from the
    monthly summary, the days at the period's edges from the register; `raw` counts everything from the
    register (the naive way, kept for the benchmark and the tests that check both agree)."""
    if start > end:
        raise ValidationFailed({"from": [_("The period starts after it ends.")]})
    if base_from > base_to:
        raise ValidationFailed({"base_from": [_("The base period starts after it ends.")]})
    stats = CrimeStats(unit, start, end, base_from, base_to, target_percent)
    counts = _counts(unit.path, start, end, raw=raw)
    stats.incidents = counts.incidents
    bases = base_averages(unit.path, base_from, base_to)
    years = _period_years(start, end)
    for g in penal_code.groups():
        n, solved = counts.groups.get(g.code, [0, 0])
        base = (bases[g.code] * years).quantize(Decimal("0.1")) if g.code in bases else None
        change = _percent(Decimal(n) - base, base) if base else None
        stats.groups.append(GroupRow(g.code, g.name, n, solved, base, change))
    stats.crimes = sum(g.crimes for g in stats.groups)
    stats.solved = sum(g.solved for g in stats.groups)
    stats.base_average = (sum(bases.values(), Decimal(0)) * years).quantize(Decimal("0.1")) if bases else None
    for number, (n, solved) in sorted(counts.articles.items(), key=lambda kv: (-kv[1][0], kv[0])):
        if not n:
            continue
        found = penal_code.article(number)
        stats.articles.append(
            {
                "article": number,
                "title": found.title if found else "",
                "group": found.group if found else "",
                "crimes": n,
                "solved": solved,
            }
        )
    for ward in Unit.objects.filter(pk__in=[k for k, v in counts.wards.items() if v[0]]).order_by("name"):
        n, solved = counts.wards[ward.pk]
        stats.wards.append(
            {
                "unit": ward,
                "code": ward.code,
                "name": ward.display_name,
                "crimes": n,
                "solved": solved,
                "solve_rate": _percent(solved, n),
            }
        )
    stats.wards.sort(key=lambda w: -w["crimes"])
    _arrest_counts(stats)
    stats.months = [{"month": m, "crimes": n} for m, n in sorted(counts.months.items()) if n]
    return stats


def crime_figures_raw(unit: Unit, start: datetime.date, end: datetime.date, **kwargs: Any) -> CrimeStats:
    """The naive way: every figure from the register itself (the benchmark prints it beside the summary's)."""
    return crime_figures(unit, start, end, raw=True, **kwargs)


def crime_stats(
    *,
    actor: Actor,
    unit_code: str = "",
    start: datetime.date,
    end: datetime.date,
    base_from: int = BASE_FROM,
    base_to: int = BASE_TO,
    target_percent: Decimal = TARGET_PERCENT,
) -> CrimeStats:
    unit = stats_unit(actor=actor, code=unit_code)
    return crime_figures(unit, start, end, base_from=base_from, base_to=base_to, target_percent=target_percent)


# --- the public page ------------------------------------------------------------------------------------

# A ward's yearly count below this is shown as "1–4", never exactly: in a small commune a single murder or
# rape in a year points at one family. If only one ward is suppressed, the next smallest is too, or the
# province's total minus the others would give it away. The province's totals per group are shown as they
# are: they are what the force publishes, and a province locates nobody.
SUPPRESS_BELOW = 5


@dataclass
class PublicWard:
    name: str
    crimes: int | None  # None: suppressed (1 to SUPPRESS_BELOW − 1)


@dataclass
class PublicFigures:
    stats: CrimeStats | None
    wards: list[PublicWard] = field(default_factory=list)


def public_crime_figures(*, year: int) -> PublicFigures:
    """The province's crime figures for a year (to date for this one), for everyone: totals by group
    against the base period and the target, and yearly totals per ward with small counts suppressed.
    Counts only: no incident, article detail, month by ward or solve rate by ward."""
    root = province_root_or_none()
    if root is None:
        return PublicFigures(None)
    today = timezone.localdate()
    start = datetime.date(year, 1, 1)
    end = min(datetime.date(year, 12, 31), today)
    stats = crime_figures(root, start, end)
    counts = {w["code"]: w["crimes"] for w in stats.wards}
    wards = [(u.code, u.display_name, counts.get(u.code, 0)) for u in commune_level_units()]
    hidden = {code for code, _name, n in wards if 0 < n < SUPPRESS_BELOW}
    if len(hidden) == 1:
        shown = sorted((n, code) for code, _name, n in wards if n >= SUPPRESS_BELOW)
        if shown:
            hidden.add(shown[0][1])
    figures = PublicFigures(stats)
    figures.wards = [
        PublicWard(name, None if code in hidden else n) for code, name, n in sorted(wards, key=lambda w: w[1])
    ]
    return figures
