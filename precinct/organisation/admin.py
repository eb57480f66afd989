"""Admin pages for the unit tree, and for the models of the apps below it (the kernel's extra days off,
the audit log), whose scoping by unit only this app can answer."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import ForeignKey
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from precinct.audit.models import AuditEvent
from precinct.core.calendar import calendar_reset
from precinct.core.errors import ValidationFailed
from precinct.core.forms import add_validation_errors
from precinct.core.models import ExtraDayOff
from precinct.organisation import services
from precinct.organisation.admin_support import ScopedAuditedAdmin
from precinct.organisation.models import Officer, Role, RoleAssignment, Unit, UnitKind
from precinct.organisation.scoping import restrict
from precinct.organisation.selectors import unit_by_code


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ("code", "name", "name_en", "kind", "parent", "division_code", "address", "phone", "is_active")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            services.unit_input_check(
                code=data.get("code") or "",
                name=data.get("name") or "",
                kind=data.get("kind") or "",
                parent=data.get("parent"),
                instance=self.instance if self.instance.pk else None,
            )
        except ValidationFailed as exc:
            add_validation_errors(self, exc)
        return data


class ScopedChoicesMixin:
    """Foreign keys to units offer only units in the administrator's reach."""

    def formfield_for_foreignkey(self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Unit:
            kwargs["queryset"] = restrict(Unit.objects.all(), request.user, "path", (Role.ADMINISTRATOR,))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


@admin.register(Unit)
class UnitAdmin(ScopedChoicesMixin, ScopedAuditedAdmin):
    form = UnitForm
    scope_path_field = "path"
    audit_fields = services.UNIT_FIELDS
    list_display = ("code", "name", "name_en", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "name_en", "division_code")
    ordering = ("path",)

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        # Through the service: it checks reach, rewrites paths under a moved unit, and audits.
        values = {f: form.cleaned_data[f] for f in UnitForm.Meta.fields}
        existing = Unit.objects.get(pk=obj.pk) if change else None
        saved = services.unit_save(actor=request.user, unit=existing, **values)
        obj.pk, obj.path = saved.pk, saved.path

    def delete_model(self, request: HttpRequest, obj: Unit) -> None:
        # Units are retired, not deleted: dossiers, officers and the audit log refer to them.
        services.unit_save(actor=request.user, unit=Unit.objects.get(pk=obj.pk), is_active=False)


@admin.register(Officer)
class OfficerAdmin(ScopedChoicesMixin, ScopedAuditedAdmin):
    scope_path_field = "unit__path"
    audit_fields = services.OFFICER_FIELDS
    list_display = ("full_name", "rank", "position", "unit", "phone", "is_active")
    list_filter = ("rank", "is_active", "unit__kind")
    search_fields = ("full_name", "phone", "unit__name", "unit__code")
    autocomplete_fields = ("user",)
    fields = ("full_name", "rank", "position", "unit", "phone", "user", "is_active")

    def save_model(self, request: HttpRequest, obj: Officer, form: Any, change: bool) -> None:
        values = {f: form.cleaned_data[f] for f in self.fields}
        existing = Officer.objects.get(pk=obj.pk) if change else None
        saved = services.officer_save(actor=request.user, officer=existing, **values)
        obj.pk = saved.pk


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedChoicesMixin, ScopedAuditedAdmin):
    scope_path_field = "unit__path"
    audit_fields = ("user", "unit", "role")
    list_display = ("user", "role", "unit", "granted_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "unit__name", "unit__code")
    autocomplete_fields = ("user",)


@admin.register(ExtraDayOff)
class ExtraDayOffAdmin(ScopedAuditedAdmin):
    """The province's own days off; deadlines counted after a change move accordingly."""

    audit_fields = ("province_code", "day", "reason")
    list_display = ("day", "reason", "province_code")
    ordering = ("-day",)

    def _unit_of(self, obj: Any) -> Unit | None:
        return unit_by_code(obj.province_code, kinds=(UnitKind.PROVINCE,))

    def save_model(self, request: HttpRequest, obj: ExtraDayOff, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        calendar_reset()

    def delete_model(self, request: HttpRequest, obj: ExtraDayOff) -> None:
        super().delete_model(request, obj)
        calendar_reset()


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


admin.site.site_header = _("Precinct administration")
admin.site.site_title = _("Precinct administration")
admin.site.unregister(Group)  # roles are RoleAssignments scoped to units, not Django groups
