from django.urls import path

from precinct.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/read-all/", views.mark_all_read, name="read_all"),
    path("notifications/<int:notification_id>/", views.message_detail, name="message"),
]
