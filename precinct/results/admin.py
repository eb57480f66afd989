from django.contrib import admin

from precinct.eservices.admin import ReadOnlyAdmin
from precinct.results.models import ResultDocument, SigningKey


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdmin):
    """Keys are created, rotated and imported with `manage.py signing_key` (the files never pass the web)."""

    scope_path_field = "unit__path"
    list_display = ("unit", "subject", "is_active", "not_after", "fingerprint", "key_file")
    list_filter = ("is_active",)
    search_fields = ("unit__code", "subject", "fingerprint")


@admin.register(ResultDocument)
class ResultDocumentAdmin(ReadOnlyAdmin):
    scope_path_field = "unit_path"
    list_display = ("dossier", "unit", "signed_at", "sha256", "revoked_at")
    search_fields = ("dossier__code", "sha256")
