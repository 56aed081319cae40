"""The review over the API: coverage tables, gaps (cells and a country's), the partnership
network's measures, trends, and the country, regional and objective reports as JSON. Every
operation reads; anonymous answers are cached until the data changes; unknown codes are 422."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from migrationhub.core.errors import NotFound
from migrationhub.core.page_cache import cached_api
from migrationhub.core.pagination import Page, clamp
from migrationhub.core.schemas import PageMeta, errors

from . import selectors
from .coverage import WORLD
from .views import fresh_only

router = Router(tags=["review"])
DOMAINS = selectors.DOMAINS

Axis = Literal["objective", "level", "region", "type"]
Kind = Literal["partnership", "pledge", "practice"]


class CellLabelOut(Schema):
    code: str
    label: str


class CountsOut(Schema):
    partnerships: int
    pledges: int
    practices: int


class CellOut(CountsOut):
    row: str
    col: str


class TotalOut(CountsOut):
    code: str


class CoverageOut(Schema):
    """Counts of distinct records per cell; `""` is "not stated" (a record without a value on
    that dimension)."""

    rows: str
    cols: str
    within: str
    row_values: list[CellLabelOut]
    col_values: list[CellLabelOut]
    cells: list[CellOut]
    row_totals: list[TotalOut]
    col_totals: list[TotalOut]
    total: CountsOut


class CoverageFilters(Schema):
    rows: Axis = "objective"
    cols: Axis = "region"
    within: str = WORLD
    country: str = ""
    region: str = ""
    objective: str = ""
    level: str = ""
    type: str = ""
    year_from: int | None = None
    year_to: int | None = None
    kinds: list[Kind] = []


def _counts(c: dict[str, int] | None) -> dict[str, int]:
    c = c or {}
    return {
        "partnerships": c.get("partnership", 0),
        "pledges": c.get("pledge", 0),
        "practices": c.get("practice", 0),
    }


@router.get(
    "/coverage",
    response={200: CoverageOut, **errors(404, 422)},
    summary="Partnerships, pledges and practices by two of objective, level, region, stakeholder type",
    operation_id="review_coverage",
)
@decorate_view(fresh_only, cached_api(*DOMAINS))
def review_coverage(request: HttpRequest, filters: Query[CoverageFilters]) -> dict[str, Any]:
    """`rows` × `cols` counts (regions: the children of `within`, UN M49; the five regions
    under the world `001` by default), filtered by country (ISO3), region (M49), objective,
    level, stakeholder type, the period a record ran (`year_from`–`year_to`) and its kinds. A
    record counts once per cell it touches and once in each total. The same dimension twice
    gives co-occurrence (objective × objective: the records working on both). A code the
    registry does not know is a 404 naming the parameter; a period that ends before it
    starts holds no record."""
    within = selectors.check_region(filters.within) or WORLD
    chosen = selectors.filters_from(
        country=filters.country,
        region=filters.region,
        objective=filters.objective,
        level=filters.level,
        type=filters.type,
        year_from=filters.year_from,
        year_to=filters.year_to,
        kinds=filters.kinds,
    )
    view = selectors.coverage_view(
        rows=filters.rows, cols=filters.cols, within=within, filters=chosen
    )
    return _coverage_out(view)


def _coverage_out(view: selectors.CoverageView) -> dict[str, Any]:
    table = view.table
    return {
        "rows": view.rows,
        "cols": view.cols,
        "within": view.within,
        "row_values": [{"code": c, "label": t} for c, t in view.row_labels],
        "col_values": [{"code": c, "label": t} for c, t in view.col_labels],
        "cells": [
            {"row": r, "col": c, **_counts(counts)}
            for (r, c), counts in sorted(table.cells.items())
            if r in table.rows and c in table.cols
        ],
        "row_totals": [{"code": r, **_counts(table.row_totals.get(r))} for r in table.rows],
        "col_totals": [{"code": c, **_counts(table.col_totals.get(c))} for c in table.cols],
        "total": _counts(table.total),
    }


def _gap_out(g: selectors.GapView) -> dict[str, Any]:
    return {
        "objective": g.gap.objective,
        "objective_label": g.objective,
        "level": g.gap.level,
        "level_label": g.level,
        "region": g.gap.region,
        "region_label": g.region,
        "neighbours": g.gap.neighbours,
        "empty_neighbours": g.gap.empty_neighbours,
        "isolation": round(g.gap.isolation, 4),
    }


def _country_gap_out(g: selectors.CountryGapView) -> dict[str, Any]:
    return {
        "objective": g.gap.objective,
        "objective_label": g.objective,
        "region": g.gap.region,
        "region_label": g.region,
        "region_partnerships": g.gap.region_partnerships,
        "region_practices": g.gap.region_practices,
    }


class GapOut(Schema):
    objective: str
    objective_label: str
    level: str
    level_label: str
    region: str
    region_label: str
    neighbours: int
    empty_neighbours: int
    isolation: float


class GapPageOut(Schema):
    meta: PageMeta
    items: list[GapOut]


class GapFilters(Schema):
    depth: Literal["leaf", "region", "subregion", "intermediate"] = "leaf"
    within: str = ""
    objective: str = ""
    level: str = ""
    page: int = 1
    page_size: int = 50


@router.get(
    "/gaps",
    response={200: GapPageOut, **errors(404, 422)},
    summary="Objective × level × region cells with neither a partnership nor a practice, most isolated first",
    operation_id="review_gaps",
)
@decorate_view(fresh_only, cached_api(*DOMAINS))
def review_gaps(request: HttpRequest, filters: Query[GapFilters]) -> dict[str, Any]:
    """Regions at `depth` (`leaf`: the most specific, intermediate regions where UN M49 has them,
    sub-regions elsewhere), or the children of `within`; `isolation` is the share of the
    cell's neighbours (adjacent levels, sibling regions) that are empty too."""
    selectors.check_region(filters.within)
    selectors.filters_from(objective=filters.objective, level=filters.level)
    found = selectors.gap_list(
        region_kind=filters.depth,
        within=filters.within,
        objective=filters.objective,
        level=filters.level,
    )
    number, size = clamp(filters.page, filters.page_size)
    page = Page.of(found[(number - 1) * size : number * size], len(found), number, size)
    return {
        "meta": PageMeta.of(page),
        "items": [_gap_out(g) for g in page.items],
    }


class CountryGapOut(Schema):
    objective: str
    objective_label: str
    region: str
    region_label: str
    region_partnerships: int
    region_practices: int


@router.get(
    "/gaps/countries/{iso3}",
    response={200: list[CountryGapOut], **errors(404, 422)},
    summary="The objectives a country lacks while its region has them",
    operation_id="review_country_gaps",
)
@decorate_view(fresh_only, cached_api(*DOMAINS))
def review_country_gaps(request: HttpRequest, iso3: str) -> list[dict[str, Any]]:
    if not selectors.country_exists(selectors.snapshot(), iso3.upper()):
        raise NotFound(_("No such country."))
    return [_country_gap_out(g) for g in selectors.country_gap_list(iso3.upper())]


class NetworkOrganisationOut(Schema):
    slug: str
    name: str
    type: str
    level: str


class BrokerOut(NetworkOrganisationOut):
    betweenness: float
    degree: int


class YearBrokerOut(BrokerOut):
    error: float | None = Field(
        description="Relative standard error of an estimated betweenness (its expected "
        "deviation from the exact value, as a share of it); null when exact"
    )


class PairOut(Schema):
    a: str
    b: str
    links: int


class NetworkOut(Schema):
    """`betweenness_exact` is false when betweenness was estimated from a fixed sample of
    organisations (large networks)."""

    organisations: int
    links: int
    connected: int
    components: list[int]
    isolated: int
    isolated_organisations: list[NetworkOrganisationOut]
    brokers: list[BrokerOut]
    cross_level_links: int
    cross_type_links: int
    level_pairs: list[PairOut]
    type_pairs: list[PairOut]
    betweenness_exact: bool


class YearNetworkOut(Schema):
    year: int
    organisations_linked: int
    links: int
    components: int
    largest_component: int
    cross_level_share: float
    cross_type_share: float
    isolated: int = Field(
        description="Organisations registered in the directory by the end of the year with no link then"
    )
    brokers: list[YearBrokerOut] = Field(
        description="The year's top three brokers by betweenness on the network as it stood"
    )
    brokers_exact: bool | None = Field(
        description="Whether the year's betweenness is exact (false: estimated from a fixed "
        "sample of organisations); null when the year had no link"
    )
    brokers_sources: int = Field(
        description="The organisations the year's betweenness was computed from (all of the "
        "linked ones when exact)"
    )
    brokers_error: float | None = Field(
        description="The largest relative standard error among the year's brokers; null when exact"
    )


class NetworkFilters(Schema):
    country: str = ""
    region: str = ""
    objective: str = ""


def _network_out(facts: Any) -> dict[str, Any]:
    def org(oid: int) -> dict[str, str]:
        return selectors.organisation_brief(oid)

    return {
        "organisations": facts.organisations,
        "links": facts.links,
        "connected": facts.connected,
        "components": [len(c) for c in facts.components],
        "isolated": len(facts.isolates),
        "isolated_organisations": [org(i) for i in facts.isolates[:100]],
        "brokers": [
            {**org(b.id), "betweenness": round(b.betweenness, 6), "degree": b.degree}
            for b in facts.brokers
        ],
        "cross_level_links": facts.cross_level,
        "cross_type_links": facts.cross_type,
        "level_pairs": selectors.pair_labels(facts.level_pairs, "levels", limit=50),
        "type_pairs": selectors.pair_labels(facts.type_pairs, "stakeholder_types", limit=50),
        "betweenness_exact": facts.exact,
    }


@router.get(
    "/network",
    response={200: NetworkOut, **errors(404, 422)},
    summary="The partnership network: components, brokers, isolated organisations, cross links",
    operation_id="review_network",
)
@decorate_view(fresh_only, cached_api(*DOMAINS))
def review_network(request: HttpRequest, filters: Query[NetworkFilters]) -> dict[str, Any]:
    """The whole directory, or (one of `country`, `region`, `objective`) the organisations in
    that scope's partnerships, their brokers ranked by their betweenness in the whole network.
    The first 100 isolated organisations are listed."""
    chosen = selectors.filters_from(
        country=filters.country, region=filters.region, objective=filters.objective
    )
    scope: tuple[str, str] = ("world", "")
    if chosen.country:
        scope = ("country", chosen.country)
    elif chosen.region:
        scope = ("region", chosen.region)
    elif chosen.objective:
        scope = ("objective", chosen.objective)
    return _network_out(selectors.network_facts(scope))


@router.get(
    "/network/history",
    response={200: list[YearNetworkOut]},
    summary="The network at the end of each of the last ten years",
    operation_id="review_network_history",
)
@decorate_view(fresh_only, cached_api(*DOMAINS))
def review_network_history(request: HttpRequest) -> list[Any]:
    """Per year: organisations linked, links, components, the largest one, cross-level and
    cross-type shares, isolated organisations, and the top three brokers with the accuracy of
    their betweenness (exact, or estimated from a stated number of organisations with each
    estimate's relative standard error)."""
    return selectors.network_history_rows(selectors.trend_years())


class YearOut(Schema):
    """Shares are percentages (one decimal), null when nothing was open that year."""

    year: int
    new_partnerships: int
    new_pledges: int
    open: int
    reporting_rate: float | None
    inactive_share: float | None


@router.get(
    "/trends",
    response={200: list[YearOut]},
    summary="New partnerships and pledges per year, reporting rates, share inactive",
    operation_id="review_trends",
)
@decorate_view(fresh_only, cached_api(*DOMAINS))
def review_trends(request: HttpRequest) -> list[Any]:
    return selectors.trend_rows()


class ReportPartnershipOut(Schema):
    slug: str
    name: str
    light: str
    score: int
    score_breadth: int
    score_focus: int
    score_resources: int
    goals: int
    goals_reported: int
    last_reported_on: str | None


class ReportPledgeOut(Schema):
    slug: str
    title: str
    light: str
    pledged_on: str


class ReportPracticeOut(Schema):
    slug: str
    title: str


class ReportOut(Schema):
    """Lists hold the first 50 (best scored partnerships, newest pledges); `*_total` says how
    many there are."""

    kind: str
    code: str
    title: str
    coverage: CoverageOut
    partnerships_total: int
    partnerships: list[ReportPartnershipOut]
    pledges_total: int
    pledges: list[ReportPledgeOut]
    practices_total: int
    practices: list[ReportPracticeOut]
    lights: dict[str, int]
    average_score: int | None
    gaps: list[GapOut]
    country_gaps: list[CountryGapOut]
    network: NetworkOut


@router.get(
    "/reports/{kind}/{code}",
    response={200: ReportOut, **errors(404, 422)},
    summary="A country (ISO3), region (M49) or objective (number) report",
    operation_id="review_report",
)
@decorate_view(fresh_only, cached_api(*DOMAINS))
def review_report(
    request: HttpRequest, kind: Literal["country", "region", "objective"], code: str
) -> dict[str, Any]:
    found = selectors.report(kind, code.upper() if kind == "country" else code)
    if found is None:
        raise NotFound(_("Nothing to review here."))
    return {
        "kind": found.kind,
        "code": found.code,
        "title": found.title,
        "coverage": _coverage_out(found.coverage),
        "partnerships_total": found.partnerships_total,
        "partnerships": [
            {
                "slug": p.slug,
                "name": p.name,
                "light": p.light,
                "score": p.score,
                "score_breadth": p.breadth,
                "score_focus": p.focus,
                "score_resources": p.resources,
                "goals": p.goals,
                "goals_reported": p.goals_reported,
                "last_reported_on": p.last_report.isoformat() if p.last_report else None,
            }
            for p in found.partnerships
        ],
        "pledges_total": found.pledges_total,
        "pledges": [
            {
                "slug": p.slug,
                "title": p.title,
                "light": p.light,
                "pledged_on": p.pledged_on.isoformat(),
            }
            for p in found.pledges
        ],
        "practices_total": found.practices_total,
        "practices": [{"slug": p.slug, "title": p.title} for p in found.practices],
        "lights": found.lights,
        "average_score": found.average_score,
        "gaps": [_gap_out(g) for g in found.gaps],
        "country_gaps": [_country_gap_out(g) for g in found.country_gaps],
        "network": _network_out(found.network),
    }
