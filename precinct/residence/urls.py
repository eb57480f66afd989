from django.urls import path

from precinct.residence import views

app_name = "residence"
urlpatterns = [
    path("residence/", views.register, name="register"),
    path("residence/persons/<int:pk>/", views.person, name="person"),
    path("residence/persons/<int:pk>/correct/", views.correction_new, name="correction_new"),
    path("residence/corrections/", views.corrections, name="corrections"),
    path("residence/corrections/<int:pk>/decide/", views.correction_decide, name="correction_decide"),
    path("residence/households/<int:pk>/", views.household, name="household"),
    path("residence/households/<int:pk>/split/", views.household_split, name="household_split"),
    path("residence/households/<int:pk>/join/", views.household_join, name="household_join"),
    path("residence/dossiers/<str:code>/", views.dossier, name="dossier"),
    path("residence/guests/", views.guests, name="guests"),
    path("residence/quality/<str:code>/", views.quality, name="quality"),
    path("residence/import/<str:code>/", views.register_import, name="import"),
    path("residence/imports/<int:pk>/errors.csv", views.import_errors, name="import_errors"),
    path("residence/export/<str:code>.csv", views.export, name="export"),
    path("residence/quality/<str:code>/not-duplicate/", views.not_duplicate, name="not_duplicate"),
]

from precinct.residence import quality_views  # noqa: E402 (the quality pages that act, ADR 0038)

urlpatterns += [
    path("residence/queue/<str:code>/", quality_views.queue, name="queue"),
    path("residence/queue/<str:code>/scan/", quality_views.queue_scan, name="queue_scan"),
    path("residence/issues/<int:pk>/decide/", quality_views.issue_decide, name="issue_decide"),
    path("residence/quality-rules/", quality_views.rule_list, name="rules"),
    path("residence/quality-rules/<int:pk>/", quality_views.rule_edit, name="rule_edit"),
]
