"""Practices over the API: ranked search with facets, detail, and token-authenticated writes."""

import datetime as dt
from dataclasses import replace
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.decorators import decorate_view

from migrationhub.accounts.auth import TokenAuth, request_user, token_user
from migrationhub.core.errors import NotFound
from migrationhub.core.page_cache import cached_api
from migrationhub.core.schemas import FacetValueOut, SearchMeta, errors
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
        return [o.number for o in obj.objectives.all()]

    @staticmethod
    def resolve_principles(obj: Any) -> Any:
        return [p.code for p in obj.principles.all()]

    @staticmethod
    def resolve_areas(obj: Any) -> Any:
        return [a.code for a in obj.areas.all()]

    @staticmethod
    def resolve_countries(obj: Any) -> Any:
        return [c.iso3 for c in obj.countries.all()]

    @staticmethod
    def resolve_levels(obj: Any) -> Any:
        return [lv.code for lv in obj.levels.all()]

    @staticmethod
    def resolve_stakeholder_types(obj: Any) -> Any:
        return [s.code for s in obj.stakeholder_types.all()]

    @staticmethod
    def resolve_sdg_targets(obj: Any) -> Any:
        return [t.code for t in obj.sdg_targets.all()]

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
        return [o.slug for o in obj.organisations.all()]

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
