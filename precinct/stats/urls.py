from django.urls import path

from precinct.stats import views

app_name = "stats"
urlpatterns = [
    path("stats/", views.dashboard, name="dashboard"),
    path("stats/dossiers/", views.dossiers, name="dossiers"),
    path("stats/export.xlsx", views.export, name="export"),
    path("stats/public/", views.public, name="public"),
]
