from django.urls import path

from precinct.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("register/", views.register, name="register"),
    path("second-factor/", views.second_factor_verify, name="second_factor"),
    path("second-factor/setup/", views.second_factor_setup, name="second_factor_setup"),
    path("vneid/", views.oidc_start, name="oidc_start"),
    path("vneid/callback/", views.oidc_callback, name="oidc_callback"),
    path("password-reset/", views.PasswordResetRequest.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetSent.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirm.as_view(), name="password_reset_confirm"),
    path("reset/done/", views.PasswordResetComplete.as_view(), name="password_reset_complete"),
]
