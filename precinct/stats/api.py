from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from precinct.core.api_support import ErrorOut, signed_in
from precinct.core.errors import ValidationFailed
from precinct.core.replica import reads_from_replica
from precinct.stats import selectors
from precinct.stats.selectors import GROUPS, Report

router = Router(tags=["statistics"])


class StatsFilter(Schema):
    unit: str = ""
    from_: str = Field("", alias="from")
    to: str = ""
    field: str = ""
    procedure: str = ""
    group_by: str = ""


def report_json(report: Report, group_by: str) -> dict[str, Any]:
    """The report as the API and the tests see it (the page and the export show the same numbers)."""
    groups = report.groups.get(group_by, []) if group_by else []
    return {
        "unit": {"code": report.scope.unit.code, "name": report.scope.unit.display_name},
        "field": report.scope.field.code if report.scope.field else None,
        "procedure": report.scope.procedure.code if report.scope.procedure else None,
        "from": f"{report.period.first:%Y-%m}",
        "to": f"{report.period.last:%Y-%m}",
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "pending_changes": report.pending,
        "totals": report.current.as_dict(),
        "previous_period": {
            "from": f"{report.period.previous.first:%Y-%m}",
            "to": f"{report.period.previous.last:%Y-%m}",
            **report.previous.as_dict(),
        },
        "same_period_last_year": {
            "from": f"{report.period.last_year.first:%Y-%m}",
            "to": f"{report.period.last_year.last:%Y-%m}",
            **report.last_year.as_dict(),
        },
        "group_by": group_by or None,
        "groups": [{"key": g.key, "label": g.label, **g.figures.as_dict()} for g in groups],
    }


@router.get("/stats/dossiers", response={200: dict, 404: ErrorOut, 422: ErrorOut}, auth=signed_in)
@reads_from_replica()
def stats_dossiers(request: HttpRequest, filters: Query[StatsFilter]) -> dict[str, Any]:
    """Dossier KPIs for a unit and everything under it (default: the caller's own), over whole months
    `from`–`to` (YYYY-MM; default the last 12), optionally one `field` or `procedure`, with the previous
    period and the same period last year; `group_by` = month | unit | field | procedure adds one row per
    group. Leaders and administrators only, within their reach. Figures come from the summaries, which
    trail live changes by at most a few seconds (`as_of`, `pending_changes`)."""
    group_by = filters.group_by.strip()
    if group_by and group_by not in GROUPS:
        raise ValidationFailed({"group_by": [_("Choose one of: month, unit, field, procedure.")]})
    scope = selectors.stats_scope(
        actor=request.user, unit=filters.unit, field=filters.field, procedure=filters.procedure
    )
    period = selectors.period_parse(filters.from_, filters.to)
    report = selectors.dossier_report(scope=scope, period=period, group_by=[group_by] if group_by else [])
    return report_json(report, group_by)
