"""Remittance open data: the computed corridor averages, the indicators and the World Bank's
published corridor series, as CSV, JSON and HXL-tagged CSV.

One column list per dataset is the single source of the CSV header, the JSON keys and the HXL
hashtag row. HXL uses only the core HXL 1.1 hashtags and attributes of data/hxl/ (a column with
no fitting core hashtag has an empty cell in the hashtag row). Figures are percentages of the
amount sent, to 8 decimal places; quarters are written `2013Q1`; countries are ISO 3166 alpha-3.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from . import selectors

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
SOURCE = {
    "title": "World Bank, Remittance Prices Worldwide (remittanceprices.worldbank.org); "
    "indicators computed by MigrationHub",
    "path": "https://remittanceprices.worldbank.org",
}
FORMATS = ("csv", "json", "hxl")
SUFFIXES = {"csv": ".csv", "json": ".json", "hxl": ".hxl.csv"}


@dataclass(frozen=True)
class Column:
    name: str
    hxl: str = ""


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: Callable[[dict], list[dict]]

    def filename(self, fmt: str) -> str:
        return f"remittances-{self.name}{SUFFIXES[fmt]}"


def _corridor_rows(filters: dict) -> list[dict]:
    stats = list(selectors.corridor_stats(**filters))
    published = selectors.published_for(stats)
    return [
        {
            "sending": s.corridor.sending.iso3,
            "receiving": s.corridor.receiving.iso3,
            "quarter": s.period,
            "band_usd": s.band_usd,
            "avg_total_cost_pct": s.average_pct,
            "quotes": s.quotes,
            "smart_pct": s.smart_pct,
            "smart_services": s.smart_services,
            "cheapest_pct": s.cheapest_pct,
            "dearest_pct": s.dearest_pct,
            "above_5pct": s.above_5,
            "published_avg_total_cost_pct": published.get((s.corridor_id, s.period)),
        }
        for s in stats
    ]


def _indicator_rows(filters: dict) -> list[dict]:
    return [
        {
            "quarter": v.period,
            "band_usd": v.band_usd,
            "indicator": v.indicator,
            "group": v.group,
            "value": v.value,
            "count": v.count,
        }
        for v in selectors.indicator_values(**filters)
    ]


def _published_rows(filters: dict) -> list[dict]:
    return [
        {
            "sending": p.corridor.sending.iso3,
            "receiving": p.corridor.receiving.iso3,
            "quarter": p.quarter,
            "avg_total_cost_pct": p.average_pct,
            "series": p.series,
        }
        for p in selectors.published_series(**filters)
    ]


DATASETS = {
    "corridors": Dataset(
        name="corridors",
        title="Average total cost per corridor and quarter, computed from the RPW quotes",
        columns=(
            Column("sending", "#country+code+origin"),
            Column("receiving", "#country+code+dest"),
            Column("quarter", "#date"),
            Column("band_usd"),
            Column("avg_total_cost_pct", "#indicator+num"),
            Column("quotes"),
            Column("smart_pct"),
            Column("smart_services"),
            Column("cheapest_pct"),
            Column("dearest_pct"),
            Column("above_5pct"),
            Column("published_avg_total_cost_pct"),
        ),
        rows=_corridor_rows,
    ),
    "indicators": Dataset(
        name="indicators",
        title="Global, regional, provider-type and country indicators per quarter",
        columns=(
            Column("quarter", "#date"),
            Column("band_usd"),
            Column("indicator", "#indicator+code"),
            Column("group", "#group"),
            Column("value", "#indicator+num"),
            Column("count"),
        ),
        rows=_indicator_rows,
    ),
    "published": Dataset(
        name="published",
        title="The World Bank's published corridor averages (DataBank ATCR.CORR)",
        columns=(
            Column("sending", "#country+code+origin"),
            Column("receiving", "#country+code+dest"),
            Column("quarter", "#date"),
            Column("avg_total_cost_pct", "#indicator+num"),
            Column("series", "#indicator+code"),
        ),
        rows=_published_rows,
    ),
}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def export_text(name: str, fmt: str, filters: dict | None = None) -> str:
    """`name` (corridors, indicators, published) in `fmt` (csv, json, hxl)."""
    dataset = DATASETS[name]
    rows = dataset.rows(filters or {})
    if fmt == "json":
        return json.dumps(
            {
                "name": f"remittances-{dataset.name}",
                "title": dataset.title,
                "source": SOURCE,
                "licence": LICENCE,
                "generated_at": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
                "count": len(rows),
                "items": [{k: _json_value(v) for k, v in row.items()} for row in rows],
            },
            ensure_ascii=False,
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.name for c in dataset.columns])
    if fmt == "hxl":
        writer.writerow([c.hxl for c in dataset.columns])
    for row in rows:
        writer.writerow([_cell(row[c.name]) for c in dataset.columns])
    return buffer.getvalue()
