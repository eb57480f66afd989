from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from precinct.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    """Read-only: messages are written by the services that send them (model permissions decide who reads)."""

    list_display = ["created_at", "channel", "address", "subject", "status", "attempts"]
    list_filter = ["channel", "status"]
    search_fields = ["address", "subject", "key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
