from django.urls import path

from precinct.payments import views

app_name = "payments"
urlpatterns = [
    path("payments/requests/<int:pk>/pay/", views.pay, name="pay"),
    path("payments/return/", views.payment_return, name="return"),
    path("payments/sandbox/", views.sandbox_pay, name="sandbox"),
    path("payments/<str:txn_ref>/receipt.pdf", views.receipt, name="receipt"),
]
