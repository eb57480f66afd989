from django.urls import path

from precinct.personnel import views, views_career, views_training

app_name = "personnel"
urlpatterns = [
    path("personnel/", views.home, name="home"),
    path("personnel/figures.xlsx", views.figures_export, name="figures_xlsx"),
    path("personnel/officers/", views.officers, name="officers"),
    path("personnel/officers/<int:pk>/", views.officer, name="officer"),
    path("personnel/discipline/", views.discipline, name="discipline"),
    path("personnel/transfers/", views.transfer_list, name="transfers"),
    path("personnel/transfers/<int:pk>/", views.transfer_detail, name="transfer"),
    path("personnel/steps/<int:pk>/done/", views.step_done, name="step_done"),
    path("personnel/rounds/<int:pk>/", views.round_detail, name="round"),
    path("personnel/staffing/", views.staffing, name="staffing"),
    path("personnel/import/", views.import_officers, name="import"),
    path("personnel/template.xlsx", views.template, name="template"),
    path("personnel/courses/", views_training.course_list, name="courses"),
    path("personnel/courses/<int:pk>/", views_training.course_detail, name="course"),
    path("personnel/activities/", views_training.activity_list, name="activities"),
    path("personnel/officers/<int:pk>/career/", views_career.career_form, name="career_form"),
]
