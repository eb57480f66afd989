from django.urls import path

from precinct.incidents import case_views, public_views, views

app_name = "incidents"
urlpatterns = [
    path("incidents/", views.incident_list, name="list"),
    path("incidents/new/", views.incident_new, name="new"),
    path("incidents/duty/", views.duty, name="duty"),
    path("incidents/stats/", views.stats, name="stats"),
    path("incidents/stats/export.xlsx", views.stats_export, name="stats_export"),
    path("incidents/<int:incident_id>/", views.detail, name="detail"),
    path("incidents/<int:incident_id>/act/", views.act, name="act"),
    path("incidents/<int:incident_id>/case-file/", case_views.case_file, name="case_file"),
    path("incidents/<int:incident_id>/case-file/persons/", case_views.person_add, name="person_add"),
    path("incidents/<int:incident_id>/case-file/exhibits/", case_views.exhibit_seize, name="exhibit_seize"),
    path("incidents/persons/<int:person_id>/", case_views.person_detail, name="person"),
    path("incidents/persons/<int:person_id>/act/", case_views.person_act, name="person_act"),
    path("incidents/exhibits/<int:exhibit_id>/", case_views.exhibit_detail, name="exhibit"),
    path("incidents/exhibits/<int:exhibit_id>/handover/", case_views.exhibit_handover, name="exhibit_handover"),
    path("incidents/campaigns/", case_views.campaigns, name="campaigns"),
    path("incidents/campaigns/<int:campaign_id>/", case_views.campaign_detail, name="campaign"),
    path("incidents/campaigns/<int:campaign_id>/tag/", case_views.campaign_tag, name="campaign_tag"),
    path("incidents/base-figures/", public_views.base_figures_import, name="base_figures"),
    path("incidents/base-figures/template.xlsx", public_views.base_figures_template, name="base_figures_template"),
    path("incidents/public/", public_views.public, name="public"),
]
