from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from precinct.organisation.landing import landing_context


def home(request: HttpRequest) -> HttpResponse:
    """One landing page, shaped by who is looking: visitor, citizen, officer, leader, administrator."""
    return render(request, "core/home.html", landing_context(request.user))


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
