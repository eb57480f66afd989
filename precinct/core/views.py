"""The kernel's own pages: the health check, the 404 that answers API paths in JSON (the home page is
organisation's, see config/urls.py)."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found

from precinct.core.api_support import error_body


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 for a path no pattern matches (handler404): the one error shape under /api/ (a path
    parameter that fails its converter, `/api/v1/cameras/abc`, lands here), the usual page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return page_not_found(request, exception)
