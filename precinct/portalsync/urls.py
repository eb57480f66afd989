from django.urls import path

from precinct.portalsync import views

app_name = "portalsync"
urlpatterns = [
    path("portal-sync/", views.event_list, name="events"),
    path("portal-sync/retry-dead/", views.event_retry_all, name="retry_all"),
    path("portal-sync/<int:event_id>/retry/", views.event_retry, name="retry"),
    path("portal-sync/<int:event_id>/discard/", views.event_discard, name="discard"),
]
