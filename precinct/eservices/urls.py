from django.urls import path

from precinct.eservices import views

app_name = "eservices"
urlpatterns = [
    path("services/", views.catalogue, name="catalogue"),
    path("services/<str:code>/", views.procedure_detail, name="procedure"),
    path("services/<str:code>/submit/", views.dossier_submit, name="submit"),
    path("services/<str:code>/documents/<int:index>.pdf", views.document_template, name="document_template"),
    path("services/<str:code>/edit/", views.procedure_edit, name="procedure_edit"),
    path("dossiers/", views.dossier_list, name="dossiers"),
    path("dossiers/receive/", views.dossier_bulk_receive, name="bulk_receive"),
    path("dossiers/ratings/", views.rating_summary, name="ratings"),
    path("dossiers/<str:code>/", views.dossier_detail, name="dossier"),
    path("dossiers/<str:code>/actions/<slug:action>/", views.dossier_action, name="action"),
    path("dossiers/<str:code>/receipt.pdf", views.dossier_receipt, name="receipt"),
    path("dossiers/<str:code>/rating/", views.dossier_rate, name="rate"),
    path("dossiers/<str:code>/apology/<int:event_id>.pdf", views.dossier_apology, name="apology"),
    path("dossiers/<str:code>/files/<int:attachment_id>/", views.dossier_attachment, name="attachment"),
    path("lookup/", views.lookup, name="lookup"),
]
