"""Remittance open data: the computed corridor averages, the indicators and the World Bank's
published corridor series (declared once here; the kernel's registry, `core.open_data`, writes
CSV, JSON, HXL and the `remittances` data package).

Figures are percentages of the amount sent, for the equivalent of USD 200 (RPW's headline
amount), as exact decimals (the computed indicators to 8 decimal places); quarters are written
`2013Q1`; countries are ISO 3166-1 alpha-3. Only core HXL 1.1 hashtags are used (data/hxl/): a
column with no fitting one has none. The API's lists (`api.py`) serve the same rows, built by the
same functions. Rows are read in a fixed number of queries, whatever their number.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from migrationhub.core.open_data import Column, Package, Table

from . import costs, selectors
from .models import CorridorStat, IndicatorValue, PublishedCorridorCost

SOURCE = (
    "World Bank, Remittance Prices Worldwide (remittanceprices.worldbank.org); "
    "indicators computed by MigrationHub"
)
SOURCE_PATH = "https://remittanceprices.worldbank.org"
ISO3 = "[A-Z]{3}"
QUARTER = "[0-9]{4}Q[1-4]"


def _country(name: str, role: str, hxl: str) -> Column:
    return Column(
        name,
        "string",
        f"{role} country (ISO 3166-1 alpha-3).",
        hxl=hxl,
        required=True,
        pattern=ISO3,
    )


SENDING = _country("sending", "Sending", "#country+code+origin")
RECEIVING = _country("receiving", "Receiving", "#country+code+dest")
QUARTER_COLUMN = Column(
    "quarter",
    "string",
    "Survey quarter, e.g. 2013Q1.",
    hxl="#date",
    required=True,
    pattern=QUARTER,
)
BAND = Column(
    "band_usd",
    "integer",
    "The USD amount whose equivalent in the sending country's currency is sent: 200.",
    required=True,
)


# --- rows (shared with the API) ------------------------------------------------------------------


def corridor_row(
    stat: CorridorStat, published: Mapping[tuple[int, str], Decimal]
) -> dict[str, Any]:
    """A corridor's computed indicators in one quarter, beside the World Bank's published average
    (`published`: by corridor id and quarter, `selectors.published_for`)."""
    return {
        "sending": stat.corridor.sending.iso3,
        "receiving": stat.corridor.receiving.iso3,
        "quarter": stat.period,
        "band_usd": stat.band_usd,
        "avg_total_cost_pct": stat.average_pct,
        "quotes": stat.quotes,
        "smart_pct": stat.smart_pct,
        "smart_services": stat.smart_services,
        "cheapest_pct": stat.cheapest_pct,
        "dearest_pct": stat.dearest_pct,
        "above_5pct": stat.above_5,
        "published_avg_total_cost_pct": published.get((stat.corridor_id, stat.period)),
    }


def indicator_row(value: IndicatorValue) -> dict[str, Any]:
    return {
        "quarter": value.period,
        "band_usd": value.band_usd,
        "indicator": value.indicator,
        "group": value.group,
        "value": value.value,
        "count": value.count,
    }


def published_row(cost: PublishedCorridorCost) -> dict[str, Any]:
    return {
        "sending": cost.corridor.sending.iso3,
        "receiving": cost.corridor.receiving.iso3,
        "quarter": cost.quarter,
        "avg_total_cost_pct": cost.average_pct,
        "series": cost.series,
    }


def corridor_rows(*, base_url: str = "") -> Iterator[dict[str, Any]]:
    """Every corridor and quarter (USD 200), by quarter, then sending and receiving country."""
    stats = list(selectors.corridor_stats())
    published = selectors.published_for(stats)
    for stat in stats:
        yield corridor_row(stat, published)


def indicator_rows(*, base_url: str = "") -> Iterator[dict[str, Any]]:
    """Every indicator of every quarter (USD 200), by quarter, indicator and group."""
    for value in selectors.indicator_values():
        yield indicator_row(value)


def published_rows(*, base_url: str = "") -> Iterator[dict[str, Any]]:
    """The World Bank's published series, by sending and receiving country, then quarter."""
    for cost in selectors.published_series():
        yield published_row(cost)


# --- declarations --------------------------------------------------------------------------------


def _percent(name: str, description: str, *, hxl: str = "", required: bool = False) -> Column:
    return Column(
        name, "number", f"{description} (% of the amount sent).", hxl=hxl, required=required
    )


def _table(**declaration: Any) -> Table:
    """A remittance table: the World Bank's data, and what MigrationHub computes from it."""
    return Table(source=SOURCE, source_path=SOURCE_PATH, **declaration)


def _indicator_codes() -> list[str]:
    return [code for code, _label in IndicatorValue.INDICATORS]


CORRIDORS = _table(
    name="remittances-corridors",
    title="Average total cost per corridor and quarter, computed from the RPW quotes",
    description="The average total cost (fee plus exchange-rate margin) of sending the "
    "equivalent of USD 200 in each corridor and quarter, computed by MigrationHub from the World "
    "Bank's quote-level Remittance Prices Worldwide data as RPW computes it, with SmaRT, the "
    "cheapest and dearest service, and the World Bank's own published figure beside it.",
    columns=(
        SENDING,
        RECEIVING,
        QUARTER_COLUMN,
        BAND,
        _percent(
            "avg_total_cost_pct",
            "Simple average of the total cost of the corridor's quotes whose provider disclosed "
            "its exchange rate",
            hxl="#indicator+num",
            required=True,
        ),
        Column(
            "quotes",
            "integer",
            "How many quotes the average is of.",
            required=True,
            constraints=(("minimum", 1),),
        ),
        _percent(
            "smart_pct",
            "SmaRT, the Smart Remitter Target: average of the three cheapest services that "
            "arrive within five days and are widely available; empty when none qualifies",
        ),
        Column(
            "smart_services",
            "integer",
            f"How many services SmaRT is the average of (0 to {costs.SMART_SERVICES}).",
            required=True,
            constraints=(("minimum", 0), ("maximum", costs.SMART_SERVICES)),
        ),
        _percent("cheapest_pct", "Total cost of the cheapest service", required=True),
        _percent("dearest_pct", "Total cost of the dearest service", required=True),
        Column(
            "above_5pct",
            "boolean",
            "The average is above the 5% that SDG target 10.c allows any corridor.",
            required=True,
        ),
        _percent(
            "published_avg_total_cost_pct",
            "The World Bank's published average for the corridor and quarter (DataBank "
            "ATCR.CORR), when there is one",
        ),
    ),
    rows=corridor_rows,
    primary_key=("sending", "receiving", "quarter", "band_usd"),
)

INDICATORS = _table(
    name="remittances-indicators",
    title="Global, regional, provider-type and country indicators per quarter",
    description="RPW's indicators of the cost of sending the equivalent of USD 200, per quarter, "
    "computed by MigrationHub from the quotes: global average, global average weighted by "
    "bilateral remittance flows, global SmaRT, share of corridors below 5% and corridors above "
    "5% (SDG target 10.c), and the averages per World Bank region, provider type, sending and "
    "receiving country.",
    columns=(
        QUARTER_COLUMN,
        BAND,
        Column(
            "indicator",
            "string",
            "The indicator: global_average, global_weighted_average, global_smart, "
            "share_corridors_under_5, corridors_above_5, region_average, "
            "provider_type_average, sending_country_average or receiving_country_average.",
            hxl="#indicator+code",
            required=True,
            codes=_indicator_codes,
        ),
        Column(
            "group",
            "string",
            "What the indicator is of: a World Bank region (region_average), a provider type "
            "(provider_type_average), a country's ISO 3166-1 alpha-3 code (sending_ and "
            "receiving_country_average); empty for the global indicators.",
        ),
        Column(
            "value",
            "number",
            "The value: a percentage of the amount sent (of corridors, for "
            "share_corridors_under_5; a number of corridors, for corridors_above_5); empty when "
            "nothing could be computed.",
            hxl="#indicator+num",
        ),
        Column(
            "count",
            "integer",
            "How many quotes (averages) or corridors (weighted average, SmaRT, shares) the "
            "value is of.",
            required=True,
            constraints=(("minimum", 0),),
        ),
    ),
    rows=indicator_rows,
    primary_key=("quarter", "band_usd", "indicator", "group"),
)

PUBLISHED = _table(
    name="remittances-published",
    title="The World Bank's published corridor averages (DataBank ATCR.CORR)",
    description="The World Bank's own published average total cost of sending the equivalent "
    "of USD 200 in each corridor, 2011Q1-2020Q3 (DataBank, Remittance Prices Worldwide "
    "(Corridors), series ATCR.CORR), as MigrationHub loaded it: corridors of countries outside "
    "UN M49 are left out.",
    columns=(
        SENDING,
        RECEIVING,
        QUARTER_COLUMN,
        _percent(
            "avg_total_cost_pct",
            "The World Bank's published average total cost",
            hxl="#indicator+num",
            required=True,
        ),
        Column(
            "series",
            "string",
            "The DataBank series: ATCR.CORR, Average Total Cost to remit in corridor.",
            hxl="#indicator+code",
            required=True,
        ),
    ),
    rows=published_rows,
    primary_key=("sending", "receiving", "quarter"),
)

TABLES = (CORRIDORS, INDICATORS, PUBLISHED)
PACKAGES = (
    Package(
        name="remittances",
        title="MigrationHub remittance prices: corridor averages, indicators and the World "
        "Bank's published series",
        description="The cost of sending remittances, from the World Bank's Remittance Prices "
        "Worldwide: corridor averages and indicators computed by MigrationHub from the quotes "
        "(SDG target 10.c: a global average below 3% and no corridor above 5%), and the World "
        "Bank's published corridor series beside them.",
        tables=tuple(t.name for t in TABLES),
        keywords=(
            "remittances",
            "remittance prices",
            "SDG 10.c",
            "migration",
            "GCM",
            "Global Compact for Migration",
        ),
    ),
)
