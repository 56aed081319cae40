"""Remittance writes: importing quotes, loading the published series and the flows, and
recomputing the indicators.

Each service runs in one transaction: an import replaces the quotes of the same source and
periods (so re-importing a period is idempotent), records who imported what (`QuoteImport`, and
one audit event), and recomputes every indicator before it commits, so pages and API never see
quotes without their indicators.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from migrationhub.core import audit, page_cache, progress
from migrationhub.core.errors import ValidationFailed
from migrationhub.taxonomy.selectors import resolve_many, vocabulary_codes

from . import costs, permissions
from .errors import Code
from .importers import collector, databank, flows, rpw
from .importers.common import QuoteRecord, Reference
from .models import (
    SERVICE_IDENTITY,
    Corridor,
    CorridorStat,
    IndicatorValue,
    Provider,
    PublishedCorridorCost,
    Quote,
    QuoteImport,
    RemittanceFlow,
    Service,
)

log = logging.getLogger(__name__)

QUOTES_FILE = "rpw_quotes_2011q1_2014q2.csv"
DATABANK_FILE = "rpw_corridors_databank_2011q1_2020q3.csv"
INFLOWS_FILE = "knomad_remittance_inflows_2000_2022_usd_millions.csv"
OUTFLOWS_FILE = "knomad_remittance_outflows_2000_2022_usd_millions.csv"
BILATERAL_FILE = "wb_bilateral_remittance_matrix_2017_long.csv"
BILATERAL_YEAR = 2017
SOURCE_KNOMAD = "World Bank-KNOMAD, June 2023"
SOURCE_BILATERAL = "World Bank, Bilateral Remittance Estimates for 2017 (April 2018)"
BATCH = 2000
# The quote layouts an import reads: RPW's quote-level data, a national collector's CSV.
LAYOUTS = {"rpw": rpw.read_rpw_quotes, "collector": collector.read_collector_quotes}


def data_dir() -> Path:
    return Path(settings.SHIPPED_DATA_DIR) / "remittances"


def _csv_rows(name: str) -> list[dict[str, str]]:
    with (data_dir() / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def open_data_file(name: str) -> IO[str]:
    return (data_dir() / name).open(encoding="utf-8-sig", newline="")


# --- Reference data ----------------------------------------------------------------------


def wb_regions() -> dict[str, str]:
    """World Bank region per ISO3 (RPW's regional averages group receiving countries by it)."""
    return {row["iso3"]: row["wb_region"] for row in _csv_rows("wb_regions.csv")}


def _countries(codes: Iterable[str] | None = None) -> list[Any]:
    """The reference's countries (`codes`, or all), through taxonomy's selectors."""
    return resolve_many("countries", vocabulary_codes("countries") if codes is None else codes)


def _country_ids(codes: Iterable[str] | None = None) -> dict[str, int]:
    return {country.iso3: country.pk for country in _countries(codes)}


def reference() -> Reference:
    """What imports check rows against: countries, ISO 4217 currencies, country names."""
    countries: dict[str, str] = {}
    names: dict[str, str] = {}
    for country in _countries():
        countries[country.iso3] = country.currency
        for name in [country.title, *(country.names or {}).values()]:
            if name:
                names.setdefault(name.casefold(), country.iso3)
    for row in _csv_rows("wb_country_names.csv"):
        names[row["name"].casefold()] = row["iso3"]
    currencies = {row["code"] for row in _csv_rows("iso4217_currencies.csv") if row["code"]}
    provider_types = {
        row["name"].casefold(): row["type"] for row in _csv_rows("provider_types.csv")
    }
    return Reference(
        countries=countries, currencies=currencies, names=names, provider_types=provider_types
    )


# --- Quotes ------------------------------------------------------------------------------------


def _insert(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Insert many rows in one prepared statement.

    The ORM's bulk_create prepares every value of every row in Python (about 12 seconds for the
    57,000 quotes of the RPW file on SQLite); the values here are already what the database
    stores (Decimal, date, str, bool: adapted by the drivers), so one `executemany` does it in a
    fraction of that, on SQLite and PostgreSQL alike.
    """
    if not rows:
        return 0
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, name)) for name in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
    return len(rows)


def _analyze(*tables: type[models.Model]) -> None:
    """Refresh the query planner's statistics of tables a load has just rewritten.

    Without them SQLite guesses: it read a corridor's quotes through the period index, every
    quote of the quarter (3 ms a comparison), instead of the corridor's services (0.2 ms).
    PostgreSQL's autovacuum would analyze them, but only a while after the load.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field.column


def _q(value: Decimal | None, places: int) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def _corridors_for(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], Corridor]:
    existing = {
        (c.sending.iso3, c.receiving.iso3): c
        for c in Corridor.objects.select_related("sending", "receiving")
    }
    missing = sorted(pairs - set(existing))
    if missing:
        ids = _country_ids({iso for pair in missing for iso in pair})
        regions = wb_regions()
        Corridor.objects.bulk_create(
            Corridor(sending_id=ids[s], receiving_id=ids[r], wb_region=regions.get(r, ""))
            for s, r in missing
        )
        existing = {
            (c.sending.iso3, c.receiving.iso3): c
            for c in Corridor.objects.select_related("sending", "receiving")
        }
    return existing


def _providers_for(records: list[QuoteRecord]) -> dict[tuple[str, str], Provider]:
    existing = {(p.name_key, p.type): p for p in Provider.objects.all()}
    new: dict[tuple[str, str], Provider] = {}
    for r in records:
        key = (r.provider_name.casefold(), r.provider_type)
        if key not in existing and key not in new:
            new[key] = Provider(
                name=r.provider_name,
                name_key=key[0],
                type=r.provider_type,
                rpw_firm_type=r.rpw_firm_type,
            )
    if new:
        Provider.objects.bulk_create(new.values())
        existing = {(p.name_key, p.type): p for p in Provider.objects.all()}
    return existing


def _service_key(provider_id: int, corridor_id: int, r: QuoteRecord) -> tuple[Any, ...]:
    """The SERVICE_IDENTITY of `r`'s service."""
    return (
        provider_id,
        corridor_id,
        r.product,
        r.access_point,
        r.pickup_method,
        r.speed,
        r.coverage,
        r.variant,
    )


QUOTE_FIELDS = (
    "service",
    "period",
    "band_usd",
    "currency_sent",
    "amount_sent",
    "fee",
    "fx_rate_offered",
    "interbank_rate",
    "fx_margin_pct",
    "total_cost_pct",
    "transparent",
    "payout_currency",
    "surveyed_on",
    "source",
    "source_ref",
    "notes",
)


def _services_for(
    records: list[QuoteRecord],
    corridors: dict[tuple[str, str], Corridor],
    providers: dict[tuple[str, str], Provider],
) -> dict[tuple[Any, ...], int]:
    corridor_ids = {c.pk for c in corridors.values()}
    existing = {
        tuple(row[:-1]): row[-1]
        for row in Service.objects.filter(corridor_id__in=corridor_ids).values_list(
            *SERVICE_IDENTITY, "pk"
        )
    }
    new: dict[tuple[Any, ...], Service] = {}
    for r in records:
        provider = providers[(r.provider_name.casefold(), r.provider_type)]
        corridor = corridors[(r.sending, r.receiving)]
        key = _service_key(provider.pk, corridor.pk, r)
        if key in existing or key in new:
            continue
        new[key] = Service(
            provider_id=provider.pk,
            corridor_id=corridor.pk,
            product=r.product,
            payment_instrument=r.payment_instrument,
            access_point=r.access_point,
            pickup_method=r.pickup_method,
            speed=r.speed,
            coverage=r.coverage,
            variant=r.variant,
            smart_access=costs.smart_access(
                speed=r.speed, coverage=r.coverage, pickup_method=r.pickup_method, product=r.product
            ),
        )
    if new:
        Service.objects.bulk_create(new.values(), batch_size=BATCH)
        existing.update({key: service.pk for key, service in new.items()})
    return existing


@transaction.atomic
def quotes_import(
    *, actor: Any, records: list[QuoteRecord], source: str, file_name: str = ""
) -> dict[str, int]:
    """Store the quotes of `records` under `source`, replacing that source's quotes of the same
    periods, then recompute every indicator. All or nothing."""
    permissions.require_data_loader(actor)
    source = source.strip()
    if not source:
        raise ValidationFailed(
            _("Name the source of the quotes."),
            fields={"source": [_("required")]},
            code=Code.SOURCE_REQUIRED,
        )
    if not records:
        raise ValidationFailed(
            _("The file has no quotes."), fields={"file": [_("no quotes")]}, code=Code.NO_QUOTES
        )
    periods = sorted({r.period for r in records})
    replaced, _by_model = Quote.objects.filter(source=source, period__in=periods).delete()
    corridors = _corridors_for({(r.sending, r.receiving) for r in records})
    providers = _providers_for(records)
    services = _services_for(records, corridors, providers)
    quotes = []
    for r in records:
        provider = providers[(r.provider_name.casefold(), r.provider_type)]
        corridor = corridors[(r.sending, r.receiving)]
        quotes.append(
            (
                services[_service_key(provider.pk, corridor.pk, r)],
                r.period,
                r.band_usd,
                r.currency_sent,
                _q(r.amount_sent, 4),
                _q(r.fee, 8),
                _q(r.fx_rate_offered, 12),
                _q(r.interbank_rate, 12),
                _q(r.fx_margin_pct, 10),
                _q(r.total_cost_pct, 10),
                r.transparent,
                r.payout_currency,
                r.surveyed_on,
                source,
                r.source_ref,
                r.notes,
            )
        )
    _insert(Quote, QUOTE_FIELDS, quotes)
    Service.objects.filter(quotes__isnull=True).delete()
    record = QuoteImport.objects.create(
        source=source,
        periods=periods,
        quotes=len(quotes),
        file_name=file_name,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="remittances.quotes_import",
        target=record,
        source=source,
        periods=periods,
        quotes=len(quotes),
        replaced=replaced,
        file_name=file_name,
    )
    indicators = indicators_recompute(actor=actor)
    return {"quotes": len(quotes), "replaced": replaced, "periods": len(periods), **indicators}


def quotes_import_file(
    *,
    actor: Any,
    lines: Iterable[str],
    layout: str,
    source: str | None = None,
    file_name: str = "",
) -> dict[str, int]:
    """Read and import a file in the RPW (`rpw`) or national collector (`collector`) layout."""
    permissions.require_data_loader(actor)
    if layout not in LAYOUTS:
        raise ValidationFailed(
            _("Unknown layout %(layout)s: use rpw or collector.") % {"layout": layout},
            fields={"layout": [_("rpw or collector")]},
            code=Code.UNKNOWN_LAYOUT,
        )
    if layout == "collector" and not source:
        raise ValidationFailed(
            _("Name the data collector (the source of these quotes)."),
            fields={"source": [_("required")]},
            code=Code.SOURCE_REQUIRED,
        )
    records = LAYOUTS[layout](lines, reference())
    return quotes_import(
        actor=actor, records=records, source=source or rpw.RPW_SOURCE, file_name=file_name
    )


# --- Indicators --------------------------------------------------------------------------------


def flow_weights() -> dict[tuple[str, str], float]:
    """Bilateral remittance flows (USD millions) per corridor, from the latest table loaded."""
    latest = (
        RemittanceFlow.objects.filter(kind=RemittanceFlow.BILATERAL)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if latest is None:
        return {}
    return {
        (s, r): float(v)
        for s, r, v in RemittanceFlow.objects.filter(
            kind=RemittanceFlow.BILATERAL, year=latest
        ).values_list("sending__iso3", "receiving__iso3", "usd_millions")
    }


def quote_tables() -> dict[int, costs.QuoteTable]:
    """Every quote, as one `costs.QuoteTable` per amount band."""
    corridors = {
        pk: (s, r, region)
        for pk, s, r, region in Corridor.objects.values_list(
            "pk", "sending__iso3", "receiving__iso3", "wb_region"
        )
    }
    services = {
        pk: (corridors[corridor_id], smart, provider_type)
        for pk, corridor_id, smart, provider_type in Service.objects.values_list(
            "pk", "corridor_id", "smart_access", "provider__type"
        )
    }
    rows: dict[int, list[tuple[Any, ...]]] = {band: [] for band in costs.BANDS_USD}
    for band, period, service_id, cost, transparent in Quote.objects.values_list(
        "band_usd", "period", "service_id", "total_cost_pct", "transparent"
    ).iterator(chunk_size=5000):
        (sending, receiving, _region), smart, provider_type = services[service_id]
        rows.setdefault(band, []).append(
            (period, sending, receiving, cost, transparent, smart, provider_type)
        )
    regions = {r: region for _s, r, region in corridors.values() if region}
    return {band: costs.QuoteTable.build(band_rows, regions) for band, band_rows in rows.items()}


STAT_FIELDS = (
    "corridor",
    "period",
    "band_usd",
    "average_pct",
    "quotes",
    "cheapest_pct",
    "dearest_pct",
    "smart_pct",
    "smart_services",
    "above_5",
)
VALUE_FIELDS = (
    "period",
    "band_usd",
    "indicator",
    "group",
    "value",
    "count",
    "created_at",
    "updated_at",
)
GROUP_INDICATORS = {
    costs.REGION: IndicatorValue.REGION_AVERAGE,
    costs.PROVIDER_TYPE: IndicatorValue.PROVIDER_TYPE_AVERAGE,
    costs.SENDING_COUNTRY: IndicatorValue.SENDING_COUNTRY_AVERAGE,
    costs.RECEIVING_COUNTRY: IndicatorValue.RECEIVING_COUNTRY_AVERAGE,
}


@transaction.atomic
def indicators_recompute(*, actor: Any = None) -> dict[str, int]:
    """Recompute every indicator of every period and band from the quotes (`costs`)."""
    weights = flow_weights()
    corridor_ids = {
        (s, r): pk
        for pk, s, r in Corridor.objects.values_list("pk", "sending__iso3", "receiving__iso3")
    }
    now = timezone.now()
    stats: list[tuple[Any, ...]] = []
    values: list[tuple[Any, ...]] = []
    for band, table in quote_tables().items():
        result = costs.compute_indicators(table, weights)
        stats += [
            (
                corridor_ids[(c.sending, c.receiving)],
                c.period,
                band,
                c.average,
                c.quotes,
                c.cheapest,
                c.dearest,
                c.smart,
                c.smart_services,
                c.above_5,
            )
            for c in result.corridors
        ]
        for p in result.periods:
            values += [
                (p.period, band, indicator, "", value, count, now, now)
                for indicator, value, count in (
                    (IndicatorValue.GLOBAL_AVERAGE, p.global_average, p.quotes),
                    (
                        IndicatorValue.GLOBAL_WEIGHTED_AVERAGE,
                        p.weighted_average,
                        p.weighted_corridors,
                    ),
                    (IndicatorValue.GLOBAL_SMART, p.smart, p.smart_corridors),
                    (IndicatorValue.SHARE_UNDER_5, p.share_under_5_pct, p.corridors),
                    (IndicatorValue.CORRIDORS_ABOVE_5, Decimal(p.corridors_above_5), p.corridors),
                )
            ]
        values += [
            (g.period, band, GROUP_INDICATORS[g.kind], g.group, g.average, g.quotes, now, now)
            for g in result.groups
        ]
    CorridorStat.objects.all().delete()
    IndicatorValue.objects.all().delete()
    _insert(CorridorStat, STAT_FIELDS, stats)
    _insert(IndicatorValue, VALUE_FIELDS, values)
    _analyze(Quote, Service, Provider, Corridor, CorridorStat, IndicatorValue)
    page_cache.changed("remittances")
    return {"corridor_stats": len(stats), "indicator_values": len(values)}


# --- Published series and flows ---------------------------------------------------------------


@transaction.atomic
def published_series_load(*, actor: Any, lines: Iterable[str]) -> dict[str, int]:
    """Replace the World Bank's published corridor averages (DataBank ATCR.CORR)."""
    permissions.require_data_loader(actor)
    values, skipped = databank.read_databank_corridors(lines, reference())
    corridors = _corridors_for({(s, r) for s, r, _quarter, _value in values})
    PublishedCorridorCost.objects.all().delete()
    _insert(
        PublishedCorridorCost,
        ("corridor", "quarter", "average_pct", "series"),
        [
            (corridors[(s, r)].pk, quarter, _q(value, 13), databank.SERIES)
            for s, r, quarter, value in values
        ],
    )
    _analyze(PublishedCorridorCost)
    page_cache.changed("remittances")
    if skipped.rows:
        log.info("published series: skipped %s values of %s", skipped.rows, sorted(skipped.names))
    return {"published_values": len(values), "published_skipped": skipped.rows}


@transaction.atomic
def flows_load(
    *, actor: Any, inflows: Iterable[str], outflows: Iterable[str], bilateral: Iterable[str]
) -> dict[str, int]:
    """Replace the remittance flows: KNOMAD inflows and outflows, and the bilateral table."""
    permissions.require_data_loader(actor)
    ref = reference()
    ids = _country_ids()
    in_values, in_skipped = flows.read_country_flows(inflows, ref, "inflows_usd_millions")
    out_values, out_skipped = flows.read_country_flows(outflows, ref, "outflows_usd_millions")
    bi_values, bi_skipped = flows.read_bilateral_flows(bilateral, ref)
    RemittanceFlow.objects.all().delete()
    rows: list[tuple[Any, ...]] = [
        (RemittanceFlow.INFLOW, None, ids[iso3], year, _q(v, 6), SOURCE_KNOMAD)
        for iso3, year, v in in_values
    ]
    rows += [
        (RemittanceFlow.OUTFLOW, ids[iso3], None, year, _q(v, 6), SOURCE_KNOMAD)
        for iso3, year, v in out_values
    ]
    rows += [
        (RemittanceFlow.BILATERAL, ids[s], ids[r], BILATERAL_YEAR, _q(v, 6), SOURCE_BILATERAL)
        for s, r, v in bi_values
        if s != r
    ]
    _insert(
        RemittanceFlow, ("kind", "sending", "receiving", "year", "usd_millions", "source"), rows
    )
    _analyze(RemittanceFlow)
    page_cache.changed("remittances")
    return {
        "flows": len(rows),
        "flows_skipped": in_skipped.rows + out_skipped.rows + bi_skipped.rows,
    }


@transaction.atomic
def remittances_load_shipped(*, actor: Any = None) -> dict[str, int]:
    """Load everything shipped in data/remittances: flows, the published series, the RPW quotes
    (which recomputes the indicators). Idempotent."""
    counts: dict[str, int] = {}
    progress.note(_("remittances: loading the flows (KNOMAD, bilateral matrix)"))
    with (
        open_data_file(INFLOWS_FILE) as inflows,
        open_data_file(OUTFLOWS_FILE) as outflows,
        open_data_file(BILATERAL_FILE) as bilateral,
    ):
        counts.update(
            flows_load(actor=actor, inflows=inflows, outflows=outflows, bilateral=bilateral)
        )
    progress.note(_("remittances: loading the World Bank's published corridor series"))
    with open_data_file(DATABANK_FILE) as handle:
        counts.update(published_series_load(actor=actor, lines=handle))
    progress.note(_("remittances: loading the RPW quotes and computing every indicator"))
    with open_data_file(QUOTES_FILE) as handle:
        counts.update(
            quotes_import_file(actor=actor, lines=handle, layout="rpw", file_name=QUOTES_FILE)
        )
    return counts
