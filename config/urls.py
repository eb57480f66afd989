from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config.api import api
from precinct.core import urls as core_urls
from precinct.organisation.views import home

# The landing page is organisation's (it knows who is looking), yet keeps the name `core:home` that templates
# and LOGIN_REDIRECT_URL use: it joins the kernel's patterns in the "core" namespace here, above every app.
core_patterns = ([path("", home, name="home"), *core_urls.urlpatterns], core_urls.app_name)

urlpatterns = [
    path("api/v1/", api.urls),  # first: API calls are matched before the pages' patterns are tried
    path("", include(core_patterns)),
    path("accounts/", include("precinct.accounts.urls")),
    path("org/", include("precinct.organisation.urls")),
    path("", include("precinct.eservices.urls")),
    path("", include("precinct.payments.urls")),
    path("", include("precinct.portalsync.urls")),
    path("", include("precinct.tips.urls")),
    path("", include("precinct.results.urls")),
    path("", include("precinct.stats.urls")),
    path("", include("precinct.planning.urls")),
    path("", include("precinct.cameras.urls")),
    path("", include("precinct.incidents.urls")),
    path("", include("precinct.residence.urls")),
    path("", include("precinct.personnel.urls")),
    path("", include("precinct.notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin site signs in through the one sign-in page (password, then the second factor), never its own.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
]

# A path under /api/ that no pattern matches answers in the API's error shape, not an HTML page.
handler404 = "precinct.core.views.not_found"
