"""Practice reads. Public lists come from the search index; detail and work queues from the ORM,
prefetched so templates and API schemas cannot trigger N+1 queries."""

from django.db.models import Prefetch, Q, QuerySet

from migrationhub.search.selectors import search

from . import freshness
from .indexing import KIND
from .models import Practice, PracticeTranslation, ReviewAssignment, ReviewDecision

FACETS = (
    "objective",
    "principle",
    "area",
    "country",
    "region",
    "level",
    "stakeholder_type",
    "language",
    "year",
)


def practice_queryset() -> QuerySet[Practice]:
    return Practice.objects.select_related("language", "organisation").prefetch_related(
        "objectives",
        "principles",
        "areas",
        "countries",
        "levels",
        "stakeholder_types",
        "organisations",
        Prefetch("translations", queryset=PracticeTranslation.objects.select_related("language")),
    )


def practice_summary_queryset() -> QuerySet[Practice]:
    """What lists show: the tags, not the long texts, translations or provenance."""
    return (
        Practice.objects.select_related("language", "organisation")
        .prefetch_related(
            "objectives", "principles", "areas", "countries", "levels", "stakeholder_types"
        )
        .defer("body", "results", "source", "provenance")
    )


def practice_get(slug: str) -> Practice | None:
    return practice_queryset().filter(slug=slug).first()


def practice_search(query=None, *, filters=None, facets=FACETS, page=1, page_size=20):
    """Published practices matching `query` and `filters`, ranked, with facet counts.

    Returns (result, practices): the search result (total, facets, hits with snippets) and the
    matching Practice objects in rank order.
    """
    result = search(
        query,
        kinds=[KIND],
        filters=filters,
        facets=facets,
        limit=page_size,
        offset=(page - 1) * page_size,
    )
    by_id = practice_summary_queryset().in_bulk([h.object_id for h in result.hits])
    practices = [by_id[h.object_id] for h in result.hits if h.object_id in by_id]
    return result, practices


def practice_list_published() -> QuerySet[Practice]:
    return practice_queryset().filter(status=Practice.PUBLISHED)


def practice_latest(n: int = 6) -> list[Practice]:
    return list(practice_list_published().order_by("-published_at", "-pk")[:n])


def practice_count_published() -> int:
    return Practice.objects.filter(status=Practice.PUBLISHED).count()


def practice_list_stale() -> QuerySet[Practice]:
    cutoff = freshness.stale_cutoff()
    return practice_list_published().filter(
        Q(last_verified_at__isnull=True) | Q(last_verified_at__lte=cutoff)
    )


def practice_list_for_objective(number: int) -> QuerySet[Practice]:
    return practice_list_published().filter(objectives__number=number)


def practice_list_for_organisation(organisation) -> QuerySet[Practice]:
    return (
        practice_list_published()
        .filter(Q(organisation=organisation) | Q(organisations=organisation))
        .distinct()
    )


def practice_list_of_user_organisations(user) -> QuerySet[Practice]:
    return practice_queryset().filter(organisation__memberships__user=user).order_by("-updated_at")


def review_queue(user) -> QuerySet[ReviewAssignment]:
    """The reviewer's active assignments on practices that are waiting for their decision."""
    return (
        ReviewAssignment.objects.filter(reviewer=user, withdrawn_at__isnull=True)
        .filter(practice__status__in=[Practice.SUBMITTED, Practice.IN_REVIEW])
        .select_related("practice__organisation")
        .prefetch_related("decisions")
        .order_by("practice__submitted_at")
    )


def practices_awaiting_panel() -> QuerySet[Practice]:
    """Submitted practices whose panel is incomplete: the platform admins' queue."""
    return (
        practice_queryset()
        .filter(status=Practice.SUBMITTED)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ReviewAssignment.objects.filter(withdrawn_at__isnull=True).select_related(
                    "reviewer"
                ),
            )
        )
        .order_by("submitted_at")
    )


def review_history(practice: Practice) -> QuerySet[ReviewDecision]:
    return (
        ReviewDecision.objects.filter(assignment__practice=practice)
        .select_related("assignment__reviewer")
        .order_by("round", "created_at")
    )


def assignment_for(user, practice: Practice) -> ReviewAssignment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return practice.assignments.filter(reviewer=user).first()
