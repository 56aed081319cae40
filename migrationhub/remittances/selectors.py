"""Remittance reads: corridors and their indicators, the monitoring series, and the sender's
comparison ("I send X from A to B: what arrives with each provider, and what is lost").

Every function here reads; none writes. Each fetches what its page or endpoint shows in a fixed
number of queries, whatever the number of rows. The comparison's ranking is the pure module
`comparison`; `comparison()` here reads the quotes it ranks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from migrationhub.core import page_cache
from migrationhub.taxonomy.selectors import country_labels

from . import comparison as ranking
from . import costs
from .errors import CorridorNotFound
from .models import (
    Corridor,
    CorridorStat,
    IndicatorValue,
    Provider,
    PublishedCorridorCost,
    Quote,
    RemittanceFlow,
    Service,
)

HEADLINE_BAND = ranking.HEADLINE_BAND
GLOBAL_INDICATORS = (
    IndicatorValue.GLOBAL_AVERAGE,
    IndicatorValue.GLOBAL_WEIGHTED_AVERAGE,
    IndicatorValue.GLOBAL_SMART,
    IndicatorValue.SHARE_UNDER_5,
    IndicatorValue.CORRIDORS_ABOVE_5,
)
PROVIDER_TYPE_LABELS = dict(Provider.TYPES)
SPEED_LABELS = dict(Service.SPEEDS)
INSTRUMENT_LABELS = dict(Service.INSTRUMENTS)
RPW_SOURCE = "rpw"  # the source of the World Bank's quotes (importers.rpw.RPW_SOURCE)
# What every page of the data reads (the periods, the corridors with prices, the global
# indicators) changes only with a load, which announces it (`page_cache.changed`): each process
# keeps it while the generations of these domains stand (`page_cache.memo`).
DOMAINS = ("remittances", "taxonomy")


# --- Corridors and periods ---------------------------------------------------------------------


def periods(band: int = HEADLINE_BAND) -> list[str]:
    """The periods that have indicators, oldest first (kept by the process: not to be changed)."""
    return page_cache.memo(
        ("remittances:periods", band),
        DOMAINS,
        lambda: sorted(
            set(
                IndicatorValue.objects.filter(
                    band_usd=band, indicator=IndicatorValue.GLOBAL_AVERAGE
                )
                .order_by("period")
                .values_list("period", flat=True)
                .distinct()
            )
        ),
    )


# --- Where the prices come from, and how old they are ------------------------------------------


@dataclass(frozen=True)
class Survey:
    """The survey the prices shown come from: its period, its sources and its age."""

    period: str  # e.g. 2014Q2
    sources: list[str]  # as the quotes record them: `rpw`, or a data collector's name
    latest: str  # the newest period there are prices for (of the corridor, when one is shown)
    stale: bool  # `period` ended more than a year ago (comparison.survey_is_stale)
    latest_stale: bool  # so did `latest`: newer prices must be imported

    @property
    def label(self) -> str:
        return ranking.period_label(self.period)

    @property
    def latest_label(self) -> str:
        return ranking.period_label(self.latest)

    @property
    def source_names(self) -> list[str]:
        """The sources in the reader's words."""
        return [
            _("the World Bank (Remittance Prices Worldwide)") if s == RPW_SOURCE else s
            for s in self.sources
        ]

    @property
    def sources_text(self) -> str:
        return ", ".join(self.source_names)


def survey(period: str, sources: Iterable[str], latest: str | None = None) -> Survey:
    """The `Survey` of prices of `period` from `sources`, judged on today's date."""
    today = timezone.localdate()
    latest = latest or period
    return Survey(
        period=period,
        sources=sorted(set(sources), key=lambda s: (s != RPW_SOURCE, s.casefold())),
        latest=latest,
        stale=ranking.survey_is_stale(period, today),
        latest_stale=ranking.survey_is_stale(latest, today),
    )


def period_survey(period: str, latest: str, band: int = HEADLINE_BAND) -> Survey | None:
    """The survey of `period` over every corridor, `latest` being the newest period loaded
    (None without a period): one query."""
    if not period:
        return None
    sources = page_cache.memo(
        ("remittances:sources", period, band),
        DOMAINS,
        lambda: list(
            Quote.objects.filter(period=period, band_usd=band)
            .order_by("source")
            .values_list("source", flat=True)
            .distinct()
        ),
    )
    return survey(period, sources, latest)


def corridor_get(sending: str, receiving: str) -> Corridor:
    corridor = (
        Corridor.objects.select_related("sending", "receiving")
        .filter(sending__iso3=(sending or "").upper(), receiving__iso3=(receiving or "").upper())
        .order_by()  # one corridor at most: not ordered by its countries' codes (two joins)
        .first()
    )
    if corridor is None:
        raise _no_prices(sending, receiving)
    return corridor


def _no_prices(sending: str, receiving: str) -> CorridorNotFound:
    return CorridorNotFound(
        _("No remittance prices are known from %(sending)s to %(receiving)s.")
        % {"sending": sending, "receiving": receiving}
    )


NAMED = ("iso3", "title", "names")  # what a country's label (`Labelled.label`) and code read


def corridor_stats(
    *,
    sending: str | None = None,
    receiving: str | None = None,
    period: str | None = None,
    band: int = HEADLINE_BAND,
    above_5: bool | None = None,
    named_only: bool = False,
) -> QuerySet[CorridorStat]:
    """Computed corridor indicators, filtered; the corridor and its countries come along
    (`named_only`: of the countries, only what names them and makes the corridor's code, for
    the pages' lists of corridors)."""
    stats = CorridorStat.objects.filter(band_usd=band).select_related(
        "corridor__sending", "corridor__receiving"
    )
    if named_only:
        stats = stats.only(
            *(f.name for f in CorridorStat._meta.concrete_fields),
            *(f"corridor__{end}__{name}" for end in ("sending", "receiving") for name in NAMED),
        )
    if sending:
        stats = stats.filter(corridor__sending__iso3=sending.upper())
    if receiving:
        stats = stats.filter(corridor__receiving__iso3=receiving.upper())
    if period:
        stats = stats.filter(period=period.upper())
    if above_5 is not None:
        stats = stats.filter(above_5=above_5)
    return stats.order_by("period", "corridor__sending__iso3", "corridor__receiving__iso3")


def published_for(stats: Iterable[CorridorStat]) -> dict[tuple[int, str], Decimal]:
    """The World Bank's published averages for these corridor stats, in one query, as stored
    (an annotation's subquery would come back quantised on SQLite: `3.80461549758910` for the
    published `3.8046154975891`)."""
    stats = list(stats)
    if not stats:
        return {}
    rows = PublishedCorridorCost.objects.filter(
        corridor_id__in={s.corridor_id for s in stats}, quarter__in={s.period for s in stats}
    ).values_list("corridor_id", "quarter", "average_pct")
    return {(corridor_id, quarter): value for corridor_id, quarter, value in rows}


def published_series(
    *, sending: str | None = None, receiving: str | None = None, quarter: str | None = None
) -> QuerySet[PublishedCorridorCost]:
    rows = PublishedCorridorCost.objects.select_related("corridor__sending", "corridor__receiving")
    if sending:
        rows = rows.filter(corridor__sending__iso3=sending.upper())
    if receiving:
        rows = rows.filter(corridor__receiving__iso3=receiving.upper())
    if quarter:
        rows = rows.filter(quarter=quarter.upper())
    return rows.order_by("corridor__sending__iso3", "corridor__receiving__iso3", "quarter")


def indicator_values(
    *,
    period: str | None = None,
    indicator: str | None = None,
    group: str | None = None,
    band: int = HEADLINE_BAND,
) -> QuerySet[IndicatorValue]:
    values = IndicatorValue.objects.filter(band_usd=band)
    if period:
        values = values.filter(period=period.upper())
    if indicator:
        values = values.filter(indicator=indicator)
    if group is not None:
        values = values.filter(group=group)
    return values.order_by("period", "indicator", "group")


@dataclass
class PeriodSummary:
    """The global indicators of one period, and where SDG 10.c stands."""

    period: str
    global_average: Decimal | None = None
    quotes: int = 0
    weighted_average: Decimal | None = None
    weighted_corridors: int = 0
    smart: Decimal | None = None
    smart_corridors: int = 0
    share_under_5: Decimal | None = None
    corridors: int = 0
    corridors_above_5: int = 0

    @property
    def sdg_global_below_3(self) -> bool:
        return self.global_average is not None and self.global_average < costs.SDG_GLOBAL_TARGET_PCT

    @property
    def sdg_no_corridor_above_5(self) -> bool:
        return self.corridors > 0 and self.corridors_above_5 == 0


def period_summaries(band: int = HEADLINE_BAND) -> list[PeriodSummary]:
    """One summary per period, oldest first (kept by the process: not to be changed)."""
    return page_cache.memo(
        ("remittances:summaries", band), DOMAINS, lambda: _period_summaries(band)
    )


def _period_summaries(band: int) -> list[PeriodSummary]:
    summaries: dict[str, PeriodSummary] = {}
    rows = IndicatorValue.objects.filter(band_usd=band, indicator__in=GLOBAL_INDICATORS)
    for period, indicator, value, count in rows.order_by().values_list(
        "period", "indicator", "value", "count"
    ):
        s = summaries.setdefault(period, PeriodSummary(period=period))
        if indicator == IndicatorValue.GLOBAL_AVERAGE:
            s.global_average, s.quotes = value, count
        elif indicator == IndicatorValue.GLOBAL_WEIGHTED_AVERAGE:
            s.weighted_average, s.weighted_corridors = value, count
        elif indicator == IndicatorValue.GLOBAL_SMART:
            s.smart, s.smart_corridors = value, count
        elif indicator == IndicatorValue.SHARE_UNDER_5:
            s.share_under_5, s.corridors = value, count
        else:
            s.corridors_above_5 = int(value or 0)
    return [summaries[p] for p in sorted(summaries)]


@dataclass
class GroupRow:
    group: str
    label: str
    average: Decimal
    quotes: int


@dataclass(frozen=True)
class CorridorName:
    """A corridor as the monitor's rankings name it: its countries' codes and names."""

    sending: str  # ISO 3166-1 alpha-3
    receiving: str
    sending_label: str  # in the active language
    receiving_label: str

    @property
    def code(self) -> str:
        return f"{self.sending}-{self.receiving}"


@dataclass(frozen=True)
class RankedCorridor:
    """A corridor's average in one period, in the monitor's rankings."""

    corridor: CorridorName
    average_pct: Decimal


@dataclass
class Monitor:
    """What the monitoring page shows for one period, with the series behind its charts."""

    period: str
    periods: list[str]
    summary: PeriodSummary | None
    summaries: list[PeriodSummary]
    regions: dict[str, dict[str, Decimal | None]]  # region -> period -> average
    provider_types: list[GroupRow]
    cheapest: list[RankedCorridor]  # the cheapest corridors whose figures are real
    dearest: list[RankedCorridor]
    below_zero: list[RankedCorridor] = field(default_factory=list)  # set apart from `cheapest`
    survey: Survey | None = None


def corridors_below_zero(
    period: str, averages: dict[int, Decimal], band: int = HEADLINE_BAND
) -> set[int]:
    """The corridors of `averages` (corridor id -> average in `period`) whose average is below
    zero and not explained by the notes of their quotes below zero
    (`comparison.corridor_below_zero_explained`): one query, none when no average is below
    zero."""
    notes: dict[int, list[list[str]]] = {c: [] for c, average in averages.items() if average < 0}
    if not notes:
        return set()
    for corridor_id, text in (
        Quote.objects.filter(
            period=period,
            band_usd=band,
            transparent=True,
            total_cost_pct__lt=0,
            service__corridor_id__in=notes,
        )
        .order_by()
        .values_list("service__corridor_id", "notes")
    ):
        notes[corridor_id].append(text.splitlines())
    return {c for c, texts in notes.items() if not ranking.corridor_below_zero_explained(texts)}


def monitor(period: str | None = None, band: int = HEADLINE_BAND, rows: int = 10) -> Monitor:
    """The monitor of `period` (default: the latest). The cheapest corridors leave out those
    whose average is below zero without a reason the data give (`corridors_below_zero`).
    Four queries: the regional and provider-type averages, the period's corridors (four
    columns, named from the cached vocabulary), the notes of quotes below zero."""
    summaries = period_summaries(band)
    known = [s.period for s in summaries]
    period = period if period in known else (known[-1] if known else "")
    regions: dict[str, dict[str, Decimal | None]] = {}
    types: list[GroupRow] = []
    # the columns shown, not the rows: no model instance per value; in (period, indicator,
    # group) order, so that types of equal average stay in the order of their codes
    for indicator, group, row_period, value, count in (
        IndicatorValue.objects.filter(band_usd=band)
        .filter(
            Q(indicator=IndicatorValue.REGION_AVERAGE)
            | Q(indicator=IndicatorValue.PROVIDER_TYPE_AVERAGE, period=period)
        )
        .order_by("period", "indicator", "group")
        .values_list("indicator", "group", "period", "value", "count")
    ):
        if indicator == IndicatorValue.REGION_AVERAGE:
            regions.setdefault(group, {})[row_period] = value
        elif value is not None:
            label = str(PROVIDER_TYPE_LABELS.get(group, group))
            types.append(GroupRow(group=group, label=label, average=value, quotes=count))
    types.sort(key=lambda row: row.average)
    # (corridor id, average, sending ISO3, receiving ISO3), in the corridors' order
    stats = (
        sorted(
            CorridorStat.objects.filter(period=period, band_usd=band)
            .order_by()
            .values_list(
                "corridor_id",
                "average_pct",
                "corridor__sending__iso3",
                "corridor__receiving__iso3",
            ),
            key=lambda row: (row[2], row[3]),
        )
        if period
        else []
    )
    left_out = corridors_below_zero(period, {row[0]: row[1] for row in stats}, band)
    # stable sorts: corridors of equal average stay in the corridors' order, on every database
    by_average = sorted(stats, key=lambda row: row[1])
    labels = country_labels() if stats else {}

    def ranked(chosen: Iterable[tuple[int, Decimal, str, str]]) -> list[RankedCorridor]:
        return [
            RankedCorridor(
                corridor=CorridorName(
                    sending,
                    receiving,
                    labels.get(sending, sending),
                    labels.get(receiving, receiving),
                ),
                average_pct=average,
            )
            for _corridor_id, average, sending, receiving in chosen
        ]

    return Monitor(
        period=period,
        periods=known,
        summary=next((s for s in summaries if s.period == period), None),
        summaries=summaries,
        regions=dict(sorted(regions.items())),
        provider_types=types,
        cheapest=ranked([row for row in by_average if row[0] not in left_out][:rows]),
        dearest=ranked(sorted(stats, key=lambda row: row[1], reverse=True)[:rows]),
        below_zero=ranked(row for row in stats if row[0] in left_out),
        survey=period_survey(period, known[-1], band) if period else None,
    )


@dataclass
class HistoryRow:
    quarter: str
    average: Decimal | None = None
    quotes: int = 0
    smart: Decimal | None = None
    published: Decimal | None = None


def corridor_history(corridor: Corridor, band: int = HEADLINE_BAND) -> list[HistoryRow]:
    """Every quarter of the corridor: MigrationHub's figures and the World Bank's published ones."""
    rows: dict[str, HistoryRow] = {}
    for stat in CorridorStat.objects.filter(corridor=corridor, band_usd=band):
        rows[stat.period] = HistoryRow(
            quarter=stat.period, average=stat.average_pct, quotes=stat.quotes, smart=stat.smart_pct
        )
    for quarter, value in PublishedCorridorCost.objects.filter(corridor=corridor).values_list(
        "quarter", "average_pct"
    ):
        rows.setdefault(quarter, HistoryRow(quarter=quarter)).published = value
    return [rows[q] for q in sorted(rows)]


def corridor_choices() -> dict[str, list[tuple[str, str]]]:
    """Sending and receiving countries that have prices, as (ISO3, name), for the forms (kept
    by the process per language: not to be changed)."""
    return page_cache.memo(
        ("remittances:corridor-choices", get_language() or "en"), DOMAINS, _corridor_choices
    )


def _corridor_choices() -> dict[str, list[tuple[str, str]]]:
    pairs = list(
        Corridor.objects.filter(pk__in=CorridorStat.objects.values("corridor_id")).values_list(
            "sending__iso3", "receiving__iso3"
        )
    )
    labels = country_labels()  # names from the cached vocabulary, not from every country's row
    sending = {s for s, _r in pairs}
    receiving = {r for _s, r in pairs}

    def named(codes: set[str]) -> list[tuple[str, str]]:
        return sorted(((c, labels.get(c, c)) for c in codes), key=lambda item: item[1])

    return {"sending": named(sending), "receiving": named(receiving)}


def corridors_from(sending: str) -> list[Corridor]:
    """The corridors with prices from one sending country."""
    return list(
        Corridor.objects.filter(sending__iso3=(sending or "").upper(), stats__isnull=False)
        .select_related("sending", "receiving")
        .distinct()
        .order_by("receiving__title")
    )


def popular_corridors(limit: int = 8) -> list[Corridor]:
    """The corridors of the latest quarter that carry the most remittances (bilateral flows),
    with their countries (kept by the process: not to be changed)."""
    return page_cache.memo(
        ("remittances:popular", limit), DOMAINS, lambda: _popular_corridors(limit)
    )


def _popular_corridors(limit: int) -> list[Corridor]:
    known = periods()
    if not known:
        return []
    # Ranked by the database; only the `limit` chosen corridors are loaded with their countries.
    flow = (
        RemittanceFlow.objects.filter(
            kind=RemittanceFlow.BILATERAL,
            sending_id=OuterRef("corridor__sending_id"),
            receiving_id=OuterRef("corridor__receiving_id"),
        )
        .order_by("-year")  # the latest estimate of the pair
        .values("usd_millions")[:1]
    )
    ids = list(
        CorridorStat.objects.filter(period=known[-1], band_usd=HEADLINE_BAND)
        .annotate(flow=Subquery(flow))
        .order_by(
            F("flow").desc(nulls_last=True), "corridor__sending__iso3", "corridor__receiving__iso3"
        )
        .values_list("corridor_id", flat=True)[:limit]
    )
    chosen = Corridor.objects.filter(pk__in=ids).select_related("sending", "receiving").in_bulk()
    return [chosen[pk] for pk in ids]


def quotes(
    *,
    sending: str | None = None,
    receiving: str | None = None,
    period: str | None = None,
    band: int | None = None,
) -> QuerySet[Quote]:
    rows = Quote.objects.select_related(
        "service__provider", "service__corridor__sending", "service__corridor__receiving"
    )
    if sending:
        rows = rows.filter(service__corridor__sending__iso3=sending.upper())
    if receiving:
        rows = rows.filter(service__corridor__receiving__iso3=receiving.upper())
    if period:
        rows = rows.filter(period=period.upper())
    if band:
        rows = rows.filter(band_usd=band)
    return rows.order_by("period", "service__corridor_id", "band_usd", "total_cost_pct", "pk")


# --- The sender's comparison -------------------------------------------------------------------


@dataclass(kw_only=True)
class Comparison(ranking.Ranking):
    """The ranking of one corridor and period, with where it comes from."""

    corridor: Corridor
    period: str
    periods: list[str]  # every period with quotes, newest first
    survey: Survey  # where the prices of `period` come from, and how old they are
    stat: CorridorStat | None = None  # the corridor's indicators in `period`, of `band_usd`
    surveyed_on: dt.date | None = None  # the latest survey date of the period's quotes


def comparison(
    sending: str, receiving: str, amount: Decimal | None = None, period: str | None = None
) -> Comparison:
    """Every provider in the corridor, ranked by what arrives for `amount` (fee included), in
    `period` (default: the latest); the method is `comparison`'s."""
    corridor = corridor_get(sending, receiving)
    # one period per quarter: Quote's default ordering would make DISTINCT select its
    # total_cost_pct too, and repeat a period for every distinct cost
    known = sorted(
        set(
            Quote.objects.filter(service__corridor=corridor)
            .order_by("period")
            .values_list("period", flat=True)
            .distinct()
        ),
        reverse=True,
    )
    if not known:
        raise _no_prices(sending, receiving)
    period = period.upper() if period and period.upper() in known else known[0]
    # the columns ranked, as tuples: no model instance per quote, service and provider
    rows = list(Quote.objects.filter(service__corridor=corridor, period=period).values(*_QUOTED))
    # each label translated once per comparison, not once per quote
    types = {
        code: str(PROVIDER_TYPE_LABELS.get(code, code))
        for code in {row["service__provider__type"] for row in rows}
    }
    instruments = {
        code: str(INSTRUMENT_LABELS.get(code, ""))
        for code in {row["service__payment_instrument"] for row in rows}
    }
    speeds = {
        code: str(SPEED_LABELS.get(code, "")) for code in {row["service__speed"] for row in rows}
    }
    result = ranking.rank([_surveyed(row, types, instruments, speeds) for row in rows], amount)
    for offer in [*result.offers, *result.not_ranked]:
        offer.reason = not_ranked_reason(offer.why_not_ranked)
        offer.condition_labels = [condition_label(c) for c in offer.conditions]
    return Comparison(
        **vars(result),
        corridor=corridor,
        period=period,
        periods=known,
        survey=survey(period, (row["source"] for row in rows), known[0]),
        # one row by the unique constraint: no ordering (the default one joins the countries)
        stat=CorridorStat.objects.filter(corridor=corridor, period=period, band_usd=result.band_usd)
        .order_by()
        .first(),
        surveyed_on=max((row["surveyed_on"] for row in rows if row["surveyed_on"]), default=None),
    )


def not_ranked_reason(reason: ranking.Reason | None) -> str:
    """Why an offer is not ranked, in the reader's language."""
    if reason == ranking.Reason.RATE_NOT_DISCLOSED:
        return _("Exchange rate not disclosed: what arrives is unknown.")
    if reason == ranking.Reason.PRICE_INCOMPLETE:
        return _("The survey did not record this provider's full price.")
    if reason == ranking.Reason.FEE_EXCEEDS_AMOUNT:
        return _("The fee is more than the amount.")
    return ""


def condition_label(condition: ranking.Condition) -> str:
    """A condition on an offer, in the reader's language."""
    labels = {
        ranking.Condition.MEMBERS_ONLY: _("Members only"),
        ranking.Condition.ACCOUNT_REQUIRED: _("Account needed"),
        ranking.Condition.PROMOTION: _("Promotion or first transfer"),
        ranking.Condition.OTHER: _("Other condition"),
    }
    return labels[condition]


# What a comparison reads of a quote, its service and provider (`_surveyed`, `comparison`).
_QUOTED = (
    "service_id",
    "service__provider__name",
    "service__provider__type",
    "service__product",
    "service__payment_instrument",
    "service__access_point",
    "service__pickup_method",
    "service__speed",
    "service__coverage",
    "service__smart_access",
    "band_usd",
    "currency_sent",
    "amount_sent",
    "fee",
    "fx_rate_offered",
    "interbank_rate",
    "total_cost_pct",
    "transparent",
    "payout_currency",
    "notes",
    "source",
    "surveyed_on",
)


def _surveyed(
    row: dict[str, Any], types: dict[str, str], instruments: dict[str, str], speeds: dict[str, str]
) -> ranking.SurveyedQuote:
    """A row of `_QUOTED` as the ranking reads it, its codes labelled from the translated
    `types`, `instruments` and `speeds`."""
    return ranking.SurveyedQuote(
        service=ranking.ServiceInfo(
            service_id=row["service_id"],
            provider=row["service__provider__name"],
            provider_type=types[row["service__provider__type"]],
            product=row["service__product"],
            payment_instrument=instruments[row["service__payment_instrument"]],
            access_point=row["service__access_point"],
            pickup_method=row["service__pickup_method"],
            speed=row["service__speed"],
            speed_label=speeds[row["service__speed"]],
            coverage=row["service__coverage"],
            smart_access=row["service__smart_access"],
        ),
        band_usd=row["band_usd"],
        currency_sent=row["currency_sent"],
        amount_sent=row["amount_sent"],
        fee=row["fee"],
        fx_rate_offered=row["fx_rate_offered"],
        interbank_rate=row["interbank_rate"],
        total_cost_pct=row["total_cost_pct"],
        transparent=row["transparent"],
        payout_currency=row["payout_currency"],
        notes=tuple(note for note in row["notes"].splitlines() if note.strip()),
    )
