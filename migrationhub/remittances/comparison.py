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
   service (`costs.SPEED_RANK`; unknown speed last), then by provider name. Rank 1 is the
   cheapest; the fastest is the ranked offer of the best speed band, the better-ranked on a tie.
6. SmaRT. An offer is in the corridor's SmaRT when its service is one of the `costs.SMART_SERVICES`
   cheapest USD 200 quotes (by RPW's total cost %) among the transparent quotes of services that
   meet SmaRT's speed and access criteria (`costs.smart_access`), as in `costs`' indicators.

Invariants: every service appears once, in `offers` or in `not_ranked`; ranks are 1..n with no
gap, in order of what arrives; exactly one offer is cheapest (rank 1) and one fastest when any is
ranked; `received_value + total_cost` is the sender's amount (exactly before rounding, so within
a cent after it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
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

    @property
    def ranked(self) -> bool:
        return self.rank > 0


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
        return self.offers[0] if self.offers else None

    @property
    def dearest(self) -> Offer | None:
        return self.offers[-1] if self.offers else None

    @property
    def fastest(self) -> Offer | None:
        return next((o for o in self.offers if o.fastest), None)

    @property
    def smart_offers(self) -> list[Offer]:
        return [o for o in self.offers if o.in_smart]


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
    smart = smart_services(quotes)
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
        ranking.offers[0].cheapest = True
        min(ranking.offers, key=lambda o: (_speed_rank(o), o.rank)).fastest = True
    ranking.not_ranked.sort(key=lambda o: o.provider)
    return ranking


def smart_services(quotes: Sequence[SurveyedQuote]) -> set[int]:
    """The services behind the corridor's SmaRT: the three cheapest qualifying (USD 200)."""
    qualifying = sorted(
        (
            q
            for q in quotes
            if q.band_usd == HEADLINE_BAND and q.transparent and q.service.smart_access
        ),
        key=lambda q: q.total_cost_pct,
    )
    return {q.service.service_id for q in qualifying[: costs.SMART_SERVICES]}


def price(quote: SurveyedQuote, amount: Decimal, band_amount: Decimal) -> Offer:
    """`quote`'s service priced for `amount` (in the currency of `band_amount`), or the reason it
    cannot be."""
    offer = Offer(
        **vars(quote.service),
        transparent=quote.transparent,
        band_usd=quote.band_usd,
        payout_currency=quote.payout_currency,
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
