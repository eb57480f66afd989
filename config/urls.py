from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("api/v1/", api.urls),  # first: API calls are matched before the pages' patterns are tried
    path("", include("precinct.core.urls")),
    path("accounts/", include("precinct.accounts.urls")),
    path("org/", include("precinct.organisation.urls")),
    path("", include("precinct.eservices.urls")),
    path("", include("precinct.payments.urls")),
    path("", include("precinct.portalsync.urls")),
    path("", include("precinct.tips.urls")),
    path("", include("precinct.results.urls")),
    path("", include("precinct.stats.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
