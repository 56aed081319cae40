"""Remittance prices over the API: corridor averages, indicators, the published series, quotes,
the sender's comparison, and bulk open data (CSV, JSON, HXL)."""

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema

from migrationhub.api.schemas import ErrorOut, PageMeta
from migrationhub.core.errors import ValidationFailed
from migrationhub.core.pagination import clamp, paginate

from . import costs, exports, selectors

router = Router(tags=["remittances"])
DEFAULT_PAGE_SIZE = 50


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _band(band: int) -> int:
    if band not in costs.BANDS_USD:
        raise ValidationFailed("band is 200 or 500 (USD).", fields={"band": ["200 or 500"]})
    return band


def _page_meta(page) -> dict:
    return {
        "count": page.count,
        "page": page.page,
        "page_size": page.page_size,
        "pages": page.pages,
    }


class CorridorCostOut(Schema):
    sending: str = Field(description="ISO 3166 alpha-3 of the sending country")
    receiving: str = Field(description="ISO 3166 alpha-3 of the receiving country")
    quarter: str = Field(description="e.g. 2013Q1")
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


class CorridorFilters(Schema):
    sending: str | None = None
    receiving: str | None = None
    quarter: str | None = None
    band: int = 200
    above_5: bool | None = None
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


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


class RemittanceIndicatorFilters(Schema):
    quarter: str | None = None
    indicator: str | None = None
    group: str | None = None
    band: int = 200
    page: int = 1
    page_size: int = 200


class PublishedCorridorCostOut(Schema):
    sending: str
    receiving: str
    quarter: str
    avg_total_cost_pct: float
    series: str


class PublishedCorridorCostPage(Schema):
    meta: PageMeta
    items: list[PublishedCorridorCostOut]


class PublishedCorridorCostFilters(Schema):
    sending: str | None = None
    receiving: str | None = None
    quarter: str | None = None
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


class RemittanceQuoteOut(Schema):
    sending: str
    receiving: str
    quarter: str
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


class RemittanceQuotePage(Schema):
    meta: PageMeta
    items: list[RemittanceQuoteOut]


class RemittanceQuoteFilters(Schema):
    sending: str | None = None
    receiving: str | None = None
    quarter: str | None = None
    band: int | None = None
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


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
    cheapest: bool
    fastest: bool
    in_smart: bool
    reason: str = Field(description="why the offer cannot be ranked")


class RemittanceComparisonOut(Schema):
    sending: str
    receiving: str
    quarter: str
    quarters: list[str]
    amount: float
    currency: str
    band_usd: int
    band_amount: float
    corridor_avg_total_cost_pct: float | None
    smart_pct: float | None
    offers: list[RemittanceOfferOut]
    not_ranked: list[RemittanceOfferOut]


class RemittanceCompareQuery(Schema):
    sending: str
    receiving: str
    amount: Decimal | None = Field(None, gt=0, le=1_000_000, decimal_places=2)
    quarter: str | None = None


@router.get(
    "/corridors/",
    response={200: CorridorCostPage, 422: ErrorOut},
    summary="Average total cost per corridor and quarter, computed from the quotes",
)
def corridor_list(request, filters: Query[CorridorFilters]):
    """The RPW corridor average (USD 200 by default): the simple average of the total cost of
    the corridor's quotes whose provider disclosed its exchange rate, with SmaRT and the World
    Bank's published figure beside it. Filter by `sending`, `receiving` (ISO3), `quarter`
    (`2013Q1`), `band` (200 or 500), `above_5`."""
    page_number, size = clamp(filters.page, filters.page_size)
    page = paginate(
        selectors.corridor_stats(
            sending=filters.sending,
            receiving=filters.receiving,
            period=filters.quarter,
            band=_band(filters.band),
            above_5=filters.above_5,
        ),
        page_number,
        size,
    )
    published = selectors.published_for(page.items)
    items = [
        {
            "sending": s.corridor.sending.iso3,
            "receiving": s.corridor.receiving.iso3,
            "quarter": s.period,
            "band_usd": s.band_usd,
            "avg_total_cost_pct": float(s.average_pct),
            "quotes": s.quotes,
            "smart_pct": _float(s.smart_pct),
            "smart_services": s.smart_services,
            "cheapest_pct": float(s.cheapest_pct),
            "dearest_pct": float(s.dearest_pct),
            "above_5pct": s.above_5,
            "published_avg_total_cost_pct": _float(published.get((s.corridor_id, s.period))),
        }
        for s in page.items
    ]
    return {"meta": _page_meta(page), "items": items}


@router.get(
    "/corridors/{sending}/{receiving}/history",
    response={200: list[CorridorHistoryOut], 404: ErrorOut},
    summary="A corridor's quarters: computed averages and the World Bank's published series",
)
def corridor_history(request, sending: str, receiving: str):
    corridor = selectors.corridor_get(sending, receiving)
    return [
        {
            "quarter": row.quarter,
            "avg_total_cost_pct": _float(row.average),
            "quotes": row.quotes,
            "smart_pct": _float(row.smart),
            "published_avg_total_cost_pct": _float(row.published),
        }
        for row in selectors.corridor_history(corridor)
    ]


@router.get(
    "/periods/",
    response={200: list[RemittancePeriodOut], 422: ErrorOut},
    summary="Global indicators per quarter, and where SDG 10.c stands",
)
def period_list(request, band: int = 200):
    """Global average (over every service), global weighted average (by bilateral remittance
    flows), global SmaRT, share of corridors below 5% and corridors above 5%; SDG 10.c asks for
    a global average below 3% and no corridor above 5%."""
    return [
        {
            "quarter": s.period,
            "global_average_pct": _float(s.global_average),
            "quotes": s.quotes,
            "global_weighted_average_pct": _float(s.weighted_average),
            "weighted_corridors": s.weighted_corridors,
            "global_smart_pct": _float(s.smart),
            "smart_corridors": s.smart_corridors,
            "corridors": s.corridors,
            "share_corridors_under_5_pct": _float(s.share_under_5),
            "corridors_above_5": s.corridors_above_5,
            "sdg_10c_global_below_3": s.sdg_global_below_3,
            "sdg_10c_no_corridor_above_5": s.sdg_no_corridor_above_5,
        }
        for s in selectors.period_summaries(_band(band))
    ]


@router.get(
    "/indicators/",
    response={200: RemittanceIndicatorPage, 422: ErrorOut},
    summary="Every indicator per quarter: global, regional, provider-type and country",
)
def indicator_list(request, filters: Query[RemittanceIndicatorFilters]):
    """`indicator` is one of global_average, global_weighted_average, global_smart,
    share_corridors_under_5, corridors_above_5, region_average (group: World Bank region),
    provider_type_average (group: provider type; `digital_only` is the digital-only average),
    sending_country_average and receiving_country_average (group: ISO3)."""
    page_number, size = clamp(filters.page, filters.page_size)
    page = paginate(
        selectors.indicator_values(
            period=filters.quarter,
            indicator=filters.indicator,
            group=filters.group,
            band=_band(filters.band),
        ),
        page_number,
        size,
    )
    items = [
        {
            "quarter": v.period,
            "band_usd": v.band_usd,
            "indicator": v.indicator,
            "group": v.group,
            "value": _float(v.value),
            "count": v.count,
        }
        for v in page.items
    ]
    return {"meta": _page_meta(page), "items": items}


@router.get(
    "/published/",
    response={200: PublishedCorridorCostPage, 422: ErrorOut},
    summary="The World Bank's published corridor averages, 2011Q1-2020Q3",
)
def published_list(request, filters: Query[PublishedCorridorCostFilters]):
    page_number, size = clamp(filters.page, filters.page_size)
    page = paginate(
        selectors.published_series(
            sending=filters.sending, receiving=filters.receiving, quarter=filters.quarter
        ),
        page_number,
        size,
    )
    items = [
        {
            "sending": p.corridor.sending.iso3,
            "receiving": p.corridor.receiving.iso3,
            "quarter": p.quarter,
            "avg_total_cost_pct": float(p.average_pct),
            "series": p.series,
        }
        for p in page.items
    ]
    return {"meta": _page_meta(page), "items": items}


@router.get(
    "/quotes/",
    response={200: RemittanceQuotePage, 422: ErrorOut},
    summary="The quotes: one price per service, amount and quarter",
)
def quote_list(request, filters: Query[RemittanceQuoteFilters]):
    page_number, size = clamp(filters.page, filters.page_size)
    band = _band(filters.band) if filters.band is not None else None
    page = paginate(
        selectors.quotes(
            sending=filters.sending,
            receiving=filters.receiving,
            period=filters.quarter,
            band=band,
        ),
        page_number,
        size,
    )
    items = []
    for q in page.items:
        service = q.service
        items.append(
            {
                "sending": service.corridor.sending.iso3,
                "receiving": service.corridor.receiving.iso3,
                "quarter": q.period,
                "band_usd": q.band_usd,
                "provider": service.provider.name,
                "provider_type": service.provider.type,
                "product": service.product,
                "payment_instrument": service.payment_instrument,
                "access_point": service.access_point,
                "pickup_method": service.pickup_method,
                "speed": service.speed,
                "coverage": service.coverage,
                "currency_sent": q.currency_sent,
                "amount_sent": float(q.amount_sent),
                "fee": _float(q.fee),
                "fx_rate_offered": _float(q.fx_rate_offered),
                "interbank_rate": _float(q.interbank_rate),
                "fx_margin_pct": _float(q.fx_margin_pct),
                "total_cost_pct": float(q.total_cost_pct),
                "transparent": q.transparent,
                "payout_currency": q.payout_currency,
                "surveyed_on": q.surveyed_on,
                "source": q.source,
                "source_ref": q.source_ref,
            }
        )
    return {"meta": _page_meta(page), "items": items}


def _offer(offer: selectors.Offer) -> dict:
    return {
        "rank": offer.rank,
        "provider": offer.provider,
        "provider_type": offer.provider_type,
        "product": offer.product,
        "payment_instrument": offer.payment_instrument,
        "access_point": offer.access_point,
        "pickup_method": offer.pickup_method,
        "speed": offer.speed,
        "coverage": offer.coverage,
        "transparent": offer.transparent,
        "fee": _float(offer.fee),
        "fx_margin_pct": _float(offer.fx_margin_pct),
        "margin_cost": _float(offer.margin_cost),
        "total_cost": _float(offer.total_cost),
        "total_cost_pct": _float(offer.total_cost_pct),
        "received": _float(offer.received),
        "payout_currency": offer.payout_currency,
        "received_value": _float(offer.received_value),
        "cheapest": offer.cheapest,
        "fastest": offer.fastest,
        "in_smart": offer.in_smart,
        "reason": offer.reason,
    }


@router.get(
    "/compare/",
    response={200: RemittanceComparisonOut, 404: ErrorOut, 422: ErrorOut},
    summary="I send X from A to B: every provider, ranked by what arrives",
)
def compare(request, query: Query[RemittanceCompareQuery]):
    """`amount` (in the sending country's currency, fee included; default: the surveyed USD 200
    equivalent) is priced with each provider's fee and exchange rate of `quarter` (default: the
    latest). Providers that did not disclose their rate are listed in `not_ranked`."""
    result = selectors.comparison(query.sending, query.receiving, query.amount, query.quarter)
    return {
        "sending": result.corridor.sending.iso3,
        "receiving": result.corridor.receiving.iso3,
        "quarter": result.period,
        "quarters": result.periods,
        "amount": float(result.amount),
        "currency": result.currency,
        "band_usd": result.band_usd,
        "band_amount": float(result.band_amount),
        "corridor_avg_total_cost_pct": _float(result.stat.average_pct if result.stat else None),
        "smart_pct": _float(result.stat.smart_pct if result.stat else None),
        "offers": [_offer(o) for o in result.offers],
        "not_ranked": [_offer(o) for o in result.not_ranked],
    }


# --- Bulk open data ----------------------------------------------------------------------------

_FILE_NOTE = (
    "UTF-8 CSV, one row per record; figures in % of the amount sent; quarters `2013Q1`; "
    "countries ISO 3166 alpha-3. Licence: CC-BY-4.0 (World Bank RPW data)."
)
_HXL_NOTE = " The second row holds the HXL 1.1 hashtags (`#country+code+origin`, `#date`, ...)."


def _file(name: str, fmt: str) -> HttpResponse:
    content_type = "application/json" if fmt == "json" else "text/csv; charset=utf-8"
    response = HttpResponse(exports.export_text(name, fmt), content_type=content_type)
    filename = exports.DATASETS[name].filename(fmt)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _text_doc(filename: str, media: str = "text/csv") -> dict:
    return {
        "responses": {
            200: {"description": filename, "content": {media: {"schema": {"type": "string"}}}}
        }
    }


def _json_doc(filename: str) -> dict:
    return {
        "responses": {
            200: {
                "description": filename,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["name", "source", "licence", "count", "items"],
                            "properties": {
                                "name": {"type": "string"},
                                "title": {"type": "string"},
                                "source": {"type": "object"},
                                "licence": {"type": "object"},
                                "generated_at": {"type": "string"},
                                "count": {"type": "integer"},
                                "items": {"type": "array", "items": {"type": "object"}},
                            },
                        }
                    }
                },
            }
        }
    }


_FILE_TABLES = {
    "corridors": "Every computed corridor average",
    "indicators": "Every indicator of every quarter",
    "published": "The World Bank's published corridor averages",
}
_FILE_FORMATS = {
    "csv": ("csv", "CSV"),
    "json": ("json", "JSON"),
    "hxl": ("hxl.csv", "HXL-tagged CSV"),
}


def _file_endpoint(table: str, fmt: str):
    def endpoint(request):
        return _file(table, fmt)

    endpoint.__name__ = f"{table}_{fmt}"  # the OpenAPI operation id
    return endpoint


# One download per table and format: /corridors.csv, /corridors.json, /corridors.hxl.csv, …
for _table, _what in _FILE_TABLES.items():
    for _fmt, (_suffix, _label) in _FILE_FORMATS.items():
        _name = f"remittances-{_table}.{_suffix}"
        router.get(
            f"/{_table}.{_suffix}",
            summary=f"{_what}, as {_label}",
            description=None
            if _fmt == "json"
            else _FILE_NOTE + (_HXL_NOTE if _fmt == "hxl" else ""),
            openapi_extra=_json_doc(_name) if _fmt == "json" else _text_doc(_name),
        )(_file_endpoint(_table, _fmt))
