"""The public crime figures (aggregates only) and the import of base-period counts from XLSX."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from precinct.core.errors import DomainError, PermissionDenied, ValidationFailed
from precinct.core.replica import reads_from_replica
from precinct.incidents import base_import, selectors
from precinct.incidents.permissions import can_import_base_figures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@reads_from_replica()
def public(request: HttpRequest) -> HttpResponse:
    """Crimes counted in the province for everyone: by group against the base period and the target, and
    by ward with small counts suppressed (selectors.public_crime_figures). Nothing about any incident."""
    today = timezone.localdate()
    raw = request.GET.get("year", "")[:4]
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year else today.year
    figures = selectors.public_crime_figures(year=year)
    return render(
        request,
        "incidents/public.html",
        {"figures": figures, "year": year, "years": range(today.year, today.year - 6, -1)},
        status=200 if not raw or str(year) == raw else 422,
    )


@login_required
@never_cache
def base_figures_import(request: HttpRequest) -> HttpResponse:
    if not can_import_base_figures(request.user):
        raise PermissionDenied()
    report: base_import.ImportReport | None = None
    refused: list[Any] = []
    error = ""
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        import_valid = request.POST.get("import_valid") == "1"
        try:
            if upload is None:
                raise ValidationFailed({"file": [_("Choose the Excel file to import.")]})
            report = base_import.base_figures_import(
                actor=request.user, rows=base_import.parse_xlsx(upload.read()), import_valid=import_valid
            )
        except base_import.ImportRefused as exc:
            refused, error, status = exc.refused, str(exc.message), 422
        except DomainError as exc:
            if exc.status == 403:
                raise
            error = " ".join(str(m) for msgs in getattr(exc, "fields", {}).values() for m in msgs) or str(exc.message)
            status = 422
        else:
            refused = report.refused
            messages.success(
                request,
                _("%(n)d base figures imported from %(rows)d rows.") % {"n": report.figures, "rows": report.rows},
            )
    return render(
        request,
        "incidents/base_figures.html",
        {"report": report, "refused": refused, "error": error, "this_year": datetime.date.today().year},
        status=status,
    )


@login_required
def base_figures_template(request: HttpRequest) -> HttpResponse:
    if not can_import_base_figures(request.user):
        raise PermissionDenied()
    response = HttpResponse(base_import.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-so-lieu-ky-goc.xlsx"'
    return response
