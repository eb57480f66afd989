from django.urls import path

from precinct.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("register/", views.register, name="register"),
    path("second-factor/", views.second_factor_verify, name="second_factor"),
    path("second-factor/setup/", views.second_factor_setup, name="second_factor_setup"),
]
