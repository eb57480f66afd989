"""The base of every admin page: lists scoped to the administrator's units, saves written to the audit log."""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from precinct.audit.services import audit_record, snapshot
from precinct.organisation.models import Role
from precinct.organisation.scoping import has_any_role, restrict


class ScopedAuditedAdmin(admin.ModelAdmin):
    """Lists only rows in the administrator's reach; every save and delete writes an audit row.

    Subclasses set `scope_path_field` (the row's unit path, e.g. "unit__path") and `audit_fields`.
    """

    scope_path_field: str = ""
    audit_fields: tuple[str, ...] = ()

    def _unit_of(self, obj: Model) -> Any:
        return getattr(obj, "unit", None)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if not self.scope_path_field:
            return queryset
        return restrict(queryset, request.user, self.scope_path_field, (Role.ADMINISTRATOR,))

    def _is_administrator(self, request: HttpRequest) -> bool:
        return has_any_role(request.user, (Role.ADMINISTRATOR,))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_administrator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._is_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_administrator(request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = None
            if change:
                original = type(obj).objects.get(pk=obj.pk)
                before = snapshot(original, self.audit_fields)
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"admin.{obj._meta.model_name}_{'update' if change else 'create'}",
                target=obj,
                unit=self._unit_of(obj),
                before=before,
                after=snapshot(obj, self.audit_fields),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=f"admin.{obj._meta.model_name}_delete",
                target=obj,
                unit=self._unit_of(obj),
                before=snapshot(obj, self.audit_fields),
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
