from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from precinct.accounts.models import User
from precinct.audit.services import audit_record, snapshot

USER_AUDIT_FIELDS = (
    "username",
    "kind",
    "full_name",
    "personal_id",
    "phone",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts are managed by superusers; unit administrators manage officers and roles instead."""

    list_display = ("username", "full_name", "kind", "phone", "is_active", "is_staff")
    list_filter = ("kind", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "full_name", "personal_id", "phone", "email")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password", "kind")}),
        ("Person", {"fields": ("full_name", "personal_id", "date_of_birth", "sex", "phone", "email", "language")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "kind", "full_name", "password1", "password2")}),
    )
    filter_horizontal = ()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Administrators may look accounts up (to link officers and grant roles), not change them.
        from precinct.organisation.models import Role
        from precinct.organisation.scoping import has_any_role

        return has_any_role(request.user, (Role.ADMINISTRATOR,))

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = snapshot(User.objects.get(pk=obj.pk), USER_AUDIT_FIELDS) if change else None
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"admin.user_{'update' if change else 'create'}",
                target=obj,
                before=before,
                after=snapshot(obj, USER_AUDIT_FIELDS),
            )

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user, action="admin.user_delete", target=obj, before=snapshot(obj, USER_AUDIT_FIELDS)
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
