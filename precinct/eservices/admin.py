from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from precinct.eservices.models import Dossier, ProcedureVersion, ServiceField
from precinct.organisation.admin_support import ScopedAuditedAdmin


class ReadOnlyAdmin(ScopedAuditedAdmin):
    """Shown for reference; changes go through the services (catalogue import, workflow actions)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ServiceField)
class ServiceFieldAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "name_en", "position")


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(ReadOnlyAdmin):
    list_display = ("procedure", "number", "name", "field", "level", "deadline_days", "fee_vnd", "is_sample")
    list_filter = ("field", "level", "is_sample")
    search_fields = ("procedure__code", "name", "search_text")


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    scope_path_field = "unit_path"
    list_display = ("code", "version", "status", "unit", "submitted_at", "due_date")
    list_filter = ("status",)
    search_fields = ("code",)
