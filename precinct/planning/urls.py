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
    path("planning/<int:pk>/report.docx", views.report_word, name="report_docx"),
    path("planning/<int:pk>/activities/", views.activity_new, name="activity_new"),
    path("planning/tasks/<int:pk>/", views.task, name="task"),
    path("planning/indicators/<int:pk>/", views.indicator, name="indicator"),
]
