"""The fund in the admin: read-only, with history and the audit trail (services own writes)."""

from django.contrib import admin

from migrationhub.core.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin

from .models import (
    Allocation,
    Close,
    CloseBalance,
    Contribution,
    Disbursement,
    Entry,
    Expenditure,
    Fund,
    Movement,
    PoolLock,
    Proposal,
    Screening,
)


@admin.register(Fund)
class FundAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "slug", "created_at")


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyHistoryAdmin):
    list_display = ("contributor", "amount", "currency", "earmark", "status", "date")
    list_filter = ("status", "currency")


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "partnership", "amount", "currency", "status", "score")
    list_filter = ("status",)
    search_fields = ("title",)


@admin.register(Screening)
class ScreeningAdmin(ReadOnlyHistoryAdmin):
    list_display = ("proposal", "principle", "rating")


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyHistoryAdmin):
    list_display = ("proposal", "amount", "currency", "earmark", "date")


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyHistoryAdmin):
    list_display = ("allocation", "amount", "date")


@admin.register(Expenditure)
class ExpenditureAdmin(ReadOnlyHistoryAdmin):
    list_display = ("allocation", "amount", "period_end")


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "date", "reverses")
    list_filter = ("kind",)


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("movement", "account", "currency", "amount")
    search_fields = ("account",)


@admin.register(Close)
class CloseAdmin(ReadOnlyAdmin):
    list_display = ("pk", "at", "last_entry_id", "entries")


@admin.register(CloseBalance)
class CloseBalanceAdmin(ReadOnlyAdmin):
    list_display = ("close", "account", "currency", "amount")
    search_fields = ("account",)


@admin.register(PoolLock)
class PoolLockAdmin(ReadOnlyAdmin):
    list_display = ("fund", "earmark", "currency", "writes")
