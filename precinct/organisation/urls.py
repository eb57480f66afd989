from django.urls import path

from precinct.organisation import views

app_name = "organisation"
urlpatterns = [
    path("units/", views.units, name="units"),
    path("units/<str:code>/", views.unit_detail, name="unit"),
    path("officers/", views.officers, name="officers"),
]
