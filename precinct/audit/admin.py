from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from precinct.audit.models import AuditEvent
from precinct.core.admin_support import ScopedAuditedAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedAuditedAdmin):
    """Read-only: the audit log is never edited, not even here."""

    scope_path_field = "unit_path"
    list_display = ("id", "occurred_at", "actor_label", "action", "target_label", "unit_path", "request_id")
    list_filter = ("action",)
    search_fields = ("action", "target_label", "actor_label", "target_id", "request_id")
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
