from django.contrib import admin

from migrationhub.core.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin

from .models import (
    Evidence,
    EvidenceObjective,
    Practice,
    PracticeTranslation,
    ReviewAssignment,
    ReviewDecision,
)


@admin.register(Practice)
class PracticeAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "status", "organisation", "published_at", "last_verified_at")
    list_filter = ("status", "language")
    search_fields = ("title", "slug", "summary")


@admin.register(PracticeTranslation)
class PracticeTranslationAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "practice", "language")
    list_filter = ("language",)


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("practice", "reviewer", "kind", "no_conflict_declared_at", "withdrawn_at")
    list_filter = ("kind",)


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "round", "decision", "created_at")
    list_filter = ("decision",)


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "year", "coverage", "evaluator")
    list_filter = ("coverage", "evaluator")
    search_fields = ("title", "slug", "project_code")


@admin.register(EvidenceObjective)
class EvidenceObjectiveAdmin(ReadOnlyHistoryAdmin):
    list_display = ("evidence", "objective")
