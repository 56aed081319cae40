"""Organisations over the API: directory search, profiles, create and update with a token."""

from ninja import Query, Router, Schema, Status

from migrationhub.api.auth import TokenAuth
from migrationhub.api.schemas import ErrorOut, PageMeta
from migrationhub.core.errors import NotFound
from migrationhub.core.pagination import clamp
from migrationhub.search.selectors import search

from . import selectors, services
from .indexing import KIND
from .models import Organisation

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    slug: str
    name: str
    names: dict[str, str]
    acronym: str
    stakeholder_type: str
    level: str
    home_country: str | None
    countries: list[str]
    objectives: list[int]
    languages: list[str]
    description: str
    website: str
    provenance: list[dict]

    @staticmethod
    def resolve_stakeholder_type(obj):
        return obj.stakeholder_type.code

    @staticmethod
    def resolve_level(obj):
        return obj.level.code

    @staticmethod
    def resolve_home_country(obj):
        return obj.home_country.iso3 if obj.home_country else None

    @staticmethod
    def resolve_countries(obj):
        return [c.iso3 for c in obj.countries.all()]

    @staticmethod
    def resolve_objectives(obj):
        return [o.number for o in obj.objectives.all()]

    @staticmethod
    def resolve_languages(obj):
        return [lang.code for lang in obj.languages.all()]


class OrganisationPage(Schema):
    meta: PageMeta
    items: list[OrganisationOut]


class OrganisationFilters(Schema):
    q: str | None = None
    stakeholder_type: list[str] = []
    level: list[str] = []
    country: list[str] = []
    region: list[str] = []
    objective: list[str] = []
    page: int = 1
    page_size: int = 20


class OrganisationCreateIn(Schema):
    name: str
    names: dict[str, str] | None = None
    acronym: str = ""
    stakeholder_type: str
    level: str
    home_country: str | None = None
    countries: list[str] = []
    objectives: list[int] = []
    languages: list[str] = []
    description: str = ""
    website: str = ""


class OrganisationUpdateIn(Schema):
    name: str | None = None
    names: dict[str, str] | None = None
    acronym: str | None = None
    stakeholder_type: str | None = None
    level: str | None = None
    home_country: str | None = None
    countries: list[str] | None = None
    objectives: list[int] | None = None
    languages: list[str] | None = None
    description: str | None = None
    website: str | None = None


@router.get(
    "/", response={200: OrganisationPage, 422: ErrorOut}, summary="Search and filter the directory"
)
def organisation_list(request, filters: Query[OrganisationFilters]):
    page, size = clamp(filters.page, filters.page_size)
    facet_filters = {
        "stakeholder_type": filters.stakeholder_type,
        "level": filters.level,
        "country": [c.upper() for c in filters.country],
        "region": filters.region,
        "objective": filters.objective,
    }
    result = search(
        filters.q, kinds=[KIND], filters=facet_filters, limit=size, offset=(page - 1) * size
    )
    by_id = selectors.organisation_queryset().in_bulk([h.object_id for h in result.hits])
    items = [by_id[h.object_id] for h in result.hits if h.object_id in by_id]
    return {
        "meta": {
            "count": result.total,
            "page": page,
            "page_size": size,
            "pages": max(1, -(-result.total // size)),
        },
        "items": items,
    }


@router.get(
    "/{slug}",
    response={200: OrganisationOut, 404: ErrorOut, 422: ErrorOut},
    summary="One organisation",
)
def organisation_detail(request, slug: str):
    org = selectors.organisation_get(slug)
    if org is None:
        raise NotFound("No such organisation.")
    return org


@router.post(
    "/",
    response={201: OrganisationOut, 401: ErrorOut, 422: ErrorOut},
    auth=TokenAuth(),
    summary="Register an organisation (you become its admin)",
)
def organisation_create(request, payload: OrganisationCreateIn):
    org = services.organisation_create(actor=request.auth, data=payload.dict())
    return Status(201, selectors.organisation_get(org.slug))


@router.patch(
    "/{slug}",
    response={200: OrganisationOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=TokenAuth(),
    summary="Update an organisation (its admins)",
)
def organisation_update(request, slug: str, payload: OrganisationUpdateIn):
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise NotFound("No such organisation.")
    data = payload.dict(exclude_unset=True)
    services.organisation_update(actor=request.auth, organisation=org, data=data)
    return selectors.organisation_get(slug)
