from django.contrib import admin

from precinct.eservices.admin import ReadOnlyAdmin
from precinct.payments.models import Payment, PaymentRequest


@admin.register(PaymentRequest)
class PaymentRequestAdmin(ReadOnlyAdmin):
    """For reference; fees are billed by the workflow and settled only by verified provider callbacks."""

    scope_path_field = "dossier__unit_path"
    list_display = ("dossier", "purpose", "amount_vnd", "status", "created_at", "paid_at")
    list_filter = ("status", "purpose")
    search_fields = ("dossier__code",)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    scope_path_field = "request__dossier__unit_path"
    list_display = ("txn_ref", "request", "provider", "amount_vnd", "status", "created_at", "completed_at")
    list_filter = ("status", "provider")
    search_fields = ("txn_ref", "request__dossier__code", "provider_txn_no")
