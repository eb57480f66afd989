from django.urls import path

from precinct.results import views

app_name = "results"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>", views.verify, name="verify_code"),
    path("dossiers/<str:code>/result.pdf", views.result_download, name="download"),
    path("dossiers/<str:code>/result/revoke/", views.result_revoke, name="revoke"),
]
