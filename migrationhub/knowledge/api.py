"""Practices over the API: ranked search with facets, detail, and token-authenticated writes."""

import datetime as dt

from ninja import Query, Router, Schema, Status

from migrationhub.api.auth import TokenAuth, request_user
from migrationhub.api.schemas import ErrorOut, FacetValueOut, PageMeta
from migrationhub.core.errors import NotFound
from migrationhub.core.pagination import clamp
from migrationhub.organisations.models import Organisation
from migrationhub.taxonomy.selectors import facet_labels

from . import permissions, selectors, services
from .models import Practice

router = Router(tags=["practices"])


class TranslationOut(Schema):
    language: str
    title: str
    summary: str
    body: str

    @staticmethod
    def resolve_language(obj):
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
    period_start: int | None
    period_end: int | None
    published_at: dt.datetime | None
    last_verified_at: dt.date | None
    stale: bool

    @staticmethod
    def resolve_language(obj):
        return obj.language_id

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.slug if obj.organisation else None

    @staticmethod
    def resolve_objectives(obj):
        return [o.number for o in obj.objectives.all()]

    @staticmethod
    def resolve_principles(obj):
        return [p.code for p in obj.principles.all()]

    @staticmethod
    def resolve_areas(obj):
        return [a.code for a in obj.areas.all()]

    @staticmethod
    def resolve_countries(obj):
        return [c.iso3 for c in obj.countries.all()]

    @staticmethod
    def resolve_levels(obj):
        return [lv.code for lv in obj.levels.all()]

    @staticmethod
    def resolve_stakeholder_types(obj):
        return [s.code for s in obj.stakeholder_types.all()]

    @staticmethod
    def resolve_stale(obj):
        return obj.is_stale


class PracticeOut(PracticeSummaryOut):
    body: str
    organisations: list[str]
    results: str
    source: str
    provenance: list[dict]
    translations: list[TranslationOut]

    @staticmethod
    def resolve_organisations(obj):
        return [o.slug for o in obj.organisations.all()]

    @staticmethod
    def resolve_translations(obj):
        return list(obj.translations.all())


class PracticeHitOut(PracticeSummaryOut):
    title_html: str
    snippet_html: str


class PracticeSearchOut(Schema):
    meta: PageMeta
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
    organisations: list[str] = []
    period_start: int | None = None
    period_end: int | None = None
    results: str = ""
    source: str = ""
    submit: bool = False


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
    response={200: PracticeSearchOut, 422: ErrorOut},
    summary="Search published practices, with facets",
)
def practice_list(request, filters: Query[PracticeFilters]):
    """Ranked full-text search (prefix words, stemming, highlighted snippets) over published
    practices; filters combine as AND across facets and OR within one; facet counts cover every
    match. Without `q`, the newest first."""
    page, size = clamp(filters.page, filters.page_size)
    data = filters.dict()
    facet_filters = {f: data[f] for f in selectors.FACETS}
    facet_filters["country"] = [c.upper() for c in facet_filters["country"]]
    result, practices = selectors.practice_search(
        filters.q, filters=facet_filters, page=page, page_size=size
    )
    hits = {h.object_id: h for h in result.hits}
    items = []
    for practice in practices:
        hit = hits[practice.pk]
        practice.title_html, practice.snippet_html = hit.title_html, hit.snippet_html
        items.append(practice)
    labels = facet_labels(result.facets)
    return {
        "meta": {
            "count": result.total,
            "page": page,
            "page_size": size,
            "pages": max(1, -(-result.total // size)),
        },
        "facets": {
            facet: [{"value": v, "label": labels[facet].get(v, v), "count": n} for v, n in values]
            for facet, values in result.facets.items()
        },
        "items": items,
    }


def _get_visible(request, slug: str) -> Practice:
    user = request_user(request)
    return permissions.practice_for(user, selectors.practice_get(slug))


@router.get(
    "/{slug}", response={200: PracticeOut, 404: ErrorOut, 422: ErrorOut}, summary="One practice"
)
def practice_detail(request, slug: str):
    return _get_visible(request, slug)


@router.post(
    "/",
    response={201: PracticeOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    auth=TokenAuth(),
    summary="Create a practice (a draft, or submitted with submit=true)",
)
def practice_create(request, payload: PracticeCreateIn):
    data = payload.dict()
    org = Organisation.objects.filter(slug=data.pop("organisation")).first()
    if org is None:
        raise NotFound("No such organisation.")
    submit = data.pop("submit")
    practice = services.practice_create(
        actor=request.auth, organisation=org, data=data, submit=submit
    )
    return Status(201, selectors.practice_get(practice.slug))


@router.patch(
    "/{slug}",
    response={
        200: PracticeOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    auth=TokenAuth(),
    summary="Edit a draft or returned practice",
)
def practice_update(request, slug: str, payload: PracticeUpdateIn):
    practice = _get_visible(request, slug)
    services.practice_update(
        actor=request.auth, practice=practice, data=payload.dict(exclude_unset=True)
    )
    return selectors.practice_get(slug)


@router.post(
    "/{slug}/submit",
    response={
        200: PracticeOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    auth=TokenAuth(),
    summary="Submit for peer review",
)
def practice_submit(request, slug: str):
    practice = _get_visible(request, slug)
    services.practice_submit(actor=request.auth, practice=practice)
    return selectors.practice_get(slug)


@router.post(
    "/{slug}/verify",
    response={200: PracticeOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=TokenAuth(),
    summary="Confirm a published practice is still accurate",
)
def practice_verify(request, slug: str):
    practice = _get_visible(request, slug)
    services.practice_verify(actor=request.auth, practice=practice)
    return selectors.practice_get(slug)


@router.put(
    "/{slug}/translations/{language}",
    response={200: PracticeOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=TokenAuth(),
    summary="Add or replace a translation",
)
def practice_translation(request, slug: str, language: str, payload: TranslationIn):
    practice = _get_visible(request, slug)
    services.translation_upsert(
        actor=request.auth, practice=practice, language=language, data=payload.dict()
    )
    return selectors.practice_get(slug)
