"""The hub app's admin: read-only, with history (services own the writes)."""

from django.contrib import admin

from migrationhub.core.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin

from .models import (
    Offer,
    OfferTranslation,
    Proposal,
    ProposalMember,
    SupportRequest,
    SupportRequestTranslation,
    Transition,
)


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


@admin.register(SupportRequestTranslation)
class SupportRequestTranslationAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "request", "language")


@admin.register(OfferTranslation)
class OfferTranslationAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "offer", "language")


@admin.register(ProposalMember)
class ProposalMemberAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "organisation", "score")
