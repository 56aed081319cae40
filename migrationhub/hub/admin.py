"""The hub app's admin: read-only, with history (services own the writes)."""

from django.contrib import admin

from migrationhub.core.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin

from .models import Offer, Proposal, SupportRequest, Transition


@admin.register(SupportRequest)
class SupportRequestAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "requester", "status", "private", "created_at")
    list_filter = ("status", "private")
    search_fields = ("title", "slug")


@admin.register(Offer)
class OfferAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "organisation", "status", "ends_on")
    list_filter = ("status",)


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyHistoryAdmin):
    list_display = ("request", "status", "created_at")


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = ("request", "from_status", "to_status", "actor", "at")
