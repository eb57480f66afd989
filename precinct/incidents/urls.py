from django.urls import path

from precinct.incidents import views

app_name = "incidents"
urlpatterns = [
    path("incidents/", views.incident_list, name="list"),
    path("incidents/new/", views.incident_new, name="new"),
    path("incidents/duty/", views.duty, name="duty"),
    path("incidents/stats/", views.stats, name="stats"),
    path("incidents/stats/export.xlsx", views.stats_export, name="stats_export"),
    path("incidents/<int:incident_id>/", views.detail, name="detail"),
    path("incidents/<int:incident_id>/act/", views.act, name="act"),
]
