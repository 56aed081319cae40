"""Remittance prices over the API: corridor averages, indicators, the published series, quotes
and the sender's comparison. The same tables in bulk (CSV, JSON, HXL, a Frictionless data package)
are the kernel's open data (`exports.py`), at `/api/v1/open-data/remittances-corridors.csv` etc."""

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import WithJsonSchema, field_validator

from migrationhub.core.errors import ValidationFailed
from migrationhub.core.page_cache import cached_api
from migrationhub.core.pagination import paginate
from migrationhub.core.schemas import PageMeta, errors

from . import costs, exports, selectors
from .models import Quote

router = Router(tags=["remittances"])
DEFAULT_PAGE_SIZE = 50


# The amounts RPW surveys; stated in the document so that clients never send another.
BAND = Field(
    200,
    description="USD amount whose equivalent is sent: 200 or 500",
    json_schema_extra={"enum": list(costs.BANDS_USD)},
)
CENT = Decimal("0.01")


def _band(band: int) -> int:
    if band not in costs.BANDS_USD:
        raise ValidationFailed(_("band is 200 or 500 (USD)."), fields={"band": [_("200 or 500")]})
    return band


def _page_of(
    queryset: QuerySet[Any], page: int, page_size: int, row: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    found = paginate(queryset, page, page_size)
    return {"meta": PageMeta.of(found), "items": [row(item) for item in found.items]}


class CorridorQuarterOut(Schema):
    """What the corridor lists share: a corridor and a quarter."""

    sending: str = Field(description="ISO 3166 alpha-3 of the sending country")
    receiving: str = Field(description="ISO 3166 alpha-3 of the receiving country")
    quarter: str = Field(description="e.g. 2013Q1")


class PageQuery(Schema):
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


class CorridorQuery(PageQuery):
    """What the corridor lists are filtered by: ISO3 codes and a quarter."""

    sending: str | None = None
    receiving: str | None = None
    quarter: str | None = None


class CorridorCostOut(CorridorQuarterOut):
    band_usd: int = Field(description="the USD amount whose equivalent is sent: 200 or 500")
    avg_total_cost_pct: float = Field(
        description="simple average of the total cost (fee + FX margin, % of the amount sent) "
        "of the corridor's transparent quotes"
    )
    quotes: int = Field(description="how many quotes the average is of")
    smart_pct: float | None = Field(description="SmaRT: the three cheapest qualifying services")
    smart_services: int
    cheapest_pct: float
    dearest_pct: float
    above_5pct: bool = Field(description="above SDG 10.c's 5% ceiling")
    published_avg_total_cost_pct: float | None = Field(
        description="the World Bank's published figure (DataBank ATCR.CORR), when there is one"
    )


class CorridorCostPage(Schema):
    meta: PageMeta
    items: list[CorridorCostOut]


class BandQuery(Schema):
    band: int = BAND


class CorridorFilters(CorridorQuery):
    band: int = BAND
    above_5: bool | None = None


class CorridorHistoryOut(Schema):
    quarter: str
    avg_total_cost_pct: float | None
    quotes: int
    smart_pct: float | None
    published_avg_total_cost_pct: float | None


class RemittancePeriodOut(Schema):
    quarter: str
    global_average_pct: float | None
    quotes: int
    global_weighted_average_pct: float | None
    weighted_corridors: int
    global_smart_pct: float | None
    smart_corridors: int
    corridors: int
    share_corridors_under_5_pct: float | None
    corridors_above_5: int
    sdg_10c_global_below_3: bool
    sdg_10c_no_corridor_above_5: bool


class RemittanceIndicatorOut(Schema):
    quarter: str
    band_usd: int
    indicator: str
    group: str
    value: float | None
    count: int


class RemittanceIndicatorPage(Schema):
    meta: PageMeta
    items: list[RemittanceIndicatorOut]


class RemittanceIndicatorFilters(PageQuery):
    quarter: str | None = None
    indicator: str | None = None
    group: str | None = None
    band: int = BAND
    page_size: int = 200


class PublishedCorridorCostOut(CorridorQuarterOut):
    avg_total_cost_pct: float
    series: str


class PublishedCorridorCostPage(Schema):
    meta: PageMeta
    items: list[PublishedCorridorCostOut]


class PublishedCorridorCostFilters(CorridorQuery):
    pass


class RemittanceQuoteOut(CorridorQuarterOut):
    band_usd: int
    provider: str
    provider_type: str
    product: str
    payment_instrument: str
    access_point: str
    pickup_method: str
    speed: str
    coverage: str
    currency_sent: str
    amount_sent: float
    fee: float | None
    fx_rate_offered: float | None
    interbank_rate: float | None
    fx_margin_pct: float | None
    total_cost_pct: float
    transparent: bool
    payout_currency: str
    surveyed_on: dt.date | None
    source: str
    source_ref: str
    notes: str = Field(
        description="the survey's notes on the quote (RPW's note1 and note2), one a line"
    )


class RemittanceQuotePage(Schema):
    meta: PageMeta
    items: list[RemittanceQuoteOut]


class RemittanceQuoteFilters(CorridorQuery):
    band: int | None = Field(
        None,
        description="200 or 500; both when omitted",
        json_schema_extra={"enum": [*costs.BANDS_USD, None]},
    )


class RemittanceOfferOut(Schema):
    rank: int = Field(description="1 = the most arrives; 0 = cannot be ranked")
    provider: str
    provider_type: str
    product: str
    payment_instrument: str
    access_point: str
    pickup_method: str
    speed: str
    coverage: str
    transparent: bool
    fee: float | None
    fx_margin_pct: float | None
    margin_cost: float | None
    total_cost: float | None = Field(description="fee + exchange-rate margin, in the sent currency")
    total_cost_pct: float | None = Field(description="share of the amount paid that is lost")
    received: float | None = Field(description="paid out, in payout_currency (when known)")
    payout_currency: str
    received_value: float | None = Field(description="what arrives, in the sent currency")
    cheapest: bool = Field(
        description="the best-ranked offer with no condition, and not below zero unless the "
        "survey's notes explain it; false for every offer when none qualifies"
    )
    fastest: bool
    in_smart: bool
    reason: str = Field(description="why the offer cannot be ranked")
    conditions: list[str] = Field(
        description="what the survey's notes say limits the offer: members_only, "
        "account_required, promotion (or first transfer), other; empty when nothing does"
    )
    condition_notes: list[str] = Field(
        description="the survey's notes that set the conditions, as written (RPW's are in English)"
    )
    negative_cost: bool = Field(
        description="less than nothing is lost: the provider's rate beat the survey's reference"
    )
    negative_cost_explained: bool = Field(
        description="a note explains a cost below zero as real (a parallel market, multiple "
        "exchange rates, a more favourable rate)"
    )


class RemittanceComparisonOut(Schema):
    sending: str
    receiving: str
    quarter: str
    quarters: list[str] = Field(description="every quarter with prices, newest first")
    sources: list[str] = Field(
        description="where the quarter's prices come from: `rpw` (the World Bank's Remittance "
        "Prices Worldwide) or a national data collector's name"
    )
    stale: bool = Field(
        description="the quarter ended more than a year ago: prices may have changed"
    )
    amount: float
    currency: str
    band_usd: int = Field(
        description="the surveyed amount (USD 200 or 500) the amount is priced with"
    )
    band_amount: float
    corridor_avg_total_cost_pct: float | None = Field(
        description="the corridor's average total cost in the quarter, of band_usd"
    )
    smart_pct: float | None = Field(description="the corridor's SmaRT in the quarter, of band_usd")
    offers: list[RemittanceOfferOut]
    not_ranked: list[RemittanceOfferOut]


class RemittanceCompareQuery(Schema):
    sending: str
    receiving: str
    # Cents are the unit: an amount with more decimals is rounded to the cent (documented as
    # multipleOf 0.01, not enforced, so a client's float arithmetic is never refused).
    amount: Annotated[
        Decimal | None,
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "number", "minimum": 0.01, "maximum": 1_000_000, "multipleOf": 0.01},
                    {"type": "null"},
                ]
            }
        ),
    ] = Field(
        None,
        ge=CENT,
        le=1_000_000,
        description="in the sending country's currency, fee included; rounded to the cent",
    )

    @field_validator("amount", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        # A query string cannot say null: `amount=` means "no amount" (the surveyed one).
        return None if value == "" else value

    quarter: str | None = None


@router.get(
    "/corridors/",
    response={200: CorridorCostPage, **errors(422)},
    summary="Average total cost per corridor and quarter, computed from the quotes",
    operation_id="remittance_corridor_list",
)
@decorate_view(cached_api("remittances", "taxonomy"))
def corridor_list(request: HttpRequest, filters: Query[CorridorFilters]) -> dict[str, Any]:
    """The RPW corridor average (USD 200 by default): the simple average of the total cost of
    the corridor's quotes whose provider disclosed its exchange rate, with SmaRT and the World
    Bank's published figure beside it. Filter by `sending`, `receiving` (ISO3), `quarter`
    (`2013Q1`), `band` (200 or 500), `above_5`."""
    page = paginate(
        selectors.corridor_stats(
            sending=filters.sending,
            receiving=filters.receiving,
            period=filters.quarter,
            band=_band(filters.band),
            above_5=filters.above_5,
        ),
        filters.page,
        filters.page_size,
    )
    published = selectors.published_for(page.items)
    return {
        "meta": PageMeta.of(page),
        "items": [exports.corridor_row(stat, published) for stat in page.items],
    }


@router.get(
    "/corridors/{sending}/{receiving}/history",
    response={200: list[CorridorHistoryOut], **errors(404)},
    summary="A corridor's quarters: computed averages and the World Bank's published series",
    operation_id="remittance_corridor_history",
)
@decorate_view(cached_api("remittances", "taxonomy"))
def corridor_history(request: HttpRequest, sending: str, receiving: str) -> list[dict[str, Any]]:
    corridor = selectors.corridor_get(sending, receiving)
    return [
        {
            "quarter": row.quarter,
            "avg_total_cost_pct": row.average,
            "quotes": row.quotes,
            "smart_pct": row.smart,
            "published_avg_total_cost_pct": row.published,
        }
        for row in selectors.corridor_history(corridor)
    ]


@router.get(
    "/periods/",
    response={200: list[RemittancePeriodOut], **errors(422)},
    summary="Global indicators per quarter, and where SDG 10.c stands",
    operation_id="remittance_period_list",
)
@decorate_view(cached_api("remittances", "taxonomy"))
def period_list(request: HttpRequest, query: Query[BandQuery]) -> list[dict[str, Any]]:
    """Global average (over every service), global weighted average (by bilateral remittance
    flows), global SmaRT, share of corridors below 5% and corridors above 5%; SDG 10.c asks for
    a global average below 3% and no corridor above 5%."""
    return [
        {
            "quarter": s.period,
            "global_average_pct": s.global_average,
            "quotes": s.quotes,
            "global_weighted_average_pct": s.weighted_average,
            "weighted_corridors": s.weighted_corridors,
            "global_smart_pct": s.smart,
            "smart_corridors": s.smart_corridors,
            "corridors": s.corridors,
            "share_corridors_under_5_pct": s.share_under_5,
            "corridors_above_5": s.corridors_above_5,
            "sdg_10c_global_below_3": s.sdg_global_below_3,
            "sdg_10c_no_corridor_above_5": s.sdg_no_corridor_above_5,
        }
        for s in selectors.period_summaries(_band(query.band))
    ]


@router.get(
    "/indicators/",
    response={200: RemittanceIndicatorPage, **errors(422)},
    summary="Every indicator per quarter: global, regional, provider-type and country",
    operation_id="remittance_indicator_list",
)
@decorate_view(cached_api("remittances", "taxonomy"))
def indicator_list(
    request: HttpRequest, filters: Query[RemittanceIndicatorFilters]
) -> dict[str, Any]:
    """`indicator` is one of global_average, global_weighted_average, global_smart,
    share_corridors_under_5, corridors_above_5, region_average (group: World Bank region),
    provider_type_average (group: provider type; `digital_only` is the digital-only average),
    sending_country_average and receiving_country_average (group: ISO3)."""
    values = selectors.indicator_values(
        period=filters.quarter,
        indicator=filters.indicator,
        group=filters.group,
        band=_band(filters.band),
    )
    return _page_of(values, filters.page, filters.page_size, exports.indicator_row)


@router.get(
    "/published/",
    response={200: PublishedCorridorCostPage, **errors(422)},
    summary="The World Bank's published corridor averages, 2011Q1-2020Q3",
    operation_id="remittance_published_list",
)
@decorate_view(cached_api("remittances", "taxonomy"))
def published_list(
    request: HttpRequest, filters: Query[PublishedCorridorCostFilters]
) -> dict[str, Any]:
    series = selectors.published_series(
        sending=filters.sending, receiving=filters.receiving, quarter=filters.quarter
    )
    return _page_of(series, filters.page, filters.page_size, exports.published_row)


def _quote_row(quote: Quote) -> dict[str, Any]:
    service = quote.service
    return {
        "sending": service.corridor.sending.iso3,
        "receiving": service.corridor.receiving.iso3,
        "quarter": quote.period,
        "band_usd": quote.band_usd,
        "provider": service.provider.name,
        "provider_type": service.provider.type,
        "product": service.product,
        "payment_instrument": service.payment_instrument,
        "access_point": service.access_point,
        "pickup_method": service.pickup_method,
        "speed": service.speed,
        "coverage": service.coverage,
        "currency_sent": quote.currency_sent,
        "amount_sent": quote.amount_sent,
        "fee": quote.fee,
        "fx_rate_offered": quote.fx_rate_offered,
        "interbank_rate": quote.interbank_rate,
        "fx_margin_pct": quote.fx_margin_pct,
        "total_cost_pct": quote.total_cost_pct,
        "transparent": quote.transparent,
        "payout_currency": quote.payout_currency,
        "surveyed_on": quote.surveyed_on,
        "source": quote.source,
        "source_ref": quote.source_ref,
        "notes": quote.notes,
    }


@router.get(
    "/quotes/",
    response={200: RemittanceQuotePage, **errors(422)},
    summary="The quotes: one price per service, amount and quarter",
    operation_id="remittance_quote_list",
)
@decorate_view(cached_api("remittances", "taxonomy"))
def quote_list(request: HttpRequest, filters: Query[RemittanceQuoteFilters]) -> dict[str, Any]:
    quotes = selectors.quotes(
        sending=filters.sending,
        receiving=filters.receiving,
        period=filters.quarter,
        band=_band(filters.band) if filters.band is not None else None,
    )
    return _page_of(quotes, filters.page, filters.page_size, _quote_row)


@router.get(
    "/compare/",
    response={200: RemittanceComparisonOut, **errors(404, 422)},
    summary="I send X from A to B: every provider, ranked by what arrives",
    operation_id="remittance_compare",
)
@decorate_view(cached_api("remittances", "taxonomy"))
def compare(request: HttpRequest, query: Query[RemittanceCompareQuery]) -> dict[str, Any]:
    """`amount` (in the sending country's currency, fee included; default: the surveyed USD 200
    equivalent) is priced with each provider's fee and exchange rate of `quarter` (default: the
    latest), surveyed for the nearer band (`band_usd`), whose corridor average and SmaRT come
    along. Providers that did not disclose their rate are listed in `not_ranked`. Offers whose
    survey notes set a condition (`conditions`) or that cost less than nothing without a note
    that explains it are ranked by what arrives but are never `cheapest`."""
    amount = query.amount.quantize(CENT, ROUND_HALF_UP) if query.amount is not None else None
    result = selectors.comparison(query.sending, query.receiving, amount, query.quarter)
    stat = result.stat
    return {
        "sending": result.corridor.sending.iso3,
        "receiving": result.corridor.receiving.iso3,
        "quarter": result.period,
        "quarters": result.periods,
        "sources": result.survey.sources,
        "stale": result.survey.stale,
        "amount": result.amount,
        "currency": result.currency,
        "band_usd": result.band_usd,
        "band_amount": result.band_amount,
        "corridor_avg_total_cost_pct": stat.average_pct if stat else None,
        "smart_pct": stat.smart_pct if stat else None,
        "offers": result.offers,
        "not_ranked": result.not_ranked,
    }
