from django.urls import path

from precinct.cameras import views

app_name = "cameras"
urlpatterns = [
    path("cameras/", views.camera_list, name="cameras"),
    path("cameras/console/", views.console, name="console"),
    path("cameras/console/alerts/", views.console_alerts, name="console_alerts"),
    path("cameras/alerts/<int:alert_id>/acknowledge/", views.alert_act, {"action": "acknowledge"}, name="acknowledge"),
    path("cameras/alerts/<int:alert_id>/hand-on/", views.alert_act, {"action": "hand-on"}, name="hand_on"),
    path("cameras/alerts/<int:alert_id>/dismiss/", views.alert_act, {"action": "dismiss"}, name="dismiss"),
    path("cameras/mine/", views.own_cameras, name="mine"),
    path("cameras/consents/<int:consent_id>/withdraw/", views.consent_withdraw, name="withdraw"),
    path("cameras/uptime/", views.uptime, name="uptime"),
]
