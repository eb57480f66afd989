from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from precinct.core.admin_support import ScopedAuditedAdmin
from precinct.core.calendar import calendar_reset
from precinct.core.models import ExtraDayOff


@admin.register(ExtraDayOff)
class ExtraDayOffAdmin(ScopedAuditedAdmin):
    """The province's own days off; deadlines counted after a change move accordingly."""

    audit_fields = ("province_code", "day", "reason")
    list_display = ("day", "reason", "province_code")
    ordering = ("-day",)

    def _unit_of(self, obj: Any) -> Any:
        from precinct.organisation.models import Unit

        return Unit.objects.filter(code=obj.province_code, parent__isnull=True).first()

    def save_model(self, request: HttpRequest, obj: ExtraDayOff, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        calendar_reset()

    def delete_model(self, request: HttpRequest, obj: ExtraDayOff) -> None:
        super().delete_model(request, obj)
        calendar_reset()
