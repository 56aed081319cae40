"""Practice reads. Public lists come from the search index; detail and work queues from the ORM,
prefetched so templates and API schemas cannot trigger N+1 queries."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, QuerySet, Window
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from migrationhub.accounts import selectors as account_selectors
from migrationhub.accounts.permissions import is_internal_reviewer, is_platform_admin
from migrationhub.organisations import selectors as org_selectors
from migrationhub.organisations.permissions import organisation_ids_of
from migrationhub.search.faceted import KIND_FACET, Facet, FacetedResult, FacetedSearch
from migrationhub.search.selectors import index_terms, search, similar_documents
from migrationhub.taxonomy.selectors import (
    area_list,
    objective_list,
    objective_numbers,
    principle_list,
    with_reference,
)

from . import freshness, tagging
from .indexing import EVIDENCE_KIND as EVIDENCE_KIND
from .indexing import KIND as KIND
from .indexing import evidence_text
from .models import (
    TAG_FIELDS,
    Evidence,
    EvidenceObjective,
    Practice,
    PracticeTranslation,
    ReviewAssignment,
    ReviewDecision,
)


def practice_queryset() -> QuerySet[Practice]:
    # The vocabulary rows from the process's copy of the reference data (with_reference).
    return (
        with_reference(Practice.objects, *TAG_FIELDS, "language")
        .select_related("organisation")
        .prefetch_related(
            "organisations",
            Prefetch(
                "translations", queryset=PracticeTranslation.objects.select_related("language")
            ),
        )
    )


def practice_summary_queryset(tags: tuple[str, ...] = TAG_FIELDS) -> QuerySet[Practice]:
    """What lists show: the `tags` (all of them, for the API), not the long texts, translations
    or provenance."""
    return (
        with_reference(Practice.objects, *tags, "language")
        .select_related("organisation")
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
    semantic=True,
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
    """Published practices as cards show them ({% practice_cards %}): owner, levels,
    summary; only those columns (an organisation's twenty practices with every column of theirs
    and their owners' took ~3 ms to read and build on PostgreSQL, for ~0.3 ms of SQL)."""
    return (
        practice_summary_queryset(("levels",))
        .filter(status=Practice.PUBLISHED)
        .only(
            "slug",
            "title",
            "summary",
            "language",
            "status",
            "last_verified_at",
            "organisation__name",
            "organisation__names",
        )
    )


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


def evidence_queryset() -> QuerySet[Evidence]:
    return with_reference(Evidence.objects, "countries", "language").prefetch_related(
        Prefetch(
            "tags",
            queryset=with_reference(EvidenceObjective.objects, "objective").select_related(
                "confirmed_by"
            ),
        ),
    )


def evidence_summary_queryset() -> QuerySet[Evidence]:
    """What lists show: title, year, countries, objectives (with their status). The tags'
    objectives come from the process's copy of the vocabulary, not a join."""
    return with_reference(Evidence.objects, "countries", "language").prefetch_related(
        Prefetch("tags", queryset=with_reference(EvidenceObjective.objects, "objective"))
    )


def evidence_get(slug: str) -> Evidence | None:
    return evidence_queryset().filter(slug=slug).first()


def evidence_slugs() -> set[str]:
    return set(Evidence.objects.values_list("slug", flat=True))


def evidence_count() -> int:
    return Evidence.objects.count()


def evidence_list_for_country(iso3: str) -> QuerySet[Evidence]:
    return evidence_summary_queryset().filter(countries__iso3=iso3).order_by("-year", "title")


def _evidence_cards(matching: QuerySet[Evidence], n: int) -> tuple[list[Evidence], int]:
    """The first `n` of `matching` as cards show them (knowledge/_evidence_list.html: title,
    year, countries) and how many match, in one query: the count is a window over every match,
    computed before the limit."""
    cards: list[Any] = list(
        with_reference(matching, "countries", "language")
        .only("slug", "title", "year", "language")
        .annotate(matching=Window(Count("pk")))[:n]
    )
    return cards, int(cards[0].matching) if cards else 0


def evidence_cards_for_objective(number: int, n: int) -> tuple[list[Evidence], int]:
    """The first `n` evaluations tagged with objective `number` (confirmed ones first) and how
    many there are. One tag per evaluation and objective (unique), so no DISTINCT."""
    return _evidence_cards(
        Evidence.objects.filter(tags__objective__number=number).order_by(
            "-tags__status", "-year", "title"
        ),
        n,
    )


def evidence_cards_for_country(iso3: str, n: int) -> tuple[list[Evidence], int]:
    """The first `n` evaluations covering the country `iso3` (newest first) and how many."""
    return _evidence_cards(
        Evidence.objects.filter(countries__iso3=iso3).order_by("-year", "title"), n
    )


def objective_pks() -> dict[int, int]:
    """The primary key of each GCM objective by its number (the tagger speaks in numbers). Read
    each time (one small query): a per-process cache would outlive the rows it names when the
    reference data is loaded again."""
    return {o.number: o.pk for o in objective_list()}


EVIDENCE_KIND_LABELS = {KIND: _("Practices"), EVIDENCE_KIND: _("Evaluations (evidence)")}


def practice_results(ids: list[int]) -> dict[int, Practice]:
    """Practices by id with only what a search result shows of them
    (knowledge/templatetags/library.py): no long texts, one of their vocabularies."""
    return (
        with_reference(Practice.objects, "objectives", "language")
        .select_related("organisation")
        .only(
            "slug",
            "title",
            "language",
            "status",
            "last_verified_at",
            "period_start",
            "period_end",
            "organisation__name",
            "organisation__names",
        )
        .in_bulk(ids)
    )


@dataclass(frozen=True)
class EvidenceResult:
    """An evaluation as a search result shows it: the row's title, year, language and
    countries, and its GCM objectives as (number, confirmed by a curator), in number order."""

    evidence: Evidence
    objectives: list[tuple[int, bool]]


def evidence_results(ids: list[int]) -> dict[int, EvidenceResult]:
    """Evaluations by id as their search results show them. Their tags are read as values:
    the rows' fifteen other columns (eight JSON to decode) and a model instance per tag through
    Django's prefetching were half of loading a page of results."""
    found = (
        with_reference(Evidence.objects, "countries", "language")
        .only("slug", "title", "year", "language")
        .in_bulk(ids)
    )
    numbers = objective_numbers()
    tags: dict[int, list[tuple[int, bool]]] = {pk: [] for pk in found}
    for evidence, objective, status in (
        EvidenceObjective.objects.filter(evidence_id__in=list(found))
        .order_by()  # sorted below: the model's order by number joins the objectives
        .values_list("evidence_id", "objective_id", "status")
    ):
        tags[evidence].append((numbers[objective], status == EvidenceObjective.CONFIRMED))
    return {pk: EvidenceResult(e, sorted(tags[pk])) for pk, e in found.items()}


LIBRARY_SEARCH = FacetedSearch(
    kind=KIND,
    more_kinds={EVIDENCE_KIND: evidence_results},
    facets=(
        Facet("kind", _("Kind"), labels=EVIDENCE_KIND_LABELS, index=KIND_FACET),
        *PRACTICE_SEARCH.facets,
    ),
    load=practice_results,
    semantic=True,
)


def library_search(
    query: str | None, filters: dict[str, list[str]], *, page: int = 1, page_size: int = 20
) -> FacetedResult:
    """Published practices and evaluations matching `query` and `filters` (the practice page:
    its `kind` facet tells them apart), ranked together, loaded as their results show them."""
    return LIBRARY_SEARCH.run(query, filters, page=page, page_size=page_size)


EVIDENCE_SEARCH = FacetedSearch(
    kind=EVIDENCE_KIND,
    facets=(
        Facet("objective", _("GCM objective"), "objectives"),
        Facet("region", _("Region"), "regions"),
        Facet("country", _("Country"), "countries", upper=True),
        Facet("language", _("Language"), "languages"),
        Facet("year", _("Year"), newest_first=True),
    ),
    load=lambda ids: evidence_summary_queryset().in_bulk(ids),
    semantic=True,
)


def evidence_search(
    query: str | None, filters: dict[str, list[str]], *, page: int = 1, page_size: int = 20
) -> FacetedResult:
    """Evaluations matching `query` and `filters`, ranked, with facet counts (the API)."""
    return EVIDENCE_SEARCH.run(query, filters, page=page, page_size=page_size)


# -- suggested tags and duplicates (tagging.py) --------------------------------------------------

_TAGGER: dict[str, Any] = {}


def _tagger_version() -> tuple[Any, ...]:
    practices = Practice.objects.filter(status=Practice.PUBLISHED).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    confirmed = EvidenceObjective.objects.filter(status=EvidenceObjective.CONFIRMED).aggregate(
        n=Count("pk"), last=Max("confirmed_at")
    )
    return (practices["n"], practices["last"], confirmed["n"], confirmed["last"])


def tagging_prior() -> list[tagging.Example]:
    """The official texts of the vocabularies as examples of their own tag, in every language
    they are written in: a tag no curated record has yet can still be suggested."""
    examples = []
    for objective in objective_list().prefetch_related("actions"):
        code = {"objectives": [str(objective.number)]}
        actions = " ".join(a.text for a in objective.actions.all())
        examples.append(tagging.Example(f"{objective.title}\n{actions}", "en", code))
        for language, name in (objective.names or {}).items():
            if language != "en" and name:
                examples.append(tagging.Example(name, language.split("-")[0], code))
    for principle in principle_list():
        code = {"principles": [principle.code]}
        examples.append(tagging.Example(f"{principle.title}\n{principle.description}", "en", code))
        for language, name in (principle.names or {}).items():
            if language != "en" and name:
                examples.append(tagging.Example(name, language.split("-")[0], code))
    for area in area_list():
        code = {"areas": [area.code]}
        for language, name in {"en": area.title, **(area.names or {})}.items():
            if name:
                examples.append(tagging.Example(name, language.split("-")[0], code))
    return examples


def practice_text(practice: Practice) -> str:
    """What the tagger reads of a practice."""
    return "\n".join(
        p for p in (practice.title, practice.summary, practice.body, practice.results) if p
    )


def tagging_examples() -> list[tagging.Example]:
    """The curated records with their tags: published practices (objectives, principles,
    areas) and evaluations with curator-confirmed objectives."""
    examples = []
    practices = (
        practice_summary_queryset(("objectives", "principles", "areas"))
        .filter(status=Practice.PUBLISHED)
        .defer("provenance", "source")
    )
    for p in practices.order_by("pk").iterator(chunk_size=1000):
        examples.append(
            tagging.Example(
                practice_text(p),
                p.language_id,
                {
                    "objectives": [str(o.number) for o in p.objectives.all()],
                    "principles": [x.code for x in p.principles.all()],
                    "areas": [a.code for a in p.areas.all()],
                },
                key=f"{KIND}:{p.slug}",
            )
        )
    confirmed = (
        evidence_summary_queryset().filter(tags__status=EvidenceObjective.CONFIRMED).distinct()
    )
    for e in confirmed:
        examples.append(
            tagging.Example(
                f"{e.title}\n{evidence_text(e)}",
                e.language_id or "en",
                {"objectives": [str(t.objective.number) for t in e.tags.all() if t.is_confirmed]},
            )
        )
    return examples


def tagger() -> tagging.Tagger:
    """The tagger fitted on the curated records, refitted in this process when they change."""
    version = _tagger_version()
    cached = _TAGGER.get("current")
    if cached is None or cached[0] != version:
        fitted = tagging.Tagger.fit([*tagging_prior(), *tagging_examples()], index_terms)
        _TAGGER["current"] = cached = (version, fitted)
    return cached[1]


@dataclass(frozen=True)
class DraftAdvice:
    """What the submitter of a draft is offered: tags to confirm, and records it may repeat."""

    objectives: list[tagging.Suggestion]
    principles: list[tagging.Suggestion]
    areas: list[tagging.Suggestion]
    duplicates: list[tuple[Any, float]]  # (practice or evaluation, similarity)


DUPLICATE_SIMILARITY = 0.6  # cosine of analysed wording above which a draft may repeat a record


def draft_advice(
    title: str, summary: str, body: str = "", language: str = "en", *, exclude: int | None = None
) -> DraftAdvice:
    """Suggested GCM objectives, guiding principles and areas for a draft, with their
    confidence; and the published records (practices, evaluations) whose wording is very close
    to it (the duplicate warning), found by the search engine and compared term by term.
    `exclude`: the draft's own id."""
    text = "\n".join(p for p in (title, summary, body) if p)
    fitted = tagger()
    advice = DraftAdvice(
        objectives=[s for s in fitted.suggest(text, language, k=3) if s.confidence >= 0.1],
        principles=[
            s
            for s in fitted.suggest(text, language, vocabulary="principles", k=2)
            if s.confidence >= 0.2
        ],
        areas=[
            s
            for s in fitted.suggest(text, language, vocabulary="areas", k=2)
            if s.confidence >= 0.2
        ],
        duplicates=[],
    )
    if not title.strip():
        return advice
    hits = search(
        f"{title} {summary}"[:500], kinds=[KIND, EVIDENCE_KIND], limit=5, match="some"
    ).hits
    practices = practice_summary_queryset(()).in_bulk([h.object_id for h in hits if h.kind == KIND])
    evidence = Evidence.objects.in_bulk([h.object_id for h in hits if h.kind == EVIDENCE_KIND])
    for hit in hits:
        if hit.kind == KIND:
            record: Any = practices.get(hit.object_id)
            if record is None or record.pk == exclude:
                continue
            other = practice_text(record)
            other_language = record.language_id
        else:
            record = evidence.get(hit.object_id)
            if record is None:
                continue
            other = f"{record.title}\n{evidence_text(record)}"
            other_language = record.language_id or "en"
        score = tagging.similarity(text, other, language, other_language, index_terms)
        if score >= DUPLICATE_SIMILARITY:
            advice.duplicates.append((record, round(score, 2)))
    advice.duplicates.sort(key=lambda pair: -pair[1])
    return advice


@dataclass(frozen=True)
class SimilarRecord:
    kind: str  # "practice" or "evidence"
    object: Any
    score: float


def similar_records(kind: str, object_id: int, *, limit: int = 5) -> list[SimilarRecord]:
    """Published practices and evaluations most like the record (`kind`, `object_id`), by the
    search engine's nearest neighbours (search.selectors.similar_documents)."""
    found = similar_documents(kind, object_id, kinds=[KIND, EVIDENCE_KIND], limit=limit)
    practices = practice_summary_queryset(()).in_bulk(
        [d.object_id for d in found if d.kind == KIND]
    )
    evidence = evidence_summary_queryset().in_bulk(
        [d.object_id for d in found if d.kind == EVIDENCE_KIND]
    )
    by_kind: dict[str, dict[Any, Any]] = {KIND: practices, EVIDENCE_KIND: evidence}
    return [
        SimilarRecord(d.kind, by_kind[d.kind][d.object_id], d.score)
        for d in found
        if d.object_id in by_kind.get(d.kind, {})
    ]
