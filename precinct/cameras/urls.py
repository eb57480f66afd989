from django.urls import path

from precinct.cameras import mapping, stream, views

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
    # The alert's page (docs/adr/0037).
    path("cameras/alerts/<int:alert_id>/", views.alert_detail, name="alert"),
    path("cameras/alerts/<int:alert_id>/snapshot/", views.alert_snapshot, name="alert_snapshot"),
    path(
        "cameras/alerts/<int:alert_id>/act/acknowledge/",
        views.alert_detail_act,
        {"action": "acknowledge"},
        name="alert_acknowledge",
    ),
    path(
        "cameras/alerts/<int:alert_id>/act/dispatch/",
        views.alert_detail_act,
        {"action": "dispatch"},
        name="alert_dispatch",
    ),
    path("cameras/alerts/<int:alert_id>/act/close/", views.alert_detail_act, {"action": "close"}, name="alert_close"),
    path("cameras/alerts/<int:alert_id>/act/note/", views.alert_detail_act, {"action": "note"}, name="alert_note"),
    path("cameras/console/stream", stream.console_stream, name="console_stream"),
    path("cameras/map/", mapping.camera_map, name="map"),
    path("cameras/map/base.pmtiles", mapping.map_base, name="map_base"),
    path("cameras/uptime/", views.uptime, name="uptime"),
]
