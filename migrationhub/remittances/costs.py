"""What a remittance costs, and the World Bank's indicators of it, computed exactly.

This module is the algorithm the `remittances` app is named for. It has no Django imports: the
importers, services, pages, API and benchmark all call it, and its tests need no database.

Definitions follow the World Bank's *Remittance Prices Worldwide* (RPW):

- RPW methodology, https://remittanceprices.worldbank.org/methodology (total cost, exchange-rate
  margin, the USD 200 and USD 500 amounts, transparency);
- RPW quarterly reports, *An analysis of trends in cost of remittance services* (e.g. Issue 10,
  June 2014; Issue 19, September 2016): global average, global weighted average, regional and
  provider-type averages, share of corridors below 5 percent;
- World Bank Payment Systems Development Group, *Getting SmaRT about remittance price monitoring*,
  June 2016: the Smart Remitter Target (SmaRT);
- World Development Indicators SI.RMT.COST.OB.ZS / SI.RMT.COST.IB.ZS ("RSPs are excluded when they
  do not disclose the exchange rate applied to the transaction");
- SDG target 10.c: a global average below 3 percent and no corridor above 5 percent by 2030.

Money is `Decimal` everywhere. The indicators over a whole dataset are computed in numpy on
integers (costs scaled by 10**SCALE), so that sums and means are *exact*: a mean is an exact
integer sum divided by a count, turned into a Decimal only at the end. The one exception is the
weighted average, whose weights (remittance flows in USD millions) are estimates stored as
decimals; it is computed in float64 (relative error below 1e-12, far below the 4th decimal).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np

HUNDRED = Decimal(100)
SDG_GLOBAL_TARGET_PCT = Decimal(3)  # SDG 10.c: global average below 3 percent
SDG_CORRIDOR_CEILING_PCT = Decimal(5)  # SDG 10.c: no corridor above 5 percent
SMART_SERVICES = 3  # SmaRT averages the three cheapest qualifying services
BANDS_USD = (200, 500)  # RPW surveys the equivalent of USD 200 and USD 500

# Costs are fixed-point integers of this many decimal places in the vectorised code. The
# database keeps 10 decimal places, enough for every value of the RPW file (at most 9).
SCALE = 10
_SCALE_FACTOR = 10**SCALE
_QUANTUM = Decimal(1).scaleb(-SCALE)
OUTPUT_PLACES = Decimal("1e-8")  # indicators are reported to 8 decimal places

# Speed bands, as RPW records them ("speed actual"), fastest first.
SPEED_BANDS = (
    ("lt_1h", "Less than one hour"),
    ("same_day", "Same day"),
    ("next_day", "Next day"),
    ("2_days", "2 days"),
    ("3_5_days", "3-5 days"),
    ("6_days_plus", "6 days or more"),
)
SPEED_RANK = {code: rank for rank, (code, _) in enumerate(SPEED_BANDS)}
# SmaRT counts services that deliver within five (business) days: up to "3-5 days".
SMART_MAX_SPEED_RANK = SPEED_RANK["3_5_days"]
NATIONWIDE = "nationwide"


# --- 1. One quote ------------------------------------------------------------------------------


def fx_margin_pct(offered_rate: Decimal, interbank_rate: Decimal) -> Decimal:
    """Exchange-rate margin, in percent: how much worse the provider's rate is than the interbank.

    RPW: margin = (interbank rate − rate offered) / interbank rate × 100, both rates in units of the
    paid-out currency per unit of the sent currency. Negative when the offer beats the interbank
    rate (a promotion, or a parallel market).
    """
    if interbank_rate <= 0:
        raise ValueError("the interbank rate must be positive")
    return (interbank_rate - offered_rate) / interbank_rate * HUNDRED


def rpw_total_cost_pct(
    *, amount: Decimal, fee: Decimal, offered_rate: Decimal, interbank_rate: Decimal
) -> Decimal:
    """Total cost as RPW defines it: fee as a share of the amount sent, plus the FX margin.

    RPW counts the fee on top of the amount sent: total cost % = fee / amount × 100 + margin %.
    """
    if amount <= 0:
        raise ValueError("the amount sent must be positive")
    return fee / amount * HUNDRED + fx_margin_pct(offered_rate, interbank_rate)


@dataclass(frozen=True)
class SenderOutcome:
    """What happens to an amount a sender hands over, the fee included.

    `received` is in the paid-out currency; every other amount is in the sent currency.
    Invariant: received_value + total_cost == amount_paid (to Decimal's 28 significant digits).
    """

    amount_paid: Decimal
    fee: Decimal
    converted: Decimal  # what is left after the fee, converted at the provider's rate
    fx_margin_pct: Decimal
    margin_cost: Decimal  # value lost in the conversion, in the sent currency
    total_cost: Decimal  # fee + margin_cost
    total_cost_pct: Decimal  # total_cost as a share of the amount paid
    received: Decimal  # paid out, in the paid-out currency
    received_value: Decimal  # what arrives, valued at the interbank rate, in the sent currency


def sender_outcome(
    *, amount: Decimal, fee: Decimal, offered_rate: Decimal, interbank_rate: Decimal
) -> SenderOutcome:
    """What arrives and what is lost when a sender pays `amount` in total, the fee included.

    A sender with a fixed budget sees the fee taken out of it: the rest is converted at the
    provider's rate. Ranking providers by `received_value` is then the same as ranking them by
    `total_cost`. (RPW counts the fee on top, see `rpw_total_cost_pct`; for the same quote the
    sender's share lost here is lower by fee × margin / amount.)
    """
    if amount <= 0:
        raise ValueError("the amount must be positive")
    if fee < 0:
        raise ValueError("a fee cannot be negative")
    if fee >= amount:
        raise ValueError("the fee takes the whole amount")
    margin = fx_margin_pct(offered_rate, interbank_rate)
    converted = amount - fee
    margin_cost = converted * margin / HUNDRED
    total_cost = fee + margin_cost
    return SenderOutcome(
        amount_paid=amount,
        fee=fee,
        converted=converted,
        fx_margin_pct=margin,
        margin_cost=margin_cost,
        total_cost=total_cost,
        total_cost_pct=total_cost / amount * HUNDRED,
        received=converted * offered_rate,
        received_value=amount - total_cost,
    )


# --- 2. Which quotes count ---------------------------------------------------------------------


def counts_in_averages(*, transparent: bool) -> bool:
    """Whether a quote enters the RPW averages: only if the provider disclosed its exchange rate.

    RPW records non-transparent providers with the fee only (a 0% margin that "does NOT
    necessarily mean that there is no exchange rate cost") and leaves them out of every average
    (WDI SI.RMT.COST.OB.ZS, limitations). This rule, and nothing else, reproduces every published
    corridor average of 2011Q1–2014Q2 from the quote-level file (2,167 of 2,167 corridor-quarters
    within 0.0001 pp; the largest difference, 1.5e-6, is the float32 storage of the DataBank).
    """
    return transparent


def smart_access(*, speed: str, coverage: str, pickup_method: str, product: str) -> bool:
    """Whether a service meets SmaRT's speed and access criteria, as far as the data can tell.

    SmaRT (World Bank, June 2016) averages the three cheapest services that a sender can actually
    use: transparent, delivered within five days, and accessible on both sides. RPW judges access
    with information the quote file does not carry (the size of the pay-out network, who may open
    the account a product needs). Approximated here from the fields the data carry:

    - speed: a known band up to "3-5 days" ("6 days or more" and unknown speeds fail);
    - coverage: "Nationwide" in the receiving country (services limited to the main city, major
      cities, urban or rural areas fail);
    - pick-up: not restricted to an account at the sending bank itself or its partner bank
      ("Own/partner bank account", products "(same bank)").

    Transparency is checked per quote by `counts_in_averages`.
    """
    if speed not in SPEED_RANK or SPEED_RANK[speed] > SMART_MAX_SPEED_RANK:
        return False
    if coverage.strip().lower() != NATIONWIDE:
        return False
    restricted = ("own/partner", "same bank")
    text = f"{pickup_method} {product}".lower()
    return not any(word in text for word in restricted)


# --- 3. The indicators, one formula at a time (Decimal; the reference for section 4) ------------


def quantize(value: Decimal) -> Decimal:
    return value.quantize(OUTPUT_PLACES, rounding=ROUND_HALF_EVEN)


def simple_average(costs: Iterable[Decimal]) -> Decimal | None:
    """Simple (unweighted) average: every service counts once.

    RPW's corridor average, global average, regional, provider-type and country averages are all
    simple averages over the services (quotes) in the group, not averages of averages.
    """
    values = list(costs)
    if not values:
        return None
    return sum(values, Decimal(0)) / len(values)


def smart_average(costs: Iterable[Decimal]) -> Decimal | None:
    """SmaRT of one corridor: the simple average of its three cheapest qualifying services.

    A corridor with fewer than three qualifying services averages those it has; one with none
    has no SmaRT (RPW reports such corridors separately). The global SmaRT is the simple average
    of the corridors' SmaRTs.
    """
    cheapest = sorted(costs)[:SMART_SERVICES]
    return simple_average(cheapest)


def weighted_average(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Global weighted average: corridor averages weighted by the corridor's remittance flow.

    RPW weights each corridor by its share of the flows among the corridors surveyed (World Bank
    bilateral remittance estimates). Pairs are (corridor average, flow); corridors without a flow
    are left out.
    """
    items = [(value, weight) for value, weight in pairs if weight and weight > 0]
    total = sum((weight for _, weight in items), Decimal(0))
    if not items:
        return None
    return sum((value * weight for value, weight in items), Decimal(0)) / total


def share_below_pct(averages: Sequence[Decimal], threshold: Decimal) -> Decimal | None:
    """Share of corridors whose average is below `threshold` (RPW: below 5 percent), in percent."""
    if not averages:
        return None
    below = sum(1 for value in averages if value < threshold)
    return Decimal(below) / len(averages) * HUNDRED


def sdg_10c_flags(global_average: Decimal | None, corridor_averages: Sequence[Decimal]) -> dict:
    """SDG target 10.c: a global average below 3 percent, and no corridor above 5 percent."""
    above = [value for value in corridor_averages if value > SDG_CORRIDOR_CEILING_PCT]
    return {
        "global_below_3": global_average is not None and global_average < SDG_GLOBAL_TARGET_PCT,
        "corridors_above_5": len(above),
        "no_corridor_above_5": bool(corridor_averages) and not above,
    }


# --- 4. Every indicator for every period, vectorised and exact ---------------------------------


def to_scaled(value: Decimal) -> int:
    """A cost as an integer of 10**-SCALE percent (rounded half-even past SCALE places)."""
    return int(value.quantize(_QUANTUM, rounding=ROUND_HALF_EVEN).scaleb(SCALE))


_TO_OUTPUT = 10 ** (SCALE - 8)  # from 10**-SCALE to the 10**-8 of OUTPUT_PLACES


def _rounded_means(sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """sums / counts in units of 10**-8 percent, rounded half-even: exact integer arithmetic,
    the same result as `quantize(Decimal(sum) / count / 10**SCALE)`, for a whole array at once."""
    den = np.maximum(counts, 1).astype(np.int64) * _TO_OUTPUT
    q, r = np.divmod(sums.astype(np.int64), den)
    twice = 2 * r
    return q + ((twice > den) | ((twice == den) & (q % 2 == 1)))


def _output(units) -> Decimal:
    return Decimal(int(units)).scaleb(-8)


def _index(values: Iterable[str]) -> tuple[list[str], dict[str, int]]:
    labels = sorted(set(values))
    return labels, {label: i for i, label in enumerate(labels)}


@dataclass
class QuoteTable:
    """Quotes of one amount band as columns: what the indicators need and nothing else.

    `period`, `corridor` and `provider_type` index into `periods`, `corridors` and
    `provider_types`; corridor attributes (`corridor_region`) index into `regions` (−1: none).
    """

    periods: list[str]
    corridors: list[tuple[str, str]]
    provider_types: list[str]
    regions: list[str]
    corridor_region: np.ndarray
    period: np.ndarray
    corridor: np.ndarray
    provider_type: np.ndarray
    cost: np.ndarray  # int64, 10**-SCALE percent
    transparent: np.ndarray  # bool
    smart_access: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.cost)

    @classmethod
    def build(cls, rows: Iterable[Sequence], regions: dict[str, str] | None = None) -> QuoteTable:
        """From rows of (period, sending, receiving, total cost %, transparent, smart access,
        provider type); `regions` maps a receiving country to its region."""
        rows = list(rows)
        periods, period_ix = _index(r[0] for r in rows)
        corridors = sorted({(r[1], r[2]) for r in rows})
        corridor_ix = {c: i for i, c in enumerate(corridors)}
        types, type_ix = _index(r[6] for r in rows)
        region_of = regions or {}
        region_labels, region_ix = _index(v for v in region_of.values() if v)
        n = len(rows)
        return cls(
            periods=periods,
            corridors=corridors,
            provider_types=types,
            regions=region_labels,
            corridor_region=np.array(
                [region_ix.get(region_of.get(r, ""), -1) for _, r in corridors], dtype=np.int64
            ),
            period=np.fromiter((period_ix[r[0]] for r in rows), np.int64, n),
            corridor=np.fromiter((corridor_ix[(r[1], r[2])] for r in rows), np.int64, n),
            provider_type=np.fromiter((type_ix[r[6]] for r in rows), np.int64, n),
            cost=np.fromiter((to_scaled(r[3]) for r in rows), np.int64, n),
            transparent=np.fromiter((bool(r[4]) for r in rows), bool, n),
            smart_access=np.fromiter((bool(r[5]) for r in rows), bool, n),
        )


_BASE = 10**6


def _exact_sums(keys: np.ndarray, scaled: np.ndarray, size: int) -> np.ndarray:
    """Exact integer sums of `scaled` per key.

    np.bincount adds in float64, exact only below 2**53; each cost is split into a high and a low
    part (base 10**6), whose sums stay far below that bound, and recombined as int64 (exact while
    a group's sum of |costs| stays below 9.2e8 percentage points: ~90 million quotes at 10%).
    """
    hi, lo = np.divmod(scaled, _BASE)
    s_hi = np.bincount(keys, weights=hi.astype(np.float64), minlength=size)
    s_lo = np.bincount(keys, weights=lo.astype(np.float64), minlength=size)
    return s_hi.astype(np.int64) * _BASE + s_lo.astype(np.int64)


@dataclass
class CoreArrays:
    """The three core computations, as exact integer arrays (sum / count = mean)."""

    corridor_sum: np.ndarray  # per period × corridor
    corridor_count: np.ndarray
    smart_sum: np.ndarray  # per period × corridor, the three cheapest qualifying
    smart_count: np.ndarray
    global_sum: np.ndarray  # per period
    global_count: np.ndarray
    cheapest: np.ndarray  # per period × corridor (valid where corridor_count > 0)
    dearest: np.ndarray


def core_arrays(table: QuoteTable) -> CoreArrays:
    """Corridor averages, SmaRT sums and global averages for every period, in one pass.

    One sort of the counted quotes by (period × corridor, cost) gives each corridor's cheapest and
    dearest service and, among the quotes meeting SmaRT's criteria, the three cheapest.
    """
    n_periods, n_corridors = len(table.periods), len(table.corridors)
    size = n_periods * n_corridors
    counted = table.transparent  # counts_in_averages
    key = table.period[counted] * n_corridors + table.corridor[counted]
    cost = table.cost[counted]
    smart = table.smart_access[counted]
    corridor_sum = _exact_sums(key, cost, size)
    corridor_count = np.bincount(key, minlength=size)
    global_sum = _exact_sums(table.period[counted], cost, n_periods)
    global_count = np.bincount(table.period[counted], minlength=n_periods)

    cheapest = np.zeros(size, dtype=np.int64)
    dearest = np.zeros(size, dtype=np.int64)
    smart_sum = np.zeros(size, dtype=np.int64)
    smart_count = np.zeros(size, dtype=np.int64)
    if len(cost):
        low = int(cost.min())
        span = int(cost.max()) - low + 1
        cost_bits = max(1, span.bit_length())
        if size.bit_length() + cost_bits <= 62:
            order = np.argsort((key << cost_bits) | (cost - low))
        else:  # too wide for one integer key: sort on both columns
            order = np.lexsort((cost, key))
        key_s, cost_s, smart_s = key[order], cost[order], smart[order]
        starts = np.flatnonzero(np.r_[True, key_s[1:] != key_s[:-1]])
        ends = np.r_[starts[1:], len(key_s)] - 1
        cheapest[key_s[starts]] = cost_s[starts]
        dearest[key_s[ends]] = cost_s[ends]
        # rank among the qualifying quotes of each group: 1, 2, 3, ...
        running = np.cumsum(smart_s)
        sizes = np.diff(np.r_[starts, len(key_s)])
        before_group = np.repeat(running[starts] - smart_s[starts], sizes)
        rank = running - before_group
        take = smart_s & (rank <= SMART_SERVICES)
        smart_sum = _exact_sums(key_s[take], cost_s[take], size)
        smart_count = np.bincount(key_s[take], minlength=size)
    return CoreArrays(
        corridor_sum=corridor_sum,
        corridor_count=corridor_count,
        smart_sum=smart_sum,
        smart_count=smart_count,
        global_sum=global_sum,
        global_count=global_count,
        cheapest=cheapest,
        dearest=dearest,
    )


@dataclass(frozen=True)
class CorridorFigure:
    period: str
    sending: str
    receiving: str
    average: Decimal
    quotes: int
    cheapest: Decimal
    dearest: Decimal
    smart: Decimal | None
    smart_services: int

    @property
    def above_5(self) -> bool:
        return self.average > SDG_CORRIDOR_CEILING_PCT


@dataclass(frozen=True)
class PeriodFigure:
    period: str
    global_average: Decimal | None
    quotes: int
    corridors: int
    weighted_average: Decimal | None
    weighted_corridors: int
    smart: Decimal | None
    smart_corridors: int
    corridors_under_5: int
    corridors_above_5: int

    @property
    def share_under_5_pct(self) -> Decimal | None:
        if not self.corridors:
            return None
        return quantize(Decimal(self.corridors_under_5) / self.corridors * HUNDRED)

    @property
    def sdg_global_below_3(self) -> bool:
        return self.global_average is not None and self.global_average < SDG_GLOBAL_TARGET_PCT

    @property
    def sdg_no_corridor_above_5(self) -> bool:
        return self.corridors > 0 and self.corridors_above_5 == 0


# Kinds of group average (RPW's regional, provider-type and country averages).
REGION, PROVIDER_TYPE, SENDING_COUNTRY, RECEIVING_COUNTRY = (
    "region",
    "provider_type",
    "sending_country",
    "receiving_country",
)


@dataclass(frozen=True)
class GroupFigure:
    period: str
    kind: str
    group: str
    average: Decimal
    quotes: int


class Figures(Sequence):
    """Figures computed as exact integer arrays, turned into dataclasses of Decimals on access.

    The computation is complete when `compute_indicators` returns; making tens of thousands of
    Decimal objects is representation, paid by whoever reads the figures (and only for those).
    """

    def __init__(self, size: int, make):
        self._size, self._make = size, make

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._make(i) for i in range(*index.indices(self._size))]
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError(index)
        return self._make(index)


@dataclass
class Indicators:
    corridors: Sequence[CorridorFigure] = field(default_factory=list)
    periods: list[PeriodFigure] = field(default_factory=list)
    groups: Sequence[GroupFigure] = field(default_factory=list)


def _group_figures(
    table: QuoteTable, kinds: Sequence[tuple[str, np.ndarray, Sequence[str]]]
) -> Figures:
    """Simple averages per period and group, for each (kind, group of each quote, labels)."""
    parts = []
    for kind, group_of_quote, labels in kinds:
        n_groups = len(labels)
        if not n_groups:
            continue
        counted = table.transparent & (group_of_quote >= 0)
        key = table.period[counted] * n_groups + group_of_quote[counted]
        size = len(table.periods) * n_groups
        counts = np.bincount(key, minlength=size)
        means = _rounded_means(_exact_sums(key, table.cost[counted], size), counts)
        present = np.flatnonzero(counts)
        parts.append((kind, labels, n_groups, present, means[present], counts[present]))
    index = [(part, i) for part in parts for i in range(len(part[3]))]

    def make(i: int) -> GroupFigure:
        (kind, labels, n_groups, present, means, counts), j = index[i]
        p, g = divmod(int(present[j]), n_groups)
        return GroupFigure(
            period=table.periods[p],
            kind=kind,
            group=labels[g],
            average=_output(means[j]),
            quotes=int(counts[j]),
        )

    return Figures(len(index), make)


# SmaRT averages at most three services: 6 is a multiple of every count, so the global SmaRT
# (the mean of corridor means) is an exact integer sum over a common denominator.
_SMART_LCD = 6


def compute_indicators(
    table: QuoteTable, weights: dict[tuple[str, str], float] | None = None
) -> Indicators:
    """Every RPW indicator for every period of `table` (one amount band).

    Per corridor and period: the corridor average (`simple_average` of its counted quotes), the
    cheapest and dearest service, SmaRT (`smart_average` of quotes passing `smart_access`).
    Per period: global average (`simple_average` of every counted quote), global weighted average
    (`weighted_average` of corridor averages by `weights`, a flow per corridor), global SmaRT
    (simple average of the corridors' SmaRTs), corridors below 5% and above 5%.
    Per period and group: regional (receiving region), provider-type and country averages.
    Every figure is exact to OUTPUT_PLACES (rounded half-even) but the weighted average (float64).
    """
    core = core_arrays(table)
    n_periods, n_corridors = len(table.periods), len(table.corridors)
    weights = weights or {}
    weight = np.array([float(weights.get(c) or 0.0) for c in table.corridors], dtype=np.float64)
    five = to_scaled(SDG_CORRIDOR_CEILING_PCT)
    counts = core.corridor_count
    present = np.flatnonzero(counts)
    averages = _rounded_means(core.corridor_sum[present], counts[present])
    smarts = _rounded_means(core.smart_sum[present], core.smart_count[present])
    cheapest = _rounded_means(core.cheapest[present], np.ones(len(present), dtype=np.int64))
    dearest = _rounded_means(core.dearest[present], np.ones(len(present), dtype=np.int64))

    def corridor(i: int) -> CorridorFigure:
        p, c = divmod(int(present[i]), n_corridors)
        sending, receiving = table.corridors[c]
        n_smart = int(core.smart_count[present[i]])
        return CorridorFigure(
            period=table.periods[p],
            sending=sending,
            receiving=receiving,
            average=_output(averages[i]),
            quotes=int(counts[present[i]]),
            cheapest=_output(cheapest[i]),
            dearest=_output(dearest[i]),
            smart=_output(smarts[i]) if n_smart else None,
            smart_services=n_smart,
        )

    # per period, in integers: 5% × count against each sum (no rounding at the threshold), and
    # the corridors' SmaRT sums over the common denominator
    period_of = present // n_corridors
    sums, n = core.corridor_sum[present], counts[present]
    under = np.bincount(period_of, weights=sums < five * n, minlength=n_periods)
    above = np.bincount(period_of, weights=sums > five * n, minlength=n_periods)
    smart_n = core.smart_count[present]
    has_smart = smart_n > 0
    smart_scaled = np.zeros(len(present), dtype=np.int64)
    smart_scaled[has_smart] = core.smart_sum[present][has_smart] * (
        _SMART_LCD // smart_n[has_smart]
    )
    smart_total = _exact_sums(period_of, smart_scaled, n_periods)
    smart_corridors = np.bincount(period_of, weights=has_smart, minlength=n_periods).astype(int)
    global_smart = _rounded_means(smart_total, smart_corridors * _SMART_LCD)
    global_average = _rounded_means(core.global_sum, core.global_count)
    corridors_in = np.bincount(period_of, minlength=n_periods)
    means = core.corridor_sum[present] / n  # float64, for the weighted average only
    w = weight[present % n_corridors]
    weighted_sum = np.bincount(period_of, weights=means * w, minlength=n_periods)
    weight_sum = np.bincount(period_of, weights=w, minlength=n_periods)
    weighted_n = np.bincount(period_of, weights=w > 0, minlength=n_periods).astype(int)
    periods = []
    for p, period in enumerate(table.periods):
        weighted = None
        if weight_sum[p] > 0:
            value = float(weighted_sum[p] / weight_sum[p]) / _SCALE_FACTOR
            weighted = quantize(Decimal(repr(value)))
        periods.append(
            PeriodFigure(
                period=period,
                global_average=_output(global_average[p]) if core.global_count[p] else None,
                quotes=int(core.global_count[p]),
                corridors=int(corridors_in[p]),
                weighted_average=weighted,
                weighted_corridors=int(weighted_n[p]),
                smart=_output(global_smart[p]) if smart_corridors[p] else None,
                smart_corridors=int(smart_corridors[p]),
                corridors_under_5=int(under[p]),
                corridors_above_5=int(above[p]),
            )
        )
    sending_labels, sending_ix = _index(s for s, _ in table.corridors)
    receiving_labels, receiving_ix = _index(r for _, r in table.corridors)
    sending_of = np.array([sending_ix[s] for s, _ in table.corridors], dtype=np.int64)
    receiving_of = np.array([receiving_ix[r] for _, r in table.corridors], dtype=np.int64)
    groups = _group_figures(
        table,
        [
            (REGION, table.corridor_region[table.corridor], table.regions),
            (PROVIDER_TYPE, table.provider_type, table.provider_types),
            (SENDING_COUNTRY, sending_of[table.corridor], sending_labels),
            (RECEIVING_COUNTRY, receiving_of[table.corridor], receiving_labels),
        ]
        if n_corridors
        else [],
    )
    return Indicators(corridors=Figures(len(present), corridor), periods=periods, groups=groups)
