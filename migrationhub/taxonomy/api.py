"""Reference vocabularies over the API: the codes every filter and write uses."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.decorators import decorate_view

from migrationhub.core.errors import NotFound
from migrationhub.core.page_cache import cached_api
from migrationhub.core.schemas import errors, related_keys

from . import selectors

router = Router(tags=["reference"])


class CodeLabelOut(Schema):
    code: str
    title: str
    label: str


class ObjectiveOut(Schema):
    number: int
    title: str
    label: str


class ObjectiveActionOut(Schema):
    letter: str
    text: str


class ObjectiveDetailOut(ObjectiveOut):
    actions: list[ObjectiveActionOut]


class PrincipleOut(CodeLabelOut):
    number: int
    description: str


class CountryOut(Schema):
    iso3: str
    iso2: str
    m49: str
    title: str
    label: str
    region: str | None
    subregion: str | None
    currency: str
    ldc: bool
    lldc: bool
    sids: bool


class RegionOut(Schema):
    m49: str
    kind: str
    title: str
    label: str
    parent: str | None


class LanguageOut(Schema):
    code: str
    name: str
    native_name: str
    rtl: bool
    un_official: bool


class SdgTargetOut(Schema):
    goal: int
    code: str
    title: str
    label: str
    indicators: list[str]


@router.get(
    "/objectives",
    response=list[ObjectiveOut],
    summary="GCM objectives (23)",
    operation_id="reference_objectives",
)
@decorate_view(cached_api("taxonomy"))
def objectives(request: HttpRequest) -> Any:
    return selectors.objective_list()


@router.get(
    "/objectives/{number}",
    response={200: ObjectiveDetailOut, **errors(404, 422)},
    summary="One GCM objective with its actions",
    operation_id="reference_objective",
)
@decorate_view(cached_api("taxonomy"))
def objective(request: HttpRequest, number: int) -> Any:
    obj = selectors.objective_get(number)
    if obj is None:
        raise NotFound(_("No such objective."))
    return obj


@router.get(
    "/principles",
    response=list[PrincipleOut],
    summary="GCM guiding principles (10)",
    operation_id="reference_principles",
)
@decorate_view(cached_api("taxonomy"))
def principles(request: HttpRequest) -> Any:
    return selectors.principle_list()


@router.get(
    "/areas",
    response=list[CodeLabelOut],
    summary="Areas of multi-stakeholder cooperation (5)",
    operation_id="reference_areas",
)
@decorate_view(cached_api("taxonomy"))
def areas(request: HttpRequest) -> Any:
    return selectors.area_list()


@router.get(
    "/levels",
    response=list[CodeLabelOut],
    summary="Governance levels",
    operation_id="reference_levels",
)
@decorate_view(cached_api("taxonomy"))
def levels(request: HttpRequest) -> Any:
    return selectors.level_list()


@router.get(
    "/stakeholder-types",
    response=list[CodeLabelOut],
    summary="Stakeholder types",
    operation_id="reference_stakeholder_types",
)
@decorate_view(cached_api("taxonomy"))
def stakeholder_types(request: HttpRequest) -> Any:
    return selectors.stakeholder_type_list()


@router.get(
    "/languages",
    response=list[LanguageOut],
    summary="Languages",
    operation_id="reference_languages",
)
@decorate_view(cached_api("taxonomy"))
def languages(request: HttpRequest) -> Any:
    return selectors.language_list()


@router.get(
    "/regions",
    response=list[RegionOut],
    summary="UN M49 regions and sub-regions",
    operation_id="reference_regions",
)
@decorate_view(cached_api("taxonomy"))
def regions(request: HttpRequest) -> Any:
    return [
        {
            "m49": r.m49,
            "kind": r.kind,
            "title": r.title,
            "label": r.label,
            "parent": r.parent.m49 if r.parent else None,
        }
        for r in selectors.region_list()
    ]


@router.get(
    "/countries",
    response={200: list[CountryOut], **errors(422)},
    summary="Countries and areas (UN M49, ISO 3166)",
    operation_id="reference_countries",
)
@decorate_view(cached_api("taxonomy"))
def countries(request: HttpRequest, region: str | None = None) -> Any:
    return [
        {
            "iso3": c.iso3,
            "iso2": c.iso2,
            "m49": c.m49,
            "title": c.title,
            "label": c.label,
            "region": c.region.m49 if c.region else None,
            "subregion": c.subregion.m49 if c.subregion else None,
            "currency": c.currency,
            "ldc": c.ldc,
            "lldc": c.lldc,
            "sids": c.sids,
        }
        for c in selectors.country_list(region=region)
    ]


@router.get(
    "/sdg-targets",
    response={200: list[SdgTargetOut], **errors(422)},
    summary="SDG targets with their indicators",
    operation_id="reference_sdg_targets",
)
@decorate_view(cached_api("taxonomy"))
def sdg_targets(request: HttpRequest, goal: int | None = None) -> Any:
    return [
        {
            "goal": t.goal.number,
            "code": t.code,
            "title": t.title,
            "label": t.label,
            "indicators": related_keys(t, "indicators", "code"),
        }
        for t in selectors.sdg_target_list(goal=goal)
    ]
