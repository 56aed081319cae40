from django.contrib import admin

from migrationhub.core.admin import ReadOnlyHistoryAdmin

from .models import Invitation, JoinRequest, Membership, Organisation


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "acronym", "stakeholder_type", "level", "home_country", "verified_at")
    list_filter = ("stakeholder_type", "level")
    search_fields = ("name", "acronym", "slug")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyHistoryAdmin):
    list_display = ("organisation", "user", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("organisation__name", "user__email")


@admin.register(JoinRequest)
class JoinRequestAdmin(ReadOnlyHistoryAdmin):
    list_display = ("organisation", "user", "status", "created_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("organisation__name", "user__email")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyHistoryAdmin):
    list_display = ("organisation", "email", "role", "status", "expires_at", "invited_by")
    list_filter = ("status", "role")
    search_fields = ("organisation__name", "email")
    exclude = ("token_hash",)
