"""Reference vocabularies over the API: the codes every filter and write uses."""

from ninja import Router, Schema

from migrationhub.api.schemas import ErrorOut
from migrationhub.core.errors import NotFound

from . import selectors
from .models import Area, Country, Language, Level, Principle, Region, SdgTarget, StakeholderType

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


@router.get("/objectives", response=list[ObjectiveOut], summary="GCM objectives (23)")
def objectives(request):
    return selectors.objective_list()


@router.get(
    "/objectives/{number}",
    response={200: ObjectiveDetailOut, 404: ErrorOut, 422: ErrorOut},
    summary="One GCM objective with its actions",
)
def objective(request, number: int):
    obj = selectors.objective_get(number)
    if obj is None:
        raise NotFound("No such objective.")
    return obj


@router.get("/principles", response=list[PrincipleOut], summary="GCM guiding principles (10)")
def principles(request):
    return Principle.objects.all()


@router.get(
    "/areas", response=list[CodeLabelOut], summary="Areas of multi-stakeholder cooperation (5)"
)
def areas(request):
    return Area.objects.all()


@router.get("/levels", response=list[CodeLabelOut], summary="Governance levels")
def levels(request):
    return Level.objects.all()


@router.get("/stakeholder-types", response=list[CodeLabelOut], summary="Stakeholder types")
def stakeholder_types(request):
    return StakeholderType.objects.all()


@router.get("/languages", response=list[LanguageOut], summary="Languages")
def languages(request):
    return Language.objects.all()


@router.get("/regions", response=list[RegionOut], summary="UN M49 regions and sub-regions")
def regions(request):
    return [
        {
            "m49": r.m49,
            "kind": r.kind,
            "title": r.title,
            "label": r.label,
            "parent": r.parent.m49 if r.parent else None,
        }
        for r in Region.objects.select_related("parent")
    ]


@router.get(
    "/countries",
    response={200: list[CountryOut], 422: ErrorOut},
    summary="Countries and areas (UN M49, ISO 3166)",
)
def countries(request, region: str | None = None):
    qs = Country.objects.select_related("region", "subregion")
    if region:
        qs = qs.filter(region__m49=region) | qs.filter(subregion__m49=region)
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
        for c in qs
    ]


@router.get(
    "/sdg-targets",
    response={200: list[SdgTargetOut], 422: ErrorOut},
    summary="SDG targets with their indicators",
)
def sdg_targets(request, goal: int | None = None):
    qs = SdgTarget.objects.select_related("goal").prefetch_related("indicators")
    if goal:
        qs = qs.filter(goal__number=goal)
    return [
        {
            "goal": t.goal.number,
            "code": t.code,
            "title": t.title,
            "label": t.label,
            "indicators": [i.code for i in t.indicators.all()],
        }
        for t in qs
    ]
