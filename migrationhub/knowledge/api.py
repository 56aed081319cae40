"""Practices over the API: ranked search with facets, detail, and token-authenticated writes."""

import datetime as dt
from dataclasses import replace
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.decorators import decorate_view

from migrationhub.accounts.auth import TokenAuth, request_user, token_user
from migrationhub.core.errors import NotFound, ValidationFailed
from migrationhub.core.page_cache import cached_api
from migrationhub.core.schemas import FacetValueOut, SearchMeta, errors, related_keys
from migrationhub.organisations.selectors import organisation_get

from . import permissions, selectors, services
from .models import Practice

router = Router(tags=["practices"])


class TranslationOut(Schema):
    language: str
    title: str
    summary: str
    body: str

    @staticmethod
    def resolve_language(obj: Any) -> Any:
        return obj.language_id


class PracticeSummaryOut(Schema):
    """A practice as lists show it; the detail (`PracticeOut`) adds the long texts."""

    slug: str
    title: str
    summary: str
    language: str
    status: str
    organisation: str | None
    objectives: list[int]
    principles: list[str]
    areas: list[str]
    countries: list[str]
    levels: list[str]
    stakeholder_types: list[str]
    sdg_targets: list[str]
    period_start: int | None
    period_end: int | None
    published_at: dt.datetime | None
    last_verified_at: dt.date | None
    stale: bool

    @staticmethod
    def resolve_language(obj: Any) -> Any:
        return obj.language_id

    @staticmethod
    def resolve_organisation(obj: Any) -> Any:
        return obj.organisation.slug if obj.organisation else None

    @staticmethod
    def resolve_objectives(obj: Any) -> Any:
        return related_keys(obj, "objectives", "number")

    @staticmethod
    def resolve_principles(obj: Any) -> Any:
        return related_keys(obj, "principles", "code")

    @staticmethod
    def resolve_areas(obj: Any) -> Any:
        return related_keys(obj, "areas", "code")

    @staticmethod
    def resolve_countries(obj: Any) -> Any:
        return related_keys(obj, "countries", "iso3")

    @staticmethod
    def resolve_levels(obj: Any) -> Any:
        return related_keys(obj, "levels", "code")

    @staticmethod
    def resolve_stakeholder_types(obj: Any) -> Any:
        return related_keys(obj, "stakeholder_types", "code")

    @staticmethod
    def resolve_sdg_targets(obj: Any) -> Any:
        return related_keys(obj, "sdg_targets", "code")

    @staticmethod
    def resolve_stale(obj: Any) -> Any:
        return obj.is_stale


class PracticeOut(PracticeSummaryOut):
    body: str
    organisations: list[str]
    results: str
    source: str
    provenance: list[dict[str, Any]]
    translations: list[TranslationOut]

    @staticmethod
    def resolve_organisations(obj: Any) -> Any:
        return related_keys(obj, "organisations", "slug")

    @staticmethod
    def resolve_translations(obj: Any) -> Any:
        # The approved texts only: proposals wait for review, whoever asks (ADR 0004).
        return [t for t in obj.translations.all() if t.is_public]


class PracticeHitOut(PracticeSummaryOut):
    title_html: str
    snippet_html: str


class PracticeSearchOut(Schema):
    meta: SearchMeta
    facets: dict[str, list[FacetValueOut]]
    items: list[PracticeHitOut]


class PracticeFilters(Schema):
    q: str | None = None
    objective: list[str] = []
    principle: list[str] = []
    area: list[str] = []
    country: list[str] = []
    region: list[str] = []
    level: list[str] = []
    stakeholder_type: list[str] = []
    sdg_target: list[str] = []
    language: list[str] = []
    year: list[str] = []
    page: int = 1
    page_size: int = 20


class PracticeCreateIn(Schema):
    organisation: str
    title: str
    summary: str
    body: str = ""
    language: str = "en"
    objectives: list[int] = []
    principles: list[str] = []
    areas: list[str] = []
    countries: list[str] = []
    levels: list[str] = []
    stakeholder_types: list[str] = []
    sdg_targets: list[str] = []
    organisations: list[str] = []
    period_start: int | None = None
    period_end: int | None = None
    results: str = ""
    source: str = ""
    submit: bool = False


NULLABLE = {"period_start", "period_end"}


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    """The schema's values that are practice fields (not the owner, not `submit`); a null for a
    field that cannot be empty leaves it as it is."""
    names = services.PracticeFields.__dataclass_fields__
    return {k: v for k, v in data.items() if k in names and (v is not None or k in NULLABLE)}


class PracticeUpdateIn(Schema):
    title: str | None = None
    summary: str | None = None
    body: str | None = None
    language: str | None = None
    objectives: list[int] | None = None
    principles: list[str] | None = None
    areas: list[str] | None = None
    countries: list[str] | None = None
    levels: list[str] | None = None
    stakeholder_types: list[str] | None = None
    sdg_targets: list[str] | None = None
    organisations: list[str] | None = None
    period_start: int | None = None
    period_end: int | None = None
    results: str | None = None
    source: str | None = None


class TranslationIn(Schema):
    title: str
    summary: str
    body: str = ""


@router.get(
    "/",
    response={200: PracticeSearchOut, **errors(422)},
    summary="Search published practices, with facets",
    operation_id="practice_list",
)
@decorate_view(cached_api("practices", "organisations", "taxonomy"))
def practice_list(request: HttpRequest, filters: Query[PracticeFilters]) -> dict[str, Any]:
    """Ranked full-text search (prefix words, stemming, highlighted snippets) over published
    practices; filters combine as AND across facets and OR within one; facet counts cover every
    match. Without `q`, the newest first."""
    data = filters.dict()
    result = selectors.practice_search(
        filters.q,
        selectors.PRACTICE_SEARCH.filters_from(data),
        page=filters.page,
        page_size=filters.page_size,
    )
    items = []
    for item in result.page.items:
        practice = item.object
        practice.title_html, practice.snippet_html = item.title_html, item.snippet_html
        items.append(practice)
    return {"meta": result.meta(), "facets": result.facet_counts(), "items": items}


# -- the evidence library, similar records, suggested tags ---------------------------------------


class EvidenceObjectiveOut(Schema):
    objective: int
    status: str  # "suggested" (by the tagger) or "confirmed" (by a curator)
    confidence: float

    @staticmethod
    def resolve_objective(obj: Any) -> Any:
        return obj.objective.number


class EvidenceSummaryOut(Schema):
    slug: str
    title: str
    year: int | None
    language: str | None
    countries: list[str]
    themes: list[str]
    objectives: list[EvidenceObjectiveOut]
    report_url: str

    @staticmethod
    def resolve_language(obj: Any) -> Any:
        return obj.language_id

    @staticmethod
    def resolve_countries(obj: Any) -> Any:
        return related_keys(obj, "countries", "iso3")

    @staticmethod
    def resolve_objectives(obj: Any) -> Any:
        return list(obj.tags.all())


class EvidenceOut(EvidenceSummaryOut):
    published_on: dt.date | None
    countries_as_written: list[str]
    coverage: str
    offices: list[str]
    crosscutting: list[str]
    scope: list[str]
    timing: str
    evaluator: str
    commissioner: str
    donor: str
    projects: str
    documents: list[dict[str, str]]
    has_executive_summary: bool
    has_lessons: bool
    source: str
    source_row: int | None


class EvidenceHitOut(EvidenceSummaryOut):
    title_html: str
    snippet_html: str


class EvidenceSearchOut(Schema):
    meta: SearchMeta
    facets: dict[str, list[FacetValueOut]]
    items: list[EvidenceHitOut]


class EvidenceFilters(Schema):
    q: str | None = None
    objective: list[str] = []
    country: list[str] = []
    region: list[str] = []
    language: list[str] = []
    year: list[str] = []
    page: int = 1
    page_size: int = 20


@router.get(
    "/evidence/",
    response={200: EvidenceSearchOut, **errors(422)},
    summary="Search the evidence library (programme evaluations), with facets",
    operation_id="evidence_list",
)
@decorate_view(cached_api("practices", "taxonomy"))
def evidence_list(request: HttpRequest, filters: Query[EvidenceFilters]) -> dict[str, Any]:
    """Hybrid ranking (words and meaning, ADR 0008) over the evaluations; objectives include
    the tagger's suggestions, each with its status."""
    result = selectors.evidence_search(
        filters.q,
        selectors.EVIDENCE_SEARCH.filters_from(filters.dict()),
        page=filters.page,
        page_size=filters.page_size,
    )
    items = []
    for item in result.page.items:
        evidence = item.object
        evidence.title_html, evidence.snippet_html = item.title_html, item.snippet_html
        items.append(evidence)
    return {"meta": result.meta(), "facets": result.facet_counts(), "items": items}


def _evidence(slug: str) -> Any:
    evidence = selectors.evidence_get(slug)
    if evidence is None:
        raise NotFound(_("No such evaluation."))
    return evidence


@router.get(
    "/evidence/{slug}",
    response={200: EvidenceOut, **errors(404)},
    summary="One evaluation of the evidence library",
    operation_id="evidence_detail",
)
@decorate_view(cached_api("practices", "taxonomy"))
def evidence_detail(request: HttpRequest, slug: str) -> Any:
    return _evidence(slug)


class SimilarOut(Schema):
    kind: str  # "practice" or "evidence"
    slug: str
    title: str
    score: float

    @staticmethod
    def resolve_slug(obj: Any) -> Any:
        return obj.object.slug

    @staticmethod
    def resolve_title(obj: Any) -> Any:
        return obj.object.title


@router.get(
    "/evidence/{slug}/similar",
    response={200: list[SimilarOut], **errors(404)},
    summary="Practices and evaluations most similar to an evaluation (by meaning)",
    operation_id="evidence_similar",
)
@decorate_view(cached_api("practices", "vectors"))
def evidence_similar(request: HttpRequest, slug: str) -> Any:
    return selectors.similar_records(selectors.EVIDENCE_KIND, _evidence(slug).pk)


@router.post(
    "/evidence/{slug}/objectives/{number}/confirm",
    response={200: EvidenceOut, **errors(401, 403, 404, 422)},
    auth=TokenAuth(),
    summary="Confirm a suggested GCM objective of an evaluation (curators)",
    operation_id="evidence_objective_confirm",
)
def evidence_objective_confirm(request: HttpRequest, slug: str, number: int) -> Any:
    services.evidence_objective_confirm(
        actor=token_user(request), evidence=_evidence(slug), objective=number
    )
    return selectors.evidence_get(slug)


@router.put(
    "/evidence/{slug}/objectives/{number}",
    response={200: EvidenceOut, **errors(401, 403, 404, 422)},
    auth=TokenAuth(),
    summary="Tag an evaluation with a GCM objective, confirmed (curators)",
    operation_id="evidence_objective_add",
)
def evidence_objective_add(request: HttpRequest, slug: str, number: int) -> Any:
    services.evidence_objective_add(
        actor=token_user(request), evidence=_evidence(slug), objective=number
    )
    return selectors.evidence_get(slug)


@router.delete(
    "/evidence/{slug}/objectives/{number}",
    response={200: EvidenceOut, **errors(401, 403, 404, 422)},
    auth=TokenAuth(),
    summary="Remove a GCM objective from an evaluation (curators)",
    operation_id="evidence_objective_remove",
)
def evidence_objective_remove(request: HttpRequest, slug: str, number: int) -> Any:
    services.evidence_objective_reject(
        actor=token_user(request), evidence=_evidence(slug), objective=number
    )
    return selectors.evidence_get(slug)


class DraftIn(Schema):
    title: str
    summary: str = ""
    body: str = ""
    language: str = "en"


class SuggestedTagOut(Schema):
    code: str
    confidence: float


class DuplicateOut(Schema):
    kind: str
    slug: str
    title: str
    similarity: float


class DraftAdviceOut(Schema):
    objectives: list[SuggestedTagOut]
    principles: list[SuggestedTagOut]
    areas: list[SuggestedTagOut]
    duplicates: list[DuplicateOut]


@router.post(
    "/suggestions",
    response={200: DraftAdviceOut, **errors(401, 422)},
    auth=TokenAuth(),
    summary="Suggested GCM objectives, principles and areas for a draft; near-duplicates",
    operation_id="practice_suggestions",
)
def practice_suggestions(request: HttpRequest, payload: DraftIn) -> dict[str, Any]:
    """What the submission form offers: tags with a confidence (0-1, per vocabulary adding up
    to 1 over all its codes), and published records whose wording is very close."""
    if len(payload.title) > 300 or len(payload.summary) > 5000 or len(payload.body) > 20000:
        raise ValidationFailed(_("The draft is too long to be checked."))
    advice = selectors.draft_advice(
        payload.title, payload.summary, payload.body, payload.language or "en"
    )
    return {
        "objectives": advice.objectives,
        "principles": advice.principles,
        "areas": advice.areas,
        "duplicates": [
            {
                "kind": "evidence" if hasattr(record, "themes") else "practice",
                "slug": record.slug,
                "title": record.title,
                "similarity": score,
            }
            for record, score in advice.duplicates
        ],
    }


@router.get(
    "/{slug}/similar",
    response={200: list[SimilarOut], **errors(404)},
    summary="Practices and evaluations most similar to a published practice (by meaning)",
    operation_id="practice_similar",
)
@decorate_view(cached_api("practices", "vectors"))
def practice_similar(request: HttpRequest, slug: str) -> Any:
    practice = permissions.practice_for(None, selectors.practice_get(slug))
    return selectors.similar_records(selectors.KIND, practice.pk)


def _get_visible(request: HttpRequest, slug: str) -> Practice:
    user = request_user(request)
    return permissions.practice_for(user, selectors.practice_get(slug))


@router.get(
    "/{slug}",
    response={200: PracticeOut, **errors(404, 422)},
    summary="One practice",
    operation_id="practice_detail",
)
@decorate_view(cached_api("practices", "organisations"))
def practice_detail(request: HttpRequest, slug: str) -> Practice:
    return _get_visible(request, slug)


@router.post(
    "/",
    response={201: PracticeOut, **errors(401, 403, 404, 422)},
    auth=TokenAuth(),
    summary="Create a practice (a draft, or submitted with submit=true)",
    operation_id="practice_create",
)
def practice_create(request: HttpRequest, payload: PracticeCreateIn) -> Status[Any]:
    org = organisation_get(payload.organisation)
    if org is None:
        raise NotFound(_("No such organisation."))
    practice = services.practice_create(
        actor=token_user(request),
        organisation=org,
        fields=services.PracticeFields(**_fields(payload.dict())),
        submit=payload.submit,
    )
    return Status(201, selectors.practice_get(practice.slug))


@router.patch(
    "/{slug}",
    response={200: PracticeOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Edit a draft or returned practice",
    operation_id="practice_update",
)
def practice_update(request: HttpRequest, slug: str, payload: PracticeUpdateIn) -> Practice | None:
    practice = _get_visible(request, slug)
    changes = _fields(payload.dict(exclude_unset=True))
    services.practice_update(
        actor=token_user(request),
        practice=practice,
        fields=replace(services.PracticeFields.of(practice), **changes),
    )
    return selectors.practice_get(slug)


@router.post(
    "/{slug}/submit",
    response={200: PracticeOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Submit for peer review",
    operation_id="practice_submit",
)
def practice_submit(request: HttpRequest, slug: str) -> Practice | None:
    practice = _get_visible(request, slug)
    services.practice_submit(actor=token_user(request), practice=practice)
    return selectors.practice_get(slug)


@router.post(
    "/{slug}/verify",
    response={200: PracticeOut, **errors(401, 403, 404, 409)},
    auth=TokenAuth(),
    summary="Confirm a published practice is still accurate",
    operation_id="practice_verify",
)
def practice_verify(request: HttpRequest, slug: str) -> Practice | None:
    practice = _get_visible(request, slug)
    services.practice_verify(actor=token_user(request), practice=practice)
    return selectors.practice_get(slug)


@router.put(
    "/{slug}/translations/{language}",
    response={200: PracticeOut, **errors(401, 403, 404, 422)},
    auth=TokenAuth(),
    summary="Add or replace a translation (of a published practice: public once approved)",
    operation_id="practice_translation_put",
)
def practice_translation(
    request: HttpRequest, slug: str, language: str, payload: TranslationIn
) -> Practice | None:
    practice = _get_visible(request, slug)
    services.translation_upsert(
        actor=token_user(request),
        practice=practice,
        language=language,
        title=payload.title,
        summary=payload.summary,
        body=payload.body,
    )
    return selectors.practice_get(slug)
