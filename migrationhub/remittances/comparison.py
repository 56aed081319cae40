"""The sender's comparison: "I pay X, fee included, to send money from A to B: what arrives with
each provider, and what is lost?" Every service of a corridor, priced for the sender's amount and
ranked by what arrives.

No Django here: plain dataclasses and `Decimal` in, ranked offers out (`selectors.comparison`
reads the quotes of one corridor and period, and calls `rank`).

Method
1. Currency and amounts. RPW surveys the equivalent of USD 200 and of USD 500 (`costs.BANDS_USD`)
   in the sending country's currency. The corridor's currency is the one most USD 200 quotes were
   sent in; each band's amount is the amount most of its quotes in that currency were priced for.
2. The sender's amount. Without one (or a non-positive one), the surveyed USD 200 amount (the
   USD 500 one when there is none); it is rounded to the cent and capped at MAX_AMOUNT. It is priced with the quotes of the band whose
   amount is nearest (the lower band on a tie), and a service not priced in that band with the
   quote it has.
3. Pricing. The quote's fee and rates apply as surveyed (a fee does not grow with the amount),
   with `costs.sender_outcome`: the fee comes out of what is paid, the rest is converted at the
   provider's rate. A quote sent in another currency than the band's (rare) prices the same share
   of its own surveyed amount, and its money figures are scaled back.
   Money is rounded to the cent (ROUND_HALF_EVEN), percentages to two decimal places.
4. What cannot be ranked (`Reason`): a provider that did not disclose its exchange rate (what
   arrives is unknown; RPW leaves such quotes out of every average too), a quote without a full
   price (fee, offered and interbank rates), and a fee of the whole amount or more.
5. Ranking. By what arrives, valued at the interbank rate in the sent currency (most first),
   which for one amount is the same as by total cost (least first); ties go to the faster
   service (`costs.SPEED_RANK`; unknown speed last), then by provider name. Rank 1 is the offer
   with which the most arrives: the cheapest, unless it has a condition or an unexplained cost
   below zero (9). The fastest is the ranked offer of the best speed band, the better-ranked on
   a tie.
6. SmaRT. An offer is in the corridor's SmaRT when its service is one of the `costs.SMART_SERVICES`
   cheapest quotes of the band compared (by RPW's total cost %) among the transparent quotes of
   services that meet SmaRT's speed and access criteria (`costs.smart_access`), as in `costs`'
   indicators of that band.
7. Conditions (`read_notes`). RPW's surveyors write what limits an offer in the quote's notes
   (`note1`, `note2`; a collector's `notes`). Each note is matched, case-insensitively, against
   `CONDITION_PATTERNS`; an offer has every condition one of its notes matches:
   - members only: "member(s)", "customers only", "clients only" (RPW: "Service for members");
   - account needed: "account holder(s)", "account required/needed", "requires an account"
     (RPW: "Only 'Paschi senza frontiere'-account holders", "For non account holders ... 38eur");
   - promotion or first transfer: "promot…", "promo", "special offer", "first transfer",
     "free remittances", "introductory" (RPW: "The very low fee is due to ... a promotion/special
     offer", "A negative exchange rate margin ... may be due to a promotion/special offer", "A
     negative total cost ... may be due to a promotion active at the time"): a price that may
     not last, or not be the sender's;
   - other: a restriction of another kind: "exclusive", "available only", "only available",
     "only for", "if sending", "if through", "specific locations", "some branches", "only N
     branches", "special rate for branches", "must" (RPW: "This service is available only for
     transfers up to ZAR 2000", "free service if sending euros to an EU country").
   Everything else RPW notes is information, not a condition: the currencies sent and paid out,
   transparency, the agent used ("Through Western Union"), the product ("SEPA service", "Economy
   service"), fee options ("OUR Option: ..."). On the shipped file (28,467 rows) the notes of
   859 rows set a condition: 66 members only, 18 account needed, 743 promotion, 39 other (7 rows
   have two).
8. Costs below zero. An offer loses less than nothing when the provider's rate beats the
   interbank rate the survey used as reference: a promotion, a parallel ("grey") market where
   the official rate is not what money fetches, or an out-of-date reference rate. A note
   explains it as real when it names a parallel or grey market, multiple or informal exchange
   rates, or "a more favourable exchange rate" (`NEGATIVE_COST_EXPLAINED`); RPW's "may be due to
   a promotion" makes the offer a promotion (7) instead. On the shipped file 62 transparent
   USD 200 quotes cost less than zero (by RPW's total cost): 41 are promotions (one of them also
   explained), 17 are explained as real, and 4 have no explanation.
9. The cheapest. The cheapest offer is the best-ranked offer that has no condition and whose
   cost is not below zero unless a note explains it (`Offer.may_be_cheapest`); the offers above
   it keep their rank and show their condition or their unexplained figure. There is none when
   every ranked offer has one. Conditions change no rank and no average: RPW's corridor averages
   count every transparent quote (`costs`), and so does SmaRT.
10. Corridors below zero. A corridor whose average is below zero is as real as its quotes
    below zero (`corridor_below_zero_explained`): the monitor lists it among the cheapest
    corridors only when every one of them may be cheapest by 9, and apart, with the reason,
    otherwise. On the shipped file three corridor-quarters average below zero (GBR-ERI 2013Q2,
    ESP-HND and USA-HND 2014Q2); in each, every quote below zero is a promotion by RPW's notes
    (in USA-HND 2014Q2 all eight providers' rates beat the reference by 8.9%, which says more
    about the reference rate than about the providers): none is listed among the cheapest.

Survey age: a survey period is a quarter; its prices are `survey_is_stale` when the quarter ended
more than `STALE_AFTER` (a year) before the day they are shown.

Invariants: every service appears once, in `offers` or in `not_ranked`; ranks are 1..n with no
gap, in order of what arrives; at most one offer is cheapest, the best-ranked that
`may_be_cheapest`, and every offer ranked above it has a condition or an unexplained cost below
zero; exactly one offer is fastest when any is ranked; `received_value + total_cost` is the
sender's amount (exactly before rounding, so within a cent after it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import TypeVar

from . import costs

HEADLINE_BAND = 200  # the amount RPW's headline figures are for
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(1_000_000)
UNKNOWN_SPEED_RANK = len(costs.SPEED_BANDS)  # after every known speed band

H = TypeVar("H", bound=Hashable)


class Reason(StrEnum):
    """Why an offer cannot be ranked."""

    RATE_NOT_DISCLOSED = "rate_not_disclosed"
    PRICE_INCOMPLETE = "price_incomplete"
    FEE_EXCEEDS_AMOUNT = "fee_exceeds_amount"


class Condition(StrEnum):
    """What the survey's notes say limits an offer (method, 7)."""

    MEMBERS_ONLY = "members_only"
    ACCOUNT_REQUIRED = "account_required"
    PROMOTION = "promotion"
    OTHER = "other"


# Matched against each note, case-insensitively; in the order conditions are listed.
CONDITION_PATTERNS = {
    Condition.MEMBERS_ONLY: re.compile(r"\bmembers?\b|\b(?:customers?|clients?) only\b", re.I),
    Condition.ACCOUNT_REQUIRED: re.compile(
        r"\baccount[- ]holders?\b|\baccount (?:is )?(?:required|needed)\b|\brequires? an account\b",
        re.I,
    ),
    Condition.PROMOTION: re.compile(
        r"promot|\bpromo\b|special offer|\bfirst (?:transfer|transaction|remittance)"
        r"|\bfree remittances\b|\bintroductory\b",
        re.I,
    ),
    Condition.OTHER: re.compile(
        r"\bexclusive\b|\bavailable only\b|\bonly available\b|\bonly for\b"
        r"|\bif (?:sending|through)\b|\bspecific locations\b|\bsome (?:of (?:their|its) )?branches\b"
        r"|\bonly \d+ branches\b|\bspecial rate for branches\b|\bmust\b",
        re.I,
    ),
}
# A note that explains a cost below zero as real: the provider's rate beat the reference (method, 8).
NEGATIVE_COST_EXPLAINED = re.compile(
    r"more favou?rable exchange rate|\bparallel\b|\bgr[ae]y\b|multiple exchange rates"
    r"|informal exchange rate",
    re.I,
)
STALE_AFTER = dt.timedelta(days=365)  # survey prices older than this may have changed
PERIOD = re.compile(r"^(\d{4})Q([1-4])$")


@dataclass(frozen=True)
class NoteReading:
    """What a quote's notes say about its price."""

    conditions: tuple[Condition, ...] = ()  # each once, in `Condition` order
    condition_notes: tuple[str, ...] = ()  # the notes that set them, as written
    negative_cost_explained: bool = False


def read_notes(notes: Iterable[str]) -> NoteReading:
    """The conditions `notes` put on a price, and whether they explain a cost below zero."""
    notes = [n.strip() for n in notes if n and n.strip()]
    conditions = [c for c, pattern in CONDITION_PATTERNS.items() if any(map(pattern.search, notes))]
    return NoteReading(
        conditions=tuple(conditions),
        condition_notes=tuple(
            n for n in notes if any(CONDITION_PATTERNS[c].search(n) for c in conditions)
        ),
        negative_cost_explained=any(map(NEGATIVE_COST_EXPLAINED.search, notes)),
    )


def corridor_below_zero_explained(quotes_below_zero: Iterable[Iterable[str]]) -> bool:
    """Whether a corridor's average below zero is real: every quote below zero (given by its
    notes) may be cheapest, i.e. has no condition and a note that explains it (method, 10)."""
    readings = [read_notes(notes) for notes in quotes_below_zero]
    return bool(readings) and all(r.negative_cost_explained and not r.conditions for r in readings)


def quarter_end(period: str) -> dt.date | None:
    """The last day of a quarter written `2014Q2`; None for anything else."""
    match = PERIOD.match(period or "")
    if not match:
        return None
    year, quarter = int(match.group(1)), int(match.group(2))
    if quarter == 4:
        return dt.date(year, 12, 31)
    return dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)


def survey_is_stale(period: str, today: dt.date) -> bool:
    """Whether prices surveyed in `period` are more than `STALE_AFTER` old on `today`."""
    end = quarter_end(period)
    return end is not None and today - end > STALE_AFTER


def period_label(period: str) -> str:
    """`2014Q2` as people read it: `2014 Q2`."""
    match = PERIOD.match(period or "")
    return f"{match.group(1)} Q{match.group(2)}" if match else period


@dataclass
class ServiceInfo:
    """A service of the corridor, described in the reader's words (labels already translated)."""

    service_id: int
    provider: str
    provider_type: str  # a label
    product: str
    payment_instrument: str  # a label
    access_point: str
    pickup_method: str
    speed: str  # a code of costs.SPEED_BANDS, or ""
    speed_label: str
    coverage: str
    smart_access: bool  # meets SmaRT's speed and access criteria (costs.smart_access)


@dataclass(frozen=True)
class SurveyedQuote:
    """One quote of the corridor and period: what the survey found for one service and band."""

    service: ServiceInfo
    band_usd: int
    currency_sent: str
    amount_sent: Decimal
    fee: Decimal | None
    fx_rate_offered: Decimal | None
    interbank_rate: Decimal | None
    total_cost_pct: Decimal  # RPW's total cost, fee on top of the amount sent
    transparent: bool
    payout_currency: str = ""
    notes: tuple[str, ...] = ()  # the survey's notes on this quote, as written


@dataclass
class Offer(ServiceInfo):
    """One service, priced for the sender's amount."""

    transparent: bool
    band_usd: int
    fee: Decimal | None = None
    fx_margin_pct: Decimal | None = None
    margin_cost: Decimal | None = None
    total_cost: Decimal | None = None
    total_cost_pct: Decimal | None = None
    received: Decimal | None = None
    payout_currency: str = ""
    received_value: Decimal | None = None
    rank: int = 0
    cheapest: bool = False
    fastest: bool = False
    in_smart: bool = False
    why_not_ranked: Reason | None = None
    reason: str = ""  # `why_not_ranked` in the reader's words: the caller translates it
    conditions: list[Condition] = field(default_factory=list)
    condition_notes: list[str] = field(default_factory=list)  # the notes that set them
    condition_labels: list[str] = field(default_factory=list)  # the caller translates them
    negative_cost_explained: bool = False  # a note explains a cost below zero as real

    @property
    def ranked(self) -> bool:
        return self.rank > 0

    @property
    def negative_cost(self) -> bool:
        """Less than nothing is lost: the provider's rate beat the reference rate."""
        return self.total_cost is not None and self.total_cost < 0

    @property
    def may_be_cheapest(self) -> bool:
        """Ranked, with no condition, and not below zero unless a note explains it (method, 9)."""
        return (
            self.ranked
            and not self.conditions
            and (not self.negative_cost or self.negative_cost_explained)
        )


@dataclass
class Ranking:
    """The offers of one corridor and period for one amount: ranked, and those that cannot be."""

    amount: Decimal  # what the sender pays, fee included, in `currency`
    currency: str
    band_usd: int  # the surveyed band the amount is priced with
    band_amount: Decimal  # that band's surveyed amount, in `currency`
    offers: list[Offer] = field(default_factory=list)
    not_ranked: list[Offer] = field(default_factory=list)

    @property
    def cheapest(self) -> Offer | None:
        """The best-ranked offer that may be cheapest (method, 9); None when none may."""
        return next((o for o in self.offers if o.cheapest), None)

    @property
    def ranked_above_cheapest(self) -> list[Offer]:
        """The offers that arrive with more than the cheapest but have a condition or a cost
        below zero that nothing explains (all of them when none may be cheapest)."""
        cheapest = self.cheapest
        return [o for o in self.offers if cheapest is None or o.rank < cheapest.rank]

    @property
    def dearest(self) -> Offer | None:
        return self.offers[-1] if self.offers else None

    @property
    def fastest(self) -> Offer | None:
        return next((o for o in self.offers if o.fastest), None)

    @property
    def smart_offers(self) -> list[Offer]:
        return [o for o in self.offers if o.in_smart]

    @property
    def negative_costs(self) -> bool:
        """Whether any ranked offer costs less than nothing (method, 8)."""
        return any(o.negative_cost for o in self.offers)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def rank(quotes: Sequence[SurveyedQuote], amount: Decimal | None = None) -> Ranking:
    """Every service of `quotes` priced for `amount` and ranked (see the module's method)."""
    if not quotes:
        raise ValueError("there are no quotes to compare")
    currency = _most_common([q.currency_sent for q in quotes if q.band_usd == HEADLINE_BAND])
    currency = currency or quotes[0].currency_sent
    band_amounts = {
        band: value
        for band in costs.BANDS_USD
        if (
            value := _most_common(
                [
                    q.amount_sent
                    for q in quotes
                    if q.band_usd == band and q.currency_sent == currency
                ]
            )
        )
    }
    if amount is None or amount <= 0:
        amount = band_amounts.get(HEADLINE_BAND) or next(iter(band_amounts.values()))
    amount = min(money(amount), MAX_AMOUNT)
    band = min(band_amounts, key=lambda b: (abs(band_amounts[b] - amount), b))
    by_service: dict[int, dict[int, SurveyedQuote]] = {}
    for quote in quotes:
        by_service.setdefault(quote.service.service_id, {})[quote.band_usd] = quote
    smart = smart_services(quotes, band)
    ranking = Ranking(
        amount=amount, currency=currency, band_usd=band, band_amount=band_amounts[band]
    )
    for bands in by_service.values():
        quote = bands.get(band) or next(iter(bands.values()))
        offer = price(quote, amount, band_amounts.get(quote.band_usd) or quote.amount_sent)
        offer.in_smart = quote.service.service_id in smart
        (ranking.offers if offer.why_not_ranked is None else ranking.not_ranked).append(offer)
    ranking.offers.sort(key=lambda o: (-(o.received_value or 0), _speed_rank(o), o.provider))
    for number, offer in enumerate(ranking.offers, start=1):
        offer.rank = number
    if ranking.offers:
        crowned = next((o for o in ranking.offers if o.may_be_cheapest), None)
        if crowned is not None:
            crowned.cheapest = True
        min(ranking.offers, key=lambda o: (_speed_rank(o), o.rank)).fastest = True
    ranking.not_ranked.sort(key=lambda o: o.provider)
    return ranking


def smart_services(quotes: Sequence[SurveyedQuote], band: int = HEADLINE_BAND) -> set[int]:
    """The services behind the corridor's SmaRT: the three cheapest qualifying (of `band`)."""
    qualifying = sorted(
        (q for q in quotes if q.band_usd == band and q.transparent and q.service.smart_access),
        key=lambda q: q.total_cost_pct,
    )
    return {q.service.service_id for q in qualifying[: costs.SMART_SERVICES]}


def price(quote: SurveyedQuote, amount: Decimal, band_amount: Decimal) -> Offer:
    """`quote`'s service priced for `amount` (in the currency of `band_amount`), or the reason it
    cannot be."""
    notes = read_notes(quote.notes)
    offer = Offer(
        **vars(quote.service),
        transparent=quote.transparent,
        band_usd=quote.band_usd,
        payout_currency=quote.payout_currency,
        conditions=list(notes.conditions),
        condition_notes=list(notes.condition_notes),
        negative_cost_explained=notes.negative_cost_explained,
    )
    # The sender's amount in this quote's currency, as the same share of the surveyed amount.
    scale = quote.amount_sent / band_amount
    own_amount = amount * scale
    fee, offered, interbank = quote.fee, quote.fx_rate_offered, quote.interbank_rate
    if not quote.transparent:
        return _not_ranked(offer, Reason.RATE_NOT_DISCLOSED, fee, scale)
    if fee is None or not offered or not interbank:
        return _not_ranked(offer, Reason.PRICE_INCOMPLETE, fee, scale)
    if fee >= own_amount:
        return _not_ranked(offer, Reason.FEE_EXCEEDS_AMOUNT, fee, scale)
    outcome = costs.sender_outcome(
        amount=own_amount, fee=fee, offered_rate=offered, interbank_rate=interbank
    )
    offer.fee = money(outcome.fee / scale)
    offer.fx_margin_pct = outcome.fx_margin_pct.quantize(CENT)
    offer.margin_cost = money(outcome.margin_cost / scale)
    offer.total_cost = money(outcome.total_cost / scale)
    offer.total_cost_pct = outcome.total_cost_pct.quantize(CENT)
    offer.received_value = money(outcome.received_value / scale)
    if quote.payout_currency:
        offer.received = money(outcome.received)
    return offer


def _not_ranked(offer: Offer, reason: Reason, fee: Decimal | None, scale: Decimal) -> Offer:
    offer.why_not_ranked = reason
    offer.fee = money(fee / scale) if fee is not None else None
    return offer


def _speed_rank(offer: Offer) -> int:
    return costs.SPEED_RANK.get(offer.speed, UNKNOWN_SPEED_RANK)


def _most_common(values: list[H]) -> H | None:
    return Counter(values).most_common(1)[0][0] if values else None
