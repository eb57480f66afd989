from django.urls import path

from precinct.planning import views

app_name = "planning"
urlpatterns = [
    path("planning/", views.plans, name="plans"),
    path("planning/new/", views.plan_new, name="plan_new"),
    path("planning/template.xlsx", views.template, name="template"),
    path("planning/<int:pk>/", views.overview, name="overview"),
    path("planning/<int:pk>/import/", views.import_tasks, name="import"),
    path("planning/<int:pk>/report.xlsx", views.report, name="report"),
    path("planning/tasks/<int:pk>/", views.task, name="task"),
]
