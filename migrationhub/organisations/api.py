"""Organisations over the API: directory search, profiles, create, update and verification with
a token."""

import datetime as dt
from dataclasses import replace
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.decorators import decorate_view

from migrationhub.accounts.auth import TokenAuth, token_user
from migrationhub.core.errors import NotFound
from migrationhub.core.page_cache import cached_api
from migrationhub.core.schemas import FacetValueOut, SearchMeta, errors, related_keys

from . import selectors, services
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
    provenance: list[dict[str, Any]]
    verified: bool
    verified_at: dt.datetime | None

    @staticmethod
    def resolve_verified(obj: Any) -> Any:
        return obj.is_verified

    @staticmethod
    def resolve_stakeholder_type(obj: Any) -> Any:
        return obj.stakeholder_type.code

    @staticmethod
    def resolve_level(obj: Any) -> Any:
        return obj.level.code

    @staticmethod
    def resolve_home_country(obj: Any) -> Any:
        return obj.home_country.iso3 if obj.home_country else None

    @staticmethod
    def resolve_countries(obj: Any) -> Any:
        return related_keys(obj, "countries", "iso3")

    @staticmethod
    def resolve_objectives(obj: Any) -> Any:
        return related_keys(obj, "objectives", "number")

    @staticmethod
    def resolve_languages(obj: Any) -> Any:
        return related_keys(obj, "languages", "code")


class OrganisationPage(Schema):
    meta: SearchMeta
    facets: dict[str, list[FacetValueOut]]
    items: list[OrganisationOut]


class OrganisationFilters(Schema):
    q: str | None = None
    stakeholder_type: list[str] = []
    level: list[str] = []
    country: list[str] = []
    region: list[str] = []
    objective: list[str] = []
    verified: list[str] = []
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


class VerifyIn(Schema):
    evidence: str


class UnverifyIn(Schema):
    reason: str


def _get(slug: str) -> Organisation:
    org = selectors.organisation_get(slug)
    if org is None:
        raise NotFound(_("No such organisation."))
    return org


@router.get(
    "/",
    response={200: OrganisationPage, **errors(422)},
    summary="Search and filter the directory, with facets",
    operation_id="organisation_list",
)
@decorate_view(cached_api("organisations", "taxonomy"))
def organisation_list(request: HttpRequest, filters: Query[OrganisationFilters]) -> dict[str, Any]:
    result = selectors.organisation_search(
        filters.q,
        selectors.ORGANISATION_SEARCH.filters_from(filters.dict()),
        page=filters.page,
        page_size=filters.page_size,
    )
    return {
        "meta": result.meta(),
        "facets": result.facet_counts(),
        "items": [item.object for item in result.page.items],
    }


@router.get(
    "/{slug}",
    response={200: OrganisationOut, **errors(404, 422)},
    summary="One organisation",
    operation_id="organisation_detail",
)
@decorate_view(cached_api("organisations"))
def organisation_detail(request: HttpRequest, slug: str) -> Organisation:
    return _get(slug)


class SimilarOrganisationOut(Schema):
    slug: str
    name: str
    stakeholder_type: str
    score: float  # cosine similarity of the two descriptions' sentence vectors


@router.get(
    "/{slug}/similar",
    response={200: list[SimilarOrganisationOut], **errors(404, 422)},
    summary="Organisations doing similar work (nearest descriptions in meaning, any language)",
    operation_id="organisation_similar",
)
@decorate_view(cached_api("organisations", "vectors"))
def organisation_similar(request: HttpRequest, slug: str) -> Any:
    return [
        {
            "slug": other.slug,
            "name": other.display_name,
            "stakeholder_type": other.stakeholder_type.code,
            "score": score,
        }
        for other, score in selectors.similar_organisations(_get(slug))
    ]


@router.post(
    "/",
    response={201: OrganisationOut, **errors(401, 422)},
    auth=TokenAuth(),
    summary="Register an organisation (you become its admin)",
    operation_id="organisation_create",
)
def organisation_create(request: HttpRequest, payload: OrganisationCreateIn) -> Status[Any]:
    data = {k: v for k, v in payload.dict().items() if v is not None}
    org = services.organisation_create(
        actor=token_user(request), fields=services.OrganisationFields(**data)
    )
    return Status(201, selectors.organisation_get(org.slug))


@router.patch(
    "/{slug}",
    response={200: OrganisationOut, **errors(401, 403, 404, 422)},
    auth=TokenAuth(),
    summary="Update an organisation (its admins)",
    operation_id="organisation_update",
)
def organisation_update(
    request: HttpRequest, slug: str, payload: OrganisationUpdateIn
) -> Organisation | None:
    org = _get(slug)
    # A null leaves a field as it is, except the home country, which it clears.
    changes = {
        k: v
        for k, v in payload.dict(exclude_unset=True).items()
        if v is not None or k == "home_country"
    }
    services.organisation_update(
        actor=token_user(request),
        organisation=org,
        fields=replace(services.OrganisationFields.of(org), **changes),
    )
    return selectors.organisation_get(slug)


@router.post(
    "/{slug}/verify",
    response={200: OrganisationOut, **errors(401, 403, 404, 422)},
    auth=TokenAuth(),
    summary="Verify an organisation, noting the evidence (platform admins)",
    operation_id="organisation_verify",
)
def organisation_verify(request: HttpRequest, slug: str, payload: VerifyIn) -> Organisation | None:
    services.organisation_verify(
        actor=token_user(request), organisation=_get(slug), evidence=payload.evidence
    )
    return selectors.organisation_get(slug)


@router.post(
    "/{slug}/unverify",
    response={200: OrganisationOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Withdraw an organisation's verification, saying why (platform admins)",
    operation_id="organisation_unverify",
)
def organisation_unverify(
    request: HttpRequest, slug: str, payload: UnverifyIn
) -> Organisation | None:
    services.organisation_unverify(
        actor=token_user(request), organisation=_get(slug), reason=payload.reason
    )
    return selectors.organisation_get(slug)
