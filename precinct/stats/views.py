from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from precinct.core.errors import ValidationFailed
from precinct.core.replica import reads_from_replica
from precinct.core.text import collation_key
from precinct.eservices.models import Procedure, ServiceField
from precinct.stats import selectors
from precinct.stats.charts import monthly_chart
from precinct.stats.export import report_xlsx
from precinct.stats.labels import FIGURE_LABELS
from precinct.stats.selectors import MEASURES, Period, Report, Scope
from precinct.stats.templatetags.stats_tags import format_number, format_percent

PARAMS = ("unit", "from", "to", "field", "procedure")
# (figure, label, kind) for the comparison table: counts compare in %, shares and days in points.
COMPARED = (
    ("received", "count"),
    ("resolved", "count"),
    ("share_on_time", "share"),
    ("share_resolved_online", "share"),
    ("average_days", "days"),
    ("resolved_late", "count"),
    ("supplemented", "count"),
    ("refused", "count"),
    ("share_paid_online", "share"),
    ("paid_vnd", "count"),
)
SORTS = {
    "received": lambda g: -g.figures.counts["received"],
    "late": lambda g: (-(g.figures.as_dict()["resolved_late"]), g.figures.as_dict()["share_on_time"] or 100),
    "fast": lambda g: g.figures.as_dict()["average_days"] if g.figures.resolved else 1e9,
    "overdue": lambda g: -(g.figures.overdue or 0),
}


def _change(kind: str, now: Any, before: Any) -> float | None:
    if now is None or before is None:
        return None
    if kind == "count":
        return round(100 * (now - before) / before, 1) if before else None
    return round(now - before, 2)


def _request_report(request: HttpRequest) -> tuple[Scope, Period, dict[str, str], list[str]]:
    """Scope and period from the query string; bad values fall back to the defaults with a message."""
    params = {k: request.GET.get(k, "").strip()[:32] for k in PARAMS}
    errors: list[str] = []
    try:
        scope = selectors.stats_scope(
            actor=request.user, unit=params["unit"], field=params["field"], procedure=params["procedure"]
        )
    except ValidationFailed as exc:
        errors += [str(m) for msgs in exc.fields.values() for m in msgs]
        params["field"] = params["procedure"] = ""
        scope = selectors.stats_scope(actor=request.user, unit=params["unit"])
    try:
        period = selectors.period_parse(params["from"], params["to"])
    except ValidationFailed as exc:
        errors += [str(m) for msgs in exc.fields.values() for m in msgs]
        period = selectors.period_parse()
    params.update({"unit": scope.unit.code, "from": f"{period.first:%Y-%m}", "to": f"{period.last:%Y-%m}"})
    return scope, period, params, errors


class KnownCountPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._known


def _url(name: str, params: dict[str, str], **overrides: str) -> str:
    query = {k: v for k, v in (params | overrides).items() if v}
    return f"{reverse(name)}?{urlencode(query)}"


def _drill(params: dict[str, str], measures: tuple[str, ...] = MEASURES) -> dict[str, str]:
    base = _url("stats:dossiers", params)
    return {m: f"{base}&measure={m}" for m in measures}


RANKED = ("received", "resolved", "resolved_early", "resolved_on_time", "resolved_late", "overdue")


# The ranking's column names, for its cells on a phone (core's stacked cards label each cell: data-label).
RANKED_LABELS = (
    gettext_lazy("Received"),
    gettext_lazy("Resolved"),
    gettext_lazy("Early"),
    gettext_lazy("On time"),
    gettext_lazy("Late"),
)


def _cell(text: str, href: str, css: str, label: object) -> str:
    inner = format_html('<a href="{}">{}</a>', href, text) if href else escape(text)
    return f'<td class="num{css}" data-label="{escape(str(label))}">{inner}</td>'


def _rows(report: Report, params: dict[str, str], kind: str, sort: str) -> list[SafeString]:
    """Ranking rows as HTML built here (escaped): a hundred rows of ten linked figures would otherwise
    cost the template engine most of the page's time."""
    groups = sorted(report.groups.get(kind, []), key=SORTS.get(sort, SORTS["received"]))
    english = (get_language() or "vi").startswith("en")
    heading = escape(_("Unit") if kind == "unit" else _("Procedure"))
    rows = []
    for rank, group in enumerate(groups, start=1):
        scoped = params | ({"unit": group.key} if kind == "unit" else {kind: group.key})
        drill = _drill(scoped, RANKED)
        f = group.figures.as_dict()
        cells = [
            _cell(
                format_number(f[m], english=english), drill[m], " late" if m == "resolved_late" and f[m] else "", label
            )
            for m, label in zip(RANKED[:5], RANKED_LABELS, strict=True)
        ]
        cells += [
            _cell(format_percent(f["share_on_time"], english=english), "", "", _("Early or on time (%%)") % {}),
            _cell(format_number(f["average_days"], 1, english=english), "", "", _("Avg. days")),
            _cell(
                format_number(f["overdue"], english=english),
                drill["overdue"],
                " late" if f["overdue"] else "",
                _("Overdue now"),
            ),
        ]
        if kind == "unit":
            name = format_html('<a href="{}">{}</a>', _url("stats:dashboard", scoped), group.label)
        else:
            name = format_html('<span class="mono">{}</span> {}', group.key, Truncator(group.label).chars(70))
        first = f'<td data-label="#">{rank}</td><td data-label="{heading}"><strong>{name}</strong></td>'
        rows.append(mark_safe(f"<tr>{first}{''.join(cells)}</tr>"))
    return rows


@login_required
@reads_from_replica()
def dashboard(request: HttpRequest) -> HttpResponse:
    if not selectors.stats_home_units(request.user):
        return redirect("stats:public")  # officers without a leader's role see what everyone sees
    scope, period, params, errors = _request_report(request)
    report = selectors.dossier_report(scope=scope, period=period, group_by=("unit", "procedure"))
    sort = request.GET.get("sort", "received")
    current = report.current.as_dict()
    comparisons = []
    for key, kind in COMPARED:
        now, before, last_year = current[key], report.previous.as_dict()[key], report.last_year.as_dict()[key]
        comparisons.append(
            {
                "label": FIGURE_LABELS[key],
                "kind": kind,
                "now": now,
                "previous": before,
                "last_year": last_year,
                "vs_previous": _change(kind, now, before),
                "vs_last_year": _change(kind, now, last_year),
            }
        )
    homes = selectors.stats_home_units(request.user)
    units = [u for u in scope.units if u.depth <= scope.unit.depth + 1]
    return render(
        request,
        "stats/dashboard.html",
        {
            "report": report,
            "figures": current,
            "comparisons": comparisons,
            "params": params,
            "errors": errors,
            "drill": _drill(params),
            "chart": monthly_chart(
                report.trend, lambda m, month: _url("stats:dossiers", params, measure=m, **{"from": month, "to": month})
            ),
            "unit_rows": _rows(report, params, "unit", sort) if len(scope.units) > 1 else [],
            "procedure_rows": _rows(report, params, "procedure", sort),
            "sort": sort,
            "sorts": [
                ("received", _("Most received")),
                ("late", _("Most late")),
                ("fast", _("Fastest")),
                ("overdue", _("Most overdue now")),
            ],
            "unit_choices": sorted({*homes, *units}, key=lambda u: (u.depth, collation_key(u.display_name))),
            "fields": ServiceField.objects.all(),
            "procedures": Procedure.objects.filter(current__isnull=False).select_related("current").order_by("code"),
            "export_url": _url("stats:export", params),
            "sort_url": _url("stats:dashboard", params),
            "today": timezone.localdate(),
        },
        status=422 if errors else 200,
    )


@login_required
@reads_from_replica()
def dossiers(request: HttpRequest) -> HttpResponse:
    """The dossiers behind one figure, within the viewer's reach."""
    scope, period, params, errors = _request_report(request)
    measure = request.GET.get("measure", "received")
    try:
        found = selectors.dossiers_behind(actor=request.user, scope=scope, period=period, measure=measure)
    except ValidationFailed:
        measure = "received"
        errors.append(_("Choose one of the listed values."))
        found = selectors.dossiers_behind(actor=request.user, scope=scope, period=period, measure=measure)
    # The summary already knows how many there are (the tests hold it to the list), so the page does not
    # count millions of rows; the selector orders them the way its indexes serve.
    known = selectors.dossier_report(scope=scope, period=period, group_by=()).current.as_dict()[measure]
    page = KnownCountPaginator(found, 25, count=known).get_page(request.GET.get("page"))
    return render(
        request,
        "stats/dossiers.html",
        {
            "page": page,
            "scope": scope,
            "period": period,
            "measure": measure,
            "measure_label": MEASURE_LABELS.get(measure, measure),
            "errors": errors,
            "back": _url("stats:dashboard", params),
            "query": urlencode({k: v for k, v in (params | {"measure": measure}).items() if v}),
            "today": timezone.localdate(),
        },
        status=422 if errors else 200,
    )


@login_required
@reads_from_replica()
def export(request: HttpRequest) -> HttpResponse:
    scope, period, params, _errors = _request_report(request)
    report = selectors.dossier_report(scope=scope, period=period)
    response = HttpResponse(
        report_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"thong-ke-ho-so-{scope.unit.code}-{params['from']}-{params['to']}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@reads_from_replica()
def public(request: HttpRequest) -> HttpResponse:
    """The province's figures for everyone: counts and shares only, nothing about any person."""
    scope = selectors.public_scope()
    errors: list[str] = []
    try:
        period = selectors.period_parse(request.GET.get("from", "")[:10], request.GET.get("to", "")[:10])
    except ValidationFailed as exc:
        errors = [str(m) for msgs in exc.fields.values() for m in msgs]
        period = selectors.period_parse()
    report = selectors.dossier_report(scope=scope, period=period, group_by=("field",))
    return render(
        request,
        "stats/public.html",
        {
            "report": report,
            "figures": report.current.as_dict(),
            "chart": monthly_chart(report.trend),
            "fields": [{"group": g, "figures": g.figures.as_dict()} for g in report.groups["field"]],
            "params": {"from": f"{period.first:%Y-%m}", "to": f"{period.last:%Y-%m}"},
            "errors": errors,
        },
        status=422 if errors else 200,
    )


MEASURE_LABELS = {m: FIGURE_LABELS[m] for m in MEASURES}
