from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from precinct.core.errors import PermissionDenied
from precinct.organisation import selectors
from precinct.organisation.landing import landing_context
from precinct.organisation.models import UnitKind
from precinct.organisation.permissions import can_view_officers


def home(request: HttpRequest) -> HttpResponse:
    """One landing page, shaped by who is looking: visitor, citizen, officer, leader, administrator.

    Routed at "/" as `core:home` by config/urls.py (the name templates and LOGIN_REDIRECT_URL use)."""
    return render(request, "organisation/home.html", landing_context(request.user))


def units(request: HttpRequest) -> HttpResponse:
    """The organisation chart, public: the provincial police, its departments and commune-level police."""
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()[:100]
    unit_rows = selectors.unit_list(actor=request.user, kind=kind if kind in UnitKind.values else None, q=q)
    return render(
        request,
        "organisation/units.html",
        {"units": unit_rows, "kinds": UnitKind.choices, "kind": kind, "q": q, "filtered": bool(kind or q)},
    )


def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get(actor=request.user, code=code)
    children = selectors.unit_list(actor=request.user, parent=unit)
    officers = selectors.officer_list(actor=request.user, unit=unit).filter(unit=unit)
    return render(request, "organisation/unit_detail.html", {"unit": unit, "children": children, "officers": officers})


@login_required
def officers(request: HttpRequest) -> HttpResponse:
    if not can_view_officers(request.user):
        raise PermissionDenied()
    unit_code = request.GET.get("unit", "")
    unit = selectors.unit_get(actor=request.user, code=unit_code) if unit_code else None
    rows = selectors.officer_list(actor=request.user, unit=unit)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "organisation/officers.html", {"page": page, "unit": unit})
