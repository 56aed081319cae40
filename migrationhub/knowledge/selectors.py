"""Practice reads. Public lists come from the search index; detail and work queues from the ORM,
prefetched so templates and API schemas cannot trigger N+1 queries."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from migrationhub.accounts import selectors as account_selectors
from migrationhub.accounts.permissions import is_internal_reviewer, is_platform_admin
from migrationhub.organisations import selectors as org_selectors
from migrationhub.organisations.permissions import organisation_ids_of
from migrationhub.search.faceted import Facet, FacetedResult, FacetedSearch

from . import freshness
from .indexing import KIND
from .models import TAG_FIELDS, Practice, PracticeTranslation, ReviewAssignment, ReviewDecision


def practice_queryset() -> QuerySet[Practice]:
    return Practice.objects.select_related("language", "organisation").prefetch_related(
        *TAG_FIELDS,
        "organisations",
        Prefetch("translations", queryset=PracticeTranslation.objects.select_related("language")),
    )


def practice_summary_queryset(tags: tuple[str, ...] = TAG_FIELDS) -> QuerySet[Practice]:
    """What lists show: the `tags` (all of them, for the API), not the long texts, translations
    or provenance."""
    return (
        Practice.objects.select_related("language", "organisation")
        .prefetch_related(*tags)
        .defer("body", "results", "source", "provenance")
    )


def practice_get(slug: str) -> Practice | None:
    return practice_queryset().filter(slug=slug).first()


PRACTICE_SEARCH = FacetedSearch(
    kind=KIND,
    facets=(
        Facet("objective", _("GCM objective"), "objectives"),
        Facet("region", _("Region"), "regions"),
        Facet("country", _("Country"), "countries", upper=True),
        Facet("level", _("Level"), "levels"),
        Facet("stakeholder_type", _("Stakeholder type"), "stakeholder_types"),
        Facet("area", _("Area of cooperation"), "areas"),
        Facet("principle", _("Guiding principle"), "principles"),
        Facet("sdg_target", _("SDG target"), "sdg_targets"),
        Facet("language", _("Language"), "languages"),
        Facet("year", _("Year"), newest_first=True),
    ),
    load=lambda ids: practice_summary_queryset().in_bulk(ids),
)


def practice_search(
    query: str | None,
    filters: dict[str, list[str]],
    *,
    page: int = 1,
    page_size: int = 20,
    tags: tuple[str, ...] = TAG_FIELDS,
) -> FacetedResult:
    """Published practices matching `query` and `filters`, ranked, with facet counts; each
    practice with the `tags` the caller shows (the search page: its objectives only)."""
    load = None if tags == TAG_FIELDS else practice_summary_queryset(tags).in_bulk
    return PRACTICE_SEARCH.run(query, filters, page=page, page_size=page_size, load=load)


def practice_list_published() -> QuerySet[Practice]:
    return practice_queryset().filter(status=Practice.PUBLISHED)


def practice_cards() -> QuerySet[Practice]:
    """Published practices as cards show them (knowledge/_practice_card.html): owner, levels,
    summary."""
    return practice_summary_queryset(("levels",)).filter(status=Practice.PUBLISHED)


def practice_latest(n: int = 6) -> list[Practice]:
    return list(practice_cards().order_by("-published_at", "-pk")[:n])


def practice_slugs() -> set[str]:
    return set(Practice.objects.values_list("slug", flat=True))


def practice_count_published() -> int:
    return Practice.objects.filter(status=Practice.PUBLISHED).count()


def stale_cutoff(today: dt.date | None = None) -> dt.date:
    """The last verification date that is stale today (MIGRATIONHUB_STALE_AFTER_MONTHS)."""
    return freshness.stale_cutoff(
        today or timezone.localdate(), settings.MIGRATIONHUB_STALE_AFTER_MONTHS
    )


def practice_list_stale() -> QuerySet[Practice]:
    cutoff = stale_cutoff()
    return practice_list_published().filter(
        Q(last_verified_at__isnull=True) | Q(last_verified_at__lte=cutoff)
    )


def practice_list_for_objective(number: int) -> QuerySet[Practice]:
    return practice_cards().filter(objectives__number=number)


def practice_list_for_organisation(organisation: Any) -> QuerySet[Practice]:
    return (
        practice_cards()
        .filter(Q(organisation=organisation) | Q(organisations=organisation))
        .distinct()
    )


def practice_list_of_user_organisations(user: Any) -> QuerySet[Practice]:
    return practice_queryset().filter(organisation__memberships__user=user).order_by("-updated_at")


def review_queue(user: Any) -> QuerySet[ReviewAssignment]:
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


def assignment_for(user: Any, practice: Practice) -> ReviewAssignment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return practice.assignments.filter(reviewer=user).first()


def eligible_reviewers(practice: Practice) -> QuerySet[Any]:
    """The reviewer panel policy: reviewers not yet on the panel who belong to none of the
    organisations involved (nobody reviews their own organisation's practice)."""
    assigned = set(practice.assignments.values_list("reviewer_id", flat=True))
    involved = {practice.organisation_id, *practice.organisations.values_list("pk", flat=True)}
    conflicted = org_selectors.member_ids_of({pk for pk in involved if pk})
    # Members of unverified public bodies wait until the body is verified (ADR 0004).
    unverified = org_selectors.member_ids_of_unverified_public_bodies()
    return account_selectors.reviewer_list(exclude_ids=assigned | conflicted | unverified)


def public_translations(practice: Practice) -> list[PracticeTranslation]:
    """The translations readers see: approved text only (prefetched by `practice_get`)."""
    return [t for t in practice.translations.all() if t.is_public]


def translation_get(practice: Practice, language: str) -> PracticeTranslation | None:
    return next((t for t in practice.translations.all() if t.language_id == language), None)


def translations_pending(practice: Practice) -> list[PracticeTranslation]:
    """Proposed translations of the practice waiting for review."""
    return [t for t in practice.translations.all() if t.status == PracticeTranslation.PENDING]


def translations_to_review(user: Any) -> QuerySet[PracticeTranslation]:
    """Proposed translations of published practices that `user` may review: for internal
    reviewers and platform admins, outside the organisations they belong to."""
    if not (is_internal_reviewer(user) or is_platform_admin(user)):
        return PracticeTranslation.objects.none()
    own = organisation_ids_of(user)
    return (
        PracticeTranslation.objects.filter(
            status=PracticeTranslation.PENDING, practice__status=Practice.PUBLISHED
        )
        .exclude(practice__organisation_id__in=own)
        .exclude(practice__organisations__in=own)
        .exclude(proposed_by=user)
        .select_related("practice", "language", "proposed_by")
        .order_by("updated_at")
        .distinct()
    )


def practice_review_facts() -> dict[str, list[tuple[Any, ...]]]:
    """Published practices as plain rows for the review's coverage and gaps: `practices`
    `(id, slug, title, period_start, period_end, published_at)` and `(practice id, code)` pairs for
    `objectives`, `levels`, `countries`, `stakeholder_types`, `organisations` (organisation id).
    A fixed number of queries, no model instances."""
    published = Practice.objects.filter(status=Practice.PUBLISHED)
    ids = published.values("pk")
    through = Practice.objectives.through
    return {
        "practices": list(
            published.values_list(
                "pk", "slug", "title", "period_start", "period_end", "published_at"
            )
        ),
        "objectives": list(
            through.objects.filter(practice_id__in=ids).values_list(
                "practice_id", "objective__number"
            )
        ),
        "levels": list(
            Practice.levels.through.objects.filter(practice_id__in=ids).values_list(
                "practice_id", "level__code"
            )
        ),
        "countries": list(
            Practice.countries.through.objects.filter(practice_id__in=ids).values_list(
                "practice_id", "country__iso3"
            )
        ),
        "stakeholder_types": list(
            Practice.stakeholder_types.through.objects.filter(practice_id__in=ids).values_list(
                "practice_id", "stakeholdertype__code"
            )
        ),
        "organisations": list(
            Practice.organisations.through.objects.filter(practice_id__in=ids).values_list(
                "practice_id", "organisation_id"
            )
        ),
    }


# -- the evidence library ------------------------------------------------------------------------
