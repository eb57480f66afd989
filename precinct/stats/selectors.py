"""Reads of dossier statistics, from the summary tables only, narrowed to what the actor may see.

One report (page, API and export alike) is five small queries over the summaries: per month and
channel (headline figures, comparisons and the trend), per unit, per field or procedure, the
histogram of working days (median), and the open dossiers by due date.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.core.actors import Actor
from precinct.core.calendar import LOCAL_TZ
from precinct.core.errors import NotFound, PermissionDenied, ValidationFailed
from precinct.eservices.models import CLOSED_STATUSES, Channel, Dossier, DossierStatus, Procedure, ServiceField
from precinct.eservices.selectors import dossier_list
from precinct.organisation.models import Unit
from precinct.organisation.scoping import reaches_everything, scope_paths
from precinct.organisation.selectors import province_root_or_none, root_units
from precinct.stats.contributions import RESOLVED_STATUSES
from precinct.stats.folding import fold_status
from precinct.stats.models import COUNTERS, MonthlyStat, OpenStat, ResolveDaysStat, UnitDaysStat, UnitMonthlyStat
from precinct.stats.permissions import STATS_ROLES, can_view_stats

MAX_MONTHS = 120
GROUPS = ("month", "unit", "field", "procedure")


# --- periods --------------------------------------------------------------------------------------


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months, `first` to `last` (both the first day of their month)."""

    first: datetime.date
    last: datetime.date

    @property
    def months(self) -> list[datetime.date]:
        return [add_months(self.first, i) for i in range(self.length)]

    @property
    def length(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    @property
    def end(self) -> datetime.date:
        """The last day of the period."""
        return add_months(self.last, 1) - datetime.timedelta(days=1)

    def shifted(self, months: int) -> "Period":
        return Period(add_months(self.first, months), add_months(self.last, months))

    @property
    def previous(self) -> "Period":
        return self.shifted(-self.length)

    @property
    def last_year(self) -> "Period":
        return self.shifted(-12)

    def param(self, month: datetime.date) -> str:
        return f"{month:%Y-%m}"


def _month(value: str) -> datetime.date | None:
    try:
        if len(value) == 7:
            return datetime.datetime.strptime(value, "%Y-%m").date()
        return datetime.date.fromisoformat(value).replace(day=1)
    except ValueError:
        return None


def period_parse(start: str = "", end: str = "", *, today: datetime.date | None = None) -> Period:
    """From/to months as YYYY-MM (a YYYY-MM-DD date stands for its month). Default: the last 12 months."""
    today = today or timezone.localdate()
    errors: dict[str, list[Any]] = {}
    last = _month(end.strip()) if end.strip() else today.replace(day=1)
    if last is None:
        errors["to"] = [_("Enter a month as YYYY-MM.")]
    first = _month(start.strip()) if start.strip() else (add_months(last, -11) if last else None)
    if first is None and "to" not in errors:
        errors["from"] = [_("Enter a month as YYYY-MM.")]
    if errors:
        raise ValidationFailed(errors)
    assert first is not None and last is not None
    if first > last:
        raise ValidationFailed({"from": [_("The first month must not be after the last.")]})
    if first.year < 2000 or last > add_months(today.replace(day=1), 12):
        raise ValidationFailed({"to": [_("This period is out of range.")]})
    period = Period(first, last)
    if period.length > MAX_MONTHS:
        raise ValidationFailed({"from": [_("Choose at most %(n)d months.") % {"n": MAX_MONTHS}]})
    return period


# --- scope ----------------------------------------------------------------------------------------


@dataclass
class Scope:
    unit: Unit
    field: ServiceField | None = None
    procedure: Procedure | None = None
    units: list[Unit] = dc_field(default_factory=list)  # the unit and everything under it

    @property
    def unit_ids(self) -> list[int]:
        return [u.pk for u in self.units]

    def q(self, prefix: str = "") -> Q:
        condition = Q()
        if self.unit.parent_id is not None:  # the root's subtree is everything: no filter
            condition &= Q(**{f"{prefix}unit_id__in": self.unit_ids})
        if self.field is not None:
            condition &= Q(**{f"{prefix}field_id": self.field.pk})
        if self.procedure is not None:
            condition &= Q(**{f"{prefix}procedure_id": self.procedure.pk})
        return condition


def stats_home_units(actor: Actor) -> list[Unit]:
    """The outermost units whose statistics the actor may see (their dashboards)."""
    if reaches_everything(actor):
        return list(root_units())
    paths = scope_paths(actor, STATS_ROLES)
    return list(Unit.objects.filter(path__in=paths).order_by("path"))


def stats_scope(*, actor: Actor, unit: str = "", field: str = "", procedure: str = "") -> Scope:
    """The unit (code; default: the actor's own), field and procedure a report is about."""
    homes = stats_home_units(actor)
    if not homes:
        raise PermissionDenied(_("Statistics are for leaders and administrators."))
    chosen = homes[0] if not unit else Unit.objects.filter(code=unit).first()
    if chosen is None or not can_view_stats(actor, chosen):
        raise NotFound()  # outside the reach looks exactly like absent
    return _scope(chosen, field=field, procedure=procedure)


def public_scope() -> Scope:
    root = province_root_or_none()
    if root is None:
        raise NotFound()
    return _scope(root)


def unit_scope(unit_path: str) -> Scope:
    """A unit's subtree by path, for readers that are not a person (registered measures, stats.measures):
    no permission check here, the caller makes it."""
    unit = Unit.objects.filter(path=unit_path).first()
    if unit is None:
        raise NotFound()
    return _scope(unit)


def _scope(unit: Unit, *, field: str = "", procedure: str = "") -> Scope:
    scope = Scope(unit=unit, units=list(Unit.objects.filter(path__startswith=unit.path).order_by("path")))
    if field:
        scope.field = ServiceField.objects.filter(code=field).first()
        if scope.field is None:
            raise ValidationFailed({"field": [_("There is no such field.")]})
    if procedure:
        scope.procedure = Procedure.objects.filter(code=procedure).first()
        if scope.procedure is None:
            raise ValidationFailed({"procedure": [_("There is no such procedure.")]})
    return scope


# --- figures --------------------------------------------------------------------------------------


def _ratio(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 2) if whole else None


@dataclass
class Figures:
    """The KPIs of one scope and period (or of one group within it)."""

    counts: dict[str, int] = dc_field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    by_channel: dict[str, dict[str, int]] = dc_field(default_factory=dict)
    open_not_due: int | None = None
    overdue: int | None = None
    paused: int | None = None
    median_days: float | None = None

    def add(self, channel: str, values: Mapping[str, Any]) -> None:
        per = self.by_channel.setdefault(channel, dict.fromkeys(COUNTERS, 0))
        for column in COUNTERS:
            value = values.get(column) or 0
            self.counts[column] += value
            per[column] += value

    def _channel(self, channel: str, column: str) -> int:
        return self.by_channel.get(channel, {}).get(column, 0)

    @property
    def resolved(self) -> int:
        return self.counts["resolved_early"] + self.counts["resolved_on_time"] + self.counts["resolved_late"]

    def resolved_by(self, channel: str) -> int:
        return sum(self._channel(channel, c) for c in ("resolved_early", "resolved_on_time", "resolved_late"))

    def as_dict(self) -> dict[str, Any]:
        c = self.counts
        resolved = self.resolved
        return {
            "received": c["received"],
            "received_online": self._channel(Channel.ONLINE, "received"),
            "received_counter": self._channel(Channel.COUNTER, "received"),
            "received_post": self._channel(Channel.POST, "received"),
            "resolved": resolved,
            "resolved_early": c["resolved_early"],
            "resolved_on_time": c["resolved_on_time"],
            "resolved_late": c["resolved_late"],
            "resolved_online": self.resolved_by(Channel.ONLINE),
            "share_resolved_online": _ratio(self.resolved_by(Channel.ONLINE), resolved),
            "share_on_time": _ratio(c["resolved_early"] + c["resolved_on_time"], resolved),
            "share_received_online": _ratio(self._channel(Channel.ONLINE, "received"), c["received"]),
            "average_days": round(c["resolve_days_total"] / resolved, 2) if resolved else None,
            "median_days": self.median_days,
            "supplemented": c["supplemented"],
            "refused": c["refused"],
            "returned": c["returned"],
            "withdrawn": c["withdrawn"],
            "open_not_due": self.open_not_due,
            "overdue": self.overdue,
            "paused": self.paused,
            # Fees on the dossiers received in the period: billed (not cancelled), paid online, the share.
            "billed_count": c["billed_count"],
            "paid_count": c["paid_count"],
            "paid_vnd": c["paid_vnd"],
            "share_paid_online": _ratio(c["paid_count"], c["billed_count"]),
            "average_rating": round(c["rating_total"] / c["rating_count"], 2) if c["rating_count"] else None,
            "ratings": c["rating_count"],
        }


def median(histogram: Mapping[int, int]) -> float | None:
    total = sum(histogram.values())
    if not total:
        return None
    lower, upper = (total - 1) // 2, total // 2  # the middle one or two, counting from 0
    seen, values = 0, []
    for days in sorted(histogram):
        n = histogram[days]
        for position in (lower, upper):
            if seen <= position < seen + n:
                values.append(days)
        seen += n
    return sum(values) / len(values)


SUMS = {column: Sum(column) for column in COUNTERS}


def _monthly(scope: Scope, first: datetime.date, last: datetime.date, *, fine: bool = False) -> QuerySet[Any]:
    """Rows of the period; summed over procedures and fields already unless the scope or `fine` needs them."""
    coarse = not fine and scope.field is None and scope.procedure is None
    model: Any = UnitMonthlyStat if coarse else MonthlyStat
    return model.objects.filter(scope.q(), month__gte=first, month__lte=last)


def _days(scope: Scope, period: Period) -> QuerySet[Any]:
    model: Any = UnitDaysStat if scope.field is None and scope.procedure is None else ResolveDaysStat
    return model.objects.filter(scope.q(), month__gte=period.first, month__lte=period.last)


@dataclass
class Group:
    key: str
    label: str
    figures: Figures
    unit: Unit | None = None
    month: datetime.date | None = None


@dataclass
class Report:
    scope: Scope
    period: Period
    current: Figures
    previous: Figures
    last_year: Figures
    trend: list[Group]
    groups: dict[str, list[Group]]
    as_of: datetime.datetime | None
    pending: int

    @property
    def previous_is_last_year(self) -> bool:
        """A twelve-month period's previous period is the same period last year: one comparison, not two."""
        return self.period.length == 12


def _children_of(scope: Scope) -> dict[int, Unit]:
    """Each unit of the scope mapped to the child of the scope unit it lies under (or the unit itself)."""
    children = [u for u in scope.units if u.parent_id == scope.unit.pk]
    out = {}
    for unit in scope.units:
        out[unit.pk] = next((c for c in children if unit.path.startswith(c.path)), scope.unit)
    return out


def dossier_report(*, scope: Scope, period: Period, group_by: Iterable[str] = GROUPS) -> Report:
    today = timezone.localdate()
    group_by = set(group_by)
    earliest = min(period.previous.first, period.last_year.first)
    current, previous, last_year = Figures(), Figures(), Figures()
    by_month: dict[datetime.date, Figures] = {m: Figures() for m in period.months}
    rows = _monthly(scope, earliest, period.last).values("month", "channel").annotate(**SUMS).order_by()
    for row in rows:
        month = row["month"]
        for figures, window in ((current, period), (previous, period.previous), (last_year, period.last_year)):
            if window.first <= month <= window.last:
                figures.add(row["channel"], row)
        if month in by_month:
            by_month[month].add(row["channel"], row)
    histogram = {r["days"]: r["n"] for r in _days(scope, period).values("days").annotate(n=Sum("n")).order_by()}
    current.median_days = median(histogram)
    current.open_not_due, current.overdue, current.paused = 0, 0, 0
    open_rows = _open_rows(scope, today)
    open_by_unit = _open_by(open_rows, "unit_id")
    for not_due, overdue, paused in open_by_unit.values():
        current.open_not_due += not_due
        current.overdue += overdue
        current.paused += paused
    groups: dict[str, list[Group]] = {}
    trend = [Group(key=f"{m:%Y-%m}", label=f"{m:%m/%Y}", figures=f, month=m) for m, f in by_month.items()]
    if "month" in group_by:
        groups["month"] = trend
    if "unit" in group_by:
        groups["unit"] = _unit_groups(scope, period, open_by_unit)
    if "field" in group_by:
        groups["field"] = _catalogue_groups(
            scope, period, "field_id", ServiceField.objects.all(), _open_by(open_rows, "field_id")
        )
    if "procedure" in group_by:
        groups["procedure"] = _catalogue_groups(
            scope,
            period,
            "procedure_id",
            Procedure.objects.select_related("current"),
            _open_by(open_rows, "procedure_id"),
        )
    as_of, pending = fold_status()
    return Report(scope, period, current, previous, last_year, trend, groups, as_of, pending)


OpenCounts = tuple[int, int, int]  # open dossiers now: (in progress not yet due, overdue, waiting for a supplement)


def _open_rows(scope: Scope, today: datetime.date) -> list[Mapping[str, Any]]:
    """Open dossiers now per (unit, procedure, field). One query serves the headline and every ranking,
    so their "overdue now" and "not yet due" come from the same rows and add up."""
    return list(
        OpenStat.objects.filter(scope.q())
        .values("unit_id", "procedure_id", "field_id")
        .annotate(
            not_due=Sum("n", filter=Q(paused=False, due_date__gte=today)),
            overdue=Sum("n", filter=Q(paused=False, due_date__lt=today)),
            paused=Sum("n", filter=Q(paused=True)),
        )
        .order_by()
    )


def _open_by(rows: list[Mapping[str, Any]], column: str) -> dict[int, OpenCounts]:
    """Those rows summed per unit, procedure or field (`column`)."""
    out: dict[int, OpenCounts] = {}
    for r in rows:
        not_due, overdue, paused = out.get(r[column], (0, 0, 0))
        out[r[column]] = (not_due + (r["not_due"] or 0), overdue + (r["overdue"] or 0), paused + (r["paused"] or 0))
    return out


def _unit_groups(scope: Scope, period: Period, open_by_unit: dict[int, OpenCounts]) -> list[Group]:
    owner = _children_of(scope)
    figures: dict[int, Figures] = {}
    rows = _monthly(scope, period.first, period.last).values("unit_id", "channel").annotate(**SUMS).order_by()
    for row in rows:
        unit = owner.get(row["unit_id"])
        if unit is not None:
            figures.setdefault(unit.pk, Figures()).add(row["channel"], row)
    for unit_id, (not_due, overdue, _paused) in open_by_unit.items():
        unit = owner.get(unit_id)
        if unit is not None:
            f = figures.setdefault(unit.pk, Figures())
            f.overdue = (f.overdue or 0) + overdue
            f.open_not_due = (f.open_not_due or 0) + not_due
    units = {u.pk: u for u in scope.units}
    groups = [
        Group(key=units[pk].code, label=units[pk].display_name, figures=f, unit=units[pk]) for pk, f in figures.items()
    ]
    for group in groups:
        group.figures.overdue = group.figures.overdue or 0
        group.figures.open_not_due = group.figures.open_not_due or 0
    return sorted(groups, key=lambda g: (-g.figures.counts["received"], g.key))


def _catalogue_groups(
    scope: Scope, period: Period, column: str, objects: QuerySet[Any], open_by: dict[int, OpenCounts]
) -> list[Group]:
    """One group per field or procedure (`column`): the period's figures, and its open dossiers now
    counted as the headline and the unit ranking count them (`open_by`, from the same rows)."""
    figures: dict[int, Figures] = {}
    rows = _monthly(scope, period.first, period.last, fine=True).values(column, "channel").annotate(**SUMS)
    for row in rows.order_by():
        figures.setdefault(row[column], Figures()).add(row["channel"], row)
    for pk, (not_due, overdue, _paused) in open_by.items():
        f = figures.setdefault(pk, Figures())
        f.open_not_due, f.overdue = not_due, overdue
    for f in figures.values():
        f.open_not_due, f.overdue = f.open_not_due or 0, f.overdue or 0
    found = {o.pk: o for o in objects.filter(pk__in=figures)}
    groups = []
    for pk, f in figures.items():
        obj = found.get(pk)
        if obj is None:
            continue
        label = obj.display_name if isinstance(obj, ServiceField) else (obj.current.display_name if obj.current else "")
        groups.append(Group(key=obj.code, label=label, figures=f))
    return sorted(groups, key=lambda g: (-g.figures.counts["received"], g.key))


# --- drill-down -----------------------------------------------------------------------------------

MEASURES = (
    "received",
    "received_online",
    "received_counter",
    "received_post",
    "resolved",
    "resolved_online",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "refused",
    "returned",
    "withdrawn",
    "supplemented",
    "open_not_due",
    "overdue",
    "paused",
)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), LOCAL_TZ)


def dossiers_behind(*, actor: Actor, scope: Scope, period: Period, measure: str) -> QuerySet[Dossier]:
    """The dossiers a figure counts, through the officers' own scoped list (never outside the reach)."""
    if measure not in MEASURES:
        raise ValidationFailed({"measure": [_("Choose one of the listed values.")]})
    if not can_view_stats(actor, scope.unit):
        raise NotFound()
    dossiers = dossier_list(actor=actor).filter(unit_path__startswith=scope.unit.path)
    if scope.field is not None:
        dossiers = dossiers.filter(version__field_id=scope.field.pk)
    if scope.procedure is not None:
        dossiers = dossiers.filter(version__procedure_id=scope.procedure.pk)
    today = timezone.localdate()
    dossiers = dossiers.order_by("-id")  # newest first; the primary key's index serves it without a sort
    if measure.startswith("received"):
        dossiers = dossiers.filter(received_on__gte=period.first, received_on__lte=period.end)
        if measure != "received":
            dossiers = dossiers.filter(channel=measure.removeprefix("received_"))
    elif measure in ("open_not_due", "overdue", "paused"):
        dossiers = dossiers.exclude(status__in=CLOSED_STATUSES)
        if measure == "paused":
            dossiers = dossiers.filter(paused_days_left__isnull=False)
        else:
            dossiers = dossiers.filter(paused_days_left__isnull=True)
            dossiers = (
                dossiers.filter(due_date__lt=today) if measure == "overdue" else dossiers.filter(due_date__gte=today)
            )
    elif measure == "supplemented":
        dossiers = dossiers.filter(
            received_on__gte=period.first,
            received_on__lte=period.end,
            pk__in=_supplemented_ids(),
        )
    else:
        # Closed ones newest closed first, through the partial indexes on completed_at: ordered by id, the
        # planner walks the whole primary key backwards looking for a ward's few late dossiers.
        closed = dossiers.filter(
            completed_at__gte=_local_midnight(period.first),
            completed_at__lt=_local_midnight(period.end + datetime.timedelta(days=1)),
        ).order_by("-completed_at", "-id")
        if measure in ("refused", "returned", "withdrawn"):
            dossiers = closed.filter(status=measure)
        else:
            dossiers = closed.filter(status__in=RESOLVED_STATUSES)
            if measure == "resolved_online":
                dossiers = dossiers.filter(channel=Channel.ONLINE)
            elif measure != "resolved":
                done_on = TruncDate("completed_at", tzinfo=LOCAL_TZ)
                lookup = {"resolved_early": "lt", "resolved_on_time": "exact", "resolved_late": "gt"}[measure]
                dossiers = dossiers.annotate(done_on=done_on).filter(**{f"done_on__{lookup}": F("due_date")})
    return dossiers


def _supplemented_ids() -> Any:
    from precinct.eservices.models import DossierEvent

    return DossierEvent.objects.filter(to_status=DossierStatus.SUPPLEMENT_REQUESTED).values("dossier_id")
