"""The registry in the admin: read-only, with history and the audit trail (services own writes)."""

from django.contrib import admin

from migrationhub.core.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin

from .models import (
    Commitment,
    Goal,
    Member,
    OrganisationRef,
    Output,
    Partnership,
    PartnershipTranslation,
    Pledge,
    Pledger,
    ProgressReport,
)


@admin.register(Partnership)
class PartnershipAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "lead", "status", "score", "light", "created_at")
    list_filter = ("status", "light")
    search_fields = ("name", "slug", "iati_identifier")


@admin.register(Member)
class MemberAdmin(ReadOnlyHistoryAdmin):
    list_display = ("partnership", "organisation", "status", "is_lead", "source")
    list_filter = ("status", "source")


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "lead", "kind", "status", "light", "pledged_on")
    list_filter = ("kind", "status", "light")
    search_fields = ("title", "slug")


for model in (Goal, Commitment, PartnershipTranslation, Pledger, ProgressReport):
    admin.site.register(model, ReadOnlyHistoryAdmin)
for model in (Output, OrganisationRef):
    admin.site.register(model, ReadOnlyAdmin)
