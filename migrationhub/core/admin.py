"""The admin is for looking, not for changing domain data: services own the writes (permissions,
audit, search index), so domain models are registered read-only, with their history
(django-simple-history) and the audit trail beside them."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """View-only: every change goes through the owning app's services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyHistoryAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """View-only, with the record's history (who changed what, when)."""


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "target_type", "target_repr", "actor", "reason")
    list_filter = ("action", "target_type")
    search_fields = ("target_repr", "reason", "actor__email", "target_id")
    date_hierarchy = "at"
