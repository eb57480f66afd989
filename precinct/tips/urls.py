from django.urls import path

from precinct.tips import views

app_name = "tips"
urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/follow-up/", views.followup, name="followup"),
    path("report/proof.pdf", views.proof, name="proof"),
    path("tips/", views.queue, name="queue"),
    path("tips/figures/", views.figures, name="figures"),
    path("tips/<int:tip_id>/", views.detail, name="detail"),
    path("tips/<int:tip_id>/act/", views.act, name="act"),
    path("tips/<int:tip_id>/files/<int:attachment_id>/", views.file, name="file"),
]
