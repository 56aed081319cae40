from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, User


@admin.register(User)
class MigrationhubUserAdmin(UserAdmin):
    list_display = ("email", "display_name", "reviewer_role", "is_staff", "is_active")
    list_filter = ("reviewer_role", "is_staff", "is_active")
    search_fields = ("email", "display_name")
    ordering = ("email",)
    fieldsets = (
        *UserAdmin.fieldsets,
        ("MigrationHub", {"fields": ("display_name", "preferred_language", "reviewer_role")}),
    )
    # Granted and withdrawn at /account/reviewers/, where each change is an audit event.
    readonly_fields = ("reviewer_role",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "prefix")
