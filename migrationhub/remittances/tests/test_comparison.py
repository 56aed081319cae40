"""The sender's comparison as a pure function: hand-worked cases, and its invariants on any quotes."""

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migrationhub.remittances import comparison
from migrationhub.remittances.comparison import Condition, Reason, ServiceInfo, SurveyedQuote

# RPW's notes, verbatim from the shipped file (with the number of rows that carry each)
MEMBERS = "Service for members"  # 66 rows
PROMOTION = (  # 66 rows
    "A negative total cost for this operator may be due to a promotion active at the time "
    "information was collected and does not mean that the sender is remunarated for using the "
    "service."
)
PARALLEL = (  # 176 rows, RPW's quotes in Windows-1252 read as Latin-1 control characters
    "A negative exchange rate margin for this operator may reflect a \x91parallel\x92 or \x91grey\x92 "
    "foreign exchange market."
)
FAVOURABLE = (  # 44 rows
    "The negative total cost does not mean that the RSP is suffering a loss in the transaction, "
    "but rather that the RSP benefits from a more favorable exchange rate."
)


def quote(service_id: int, *, band: int = 200, amount: D = D(200), **values) -> SurveyedQuote:
    info = {
        "service_id": service_id,
        "provider": values.pop("provider", f"Provider {service_id}"),
        "provider_type": "Money transfer operator",
        "product": "Cash to cash",
        "payment_instrument": "Cash",
        "access_point": "",
        "pickup_method": "Cash",
        "speed": values.pop("speed", "next_day"),
        "speed_label": "",
        "coverage": "Nationwide",
        "smart_access": values.pop("smart_access", True),
    }
    priced = {
        "fee": D(2),
        "fx_rate_offered": D("16.83"),
        "interbank_rate": D(17),
        "total_cost_pct": D(2),
        "transparent": True,
        "payout_currency": "MXN",
        **values,
    }
    return SurveyedQuote(
        service=ServiceInfo(**info),
        band_usd=band,
        currency_sent="USD",
        amount_sent=amount,
        **priced,
    )


def test_offers_are_ranked_by_what_arrives_with_reasons_for_the_rest():
    # given USA-MEX at 17.00 MXN per USD: a 1% margin and fee 2, a 3% margin and no fee, a fee
    # of 10 and 2% margin, one undisclosed rate and one quote without its fee
    quotes = [
        quote(1, provider="Rapida", speed="lt_1h"),
        quote(2, provider="Lenta", fee=D(0), fx_rate_offered=D("16.49"), speed="6_days_plus"),
        quote(3, provider="Grande", fee=D(10), fx_rate_offered=D("16.66")),
        quote(4, provider="Opaco", transparent=False, fx_rate_offered=None),
        quote(5, provider="Incompleto", fee=None),
    ]
    # when a sender pays 200 USD
    result = comparison.rank(quotes, D(200))
    # then 196.02, 194.00 and 186.20 arrive
    assert [(o.provider, o.rank, o.received_value) for o in result.offers] == [
        ("Rapida", 1, D("196.02")),
        ("Lenta", 2, D("194.00")),
        ("Grande", 3, D("186.20")),
    ]
    assert result.cheapest is result.offers[0] and result.fastest is result.offers[0]
    assert result.dearest is result.offers[-1]
    assert result.offers[0].received == D("3332.34")  # 198 × 16.83 MXN
    assert [(o.provider, o.why_not_ranked) for o in result.not_ranked] == [
        ("Incompleto", Reason.PRICE_INCOMPLETE),
        ("Opaco", Reason.RATE_NOT_DISCLOSED),
    ]
    assert result.not_ranked[1].fee == D("2.00")
    assert (result.currency, result.band_usd, result.band_amount) == ("USD", 200, D(200))


def test_the_nearer_band_prices_the_amount_and_a_fee_can_take_it_all():
    # given one service priced for 200 (fee 2) and for 500 (fee 3)
    quotes = [quote(1), quote(1, band=500, amount=D(500), fee=D(3))]
    # when a sender pays 400 (nearer 500) or 1.50 (less than the fee)
    large = comparison.rank(quotes, D(400))
    small = comparison.rank(quotes, D("1.5"))
    # then 400 is priced with the USD 500 quote: its fee of 3 (a fee does not grow with the
    # amount), 397 converted at a 1% margin: 3 + 3.97 lost
    assert (large.band_usd, large.offers[0].fee, large.offers[0].total_cost) == (
        500,
        D("3.00"),
        D("6.97"),
    )
    # and 1.50 cannot pay the fee of the USD 200 quote
    assert small.offers == [] and small.not_ranked[0].why_not_ranked == Reason.FEE_EXCEEDS_AMOUNT


def test_smart_is_the_three_cheapest_qualifying_services():
    quotes = [quote(i, total_cost_pct=D(i), smart_access=i != 2, fee=D(i)) for i in range(1, 6)]
    assert comparison.smart_services(quotes) == {1, 3, 4}
    assert {o.service_id for o in comparison.rank(quotes).smart_offers} == {1, 3, 4}


def test_without_an_amount_the_surveyed_one_is_used_and_a_huge_one_is_capped():
    assert comparison.rank([quote(1, amount=D("3400"))]).amount == D("3400.00")
    capped = comparison.rank([quote(1)], D("1e9"))
    assert capped.amount == comparison.MAX_AMOUNT


# Notes as RPW writes them: none, a condition, an explanation of a cost below zero, information.
NOTES = (
    (),
    ("Service for members",),
    (PROMOTION,),
    (PARALLEL,),
    ("USD service", "Through Western Union"),
)
prices = st.decimals(min_value=D("0.0001"), max_value=D(50), places=4)
quotes = st.lists(
    st.builds(
        lambda sid, band, fee, offered, interbank, transparent, speed, smart, notes: quote(
            sid,
            band=band,
            amount=D(band),
            fee=fee,
            fx_rate_offered=offered,
            interbank_rate=interbank,
            transparent=transparent,
            speed=speed,
            smart_access=smart,
            total_cost_pct=fee or D(0),
            notes=notes,
        ),
        st.integers(1, 8),
        st.sampled_from([200, 500]),
        st.one_of(st.none(), st.decimals(min_value=0, max_value=D(600), places=2)),
        st.one_of(st.none(), prices),
        prices,
        st.booleans(),
        st.sampled_from(["lt_1h", "same_day", "2_days", "6_days_plus", ""]),
        st.booleans(),
        st.sampled_from(NOTES),
    ),
    min_size=1,
    max_size=20,
)


@settings(max_examples=200, deadline=None)
@given(
    quotes=quotes,
    amount=st.one_of(st.none(), st.decimals(min_value=1, max_value=D(5000), places=2)),
)
def test_invariants_hold_on_any_quotes(quotes, amount):
    # when
    result = comparison.rank(quotes, amount)
    # then every service appears once, ranked or not
    ranked = [o.service_id for o in result.offers]
    unranked = [o.service_id for o in result.not_ranked]
    assert sorted(ranked + unranked) == sorted({q.service.service_id for q in quotes})
    # ranks are 1..n, most arriving first; one cheapest and one fastest
    assert [o.rank for o in result.offers] == list(range(1, len(ranked) + 1))
    values = [o.received_value for o in result.offers]
    assert values == sorted(values, reverse=True)
    if result.offers:
        assert [o.fastest for o in result.offers].count(True) == 1
    # at most one cheapest: the best-ranked offer that may be, every offer above it may not
    crowned = [o for o in result.offers if o.cheapest]
    assert len(crowned) <= 1
    assert crowned == [o for o in result.offers if o.may_be_cheapest][:1]
    assert result.cheapest is (crowned[0] if crowned else None)
    assert result.ranked_above_cheapest == [
        o for o in result.offers if not crowned or o.rank < crowned[0].rank
    ]
    for offer in result.ranked_above_cheapest:
        assert offer.conditions or (offer.negative_cost and not offer.negative_cost_explained)
    # what arrives and what is lost add up to what was paid, within a cent
    for offer in result.offers:
        assert abs(offer.received_value + offer.total_cost - result.amount) <= D("0.01")
    # and what cannot be ranked says why
    assert all(o.why_not_ranked is not None and o.rank == 0 for o in result.not_ranked)


@pytest.mark.parametrize(
    ("notes", "conditions"),
    [
        ((MEMBERS,), [Condition.MEMBERS_ONLY]),
        (("Only 'Paschi senza frontiere'-account holders",), [Condition.ACCOUNT_REQUIRED]),
        (("For non account holders in paris they pay 38eur",), [Condition.ACCOUNT_REQUIRED]),
        ((PROMOTION,), [Condition.PROMOTION]),
        (
            (
                "The very low fee is due to the fact that this RSP currently has a "
                "promotion/special offer in this corridor",
            ),
            [Condition.PROMOTION],
        ),
        (("Free for your first transfer",), [Condition.PROMOTION]),
        (("This service is available only for transfers up to ZAR 2000",), [Condition.OTHER]),
        (("This RSP offers a free service if sending euros to an EU country.",), [Condition.OTHER]),
        (
            (
                "Unicredit has a dedicated service for migrants, called Agenzia Tu. [...] a "
                "current account for migrants called 'Conto Tu' that include the offer of 6 free "
                "remittances to account holders (online service).",
            ),
            [Condition.ACCOUNT_REQUIRED, Condition.PROMOTION],
        ),
        # information, not conditions
        (("USD service", "Through Western Union", "SEPA service", "Economy service"), []),
        (
            (
                "This RSP is not transparent: the exchange rate applied to the transaction was "
                "not disclosed. The 0% in the exchange rate margin does NOT necessarily mean that "
                "there is no exchange rate cost, but rather that this cost is not disclosed to "
                "the sender at the time of sending.",
                "In this corridor all RSPs send and payout in EUR. The CFA is officially pegged "
                "to the EUR. At the point of collection, the money may need to be converted into "
                "the local currency.",
            ),
            [],
        ),
        (("OUR Option: + 12,50 euro for Nigeria", "This RSP's fees are quoted only in USD."), []),
        ((PARALLEL, FAVOURABLE), []),
    ],
)
def test_notes_are_read_into_conditions(notes, conditions):
    reading = comparison.read_notes(notes)
    assert list(reading.conditions) == conditions
    # the notes shown as the condition are those that set one, as written
    assert all(n in notes for n in reading.condition_notes)
    assert bool(reading.condition_notes) == bool(conditions)


def test_notes_explain_a_cost_below_zero_only_when_they_say_why_it_is_real():
    assert comparison.read_notes([PARALLEL]).negative_cost_explained
    assert comparison.read_notes([FAVOURABLE]).negative_cost_explained
    assert comparison.read_notes(
        [
            "In Brazil multiple exchange rates USD / BRL exist: commercial, informal, and "
            "tourism. [...]"
        ]
    ).negative_cost_explained
    # "may be due to a promotion" makes a promotion, not a real figure
    reading = comparison.read_notes([PROMOTION])
    assert not reading.negative_cost_explained and reading.conditions == (Condition.PROMOTION,)
    assert not comparison.read_notes([]).negative_cost_explained


def test_an_offer_with_a_condition_keeps_its_rank_but_is_not_the_cheapest():
    # given USA-MEX 2014Q2 as RPW surveyed it: Citibank sends 200 USD for nothing, "Service for
    # members"; Ria charges no fee and a 1.47% margin
    quotes = [
        quote(
            1,
            provider="Citibank",
            fee=D(0),
            fx_rate_offered=D(1),
            interbank_rate=D(1),
            notes=(MEMBERS,),
        ),
        quote(2, provider="Ria", fee=D(0), fx_rate_offered=D("12.76"), interbank_rate=D("12.95")),
        quote(
            3, provider="Xoom", fee=D("4.99"), fx_rate_offered=D("12.7"), interbank_rate=D("12.95")
        ),
    ]
    # when a sender pays 200 USD
    result = comparison.rank(quotes, D(200))
    # then Citibank is ranked first, flagged members only, and Ria is the cheapest
    citibank, ria, xoom = result.offers
    assert (citibank.provider, citibank.rank, citibank.cheapest) == ("Citibank", 1, False)
    assert citibank.conditions == [Condition.MEMBERS_ONLY]
    assert citibank.condition_notes == [MEMBERS]
    assert (ria.rank, ria.cheapest, ria.conditions) == (2, True, [])
    assert result.cheapest is ria and result.ranked_above_cheapest == [citibank]
    assert not xoom.cheapest


def test_a_cost_below_zero_is_the_cheapest_only_when_a_note_explains_it():
    # given an interbank rate of 17.00: one provider offers 17.50 with no note, one 17.40 with a
    # note naming a parallel market, one 16.83 (a 1% margin) with a fee of 2
    unexplained = quote(1, provider="Sin nota", fee=D(0), fx_rate_offered=D("17.50"))
    explained = quote(
        2, provider="Paralelo", fee=D(0), fx_rate_offered=D("17.40"), notes=(PARALLEL,)
    )
    plain = quote(3, provider="Normal")
    # when
    result = comparison.rank([unexplained, explained, plain], D(200))
    # then the unexplained figure is ranked first but not crowned, the explained one is
    first, second, third = result.offers
    assert (first.provider, first.negative_cost, first.cheapest) == ("Sin nota", True, False)
    assert first.total_cost == D("-5.88")  # 200 × (17.50 / 17 − 1)
    assert (second.provider, second.negative_cost_explained, second.cheapest) == (
        "Paralelo",
        True,
        True,
    )
    assert result.negative_costs and not third.cheapest
    # and with the explained one gone, the one with a margin is the cheapest
    assert comparison.rank([unexplained, plain], D(200)).cheapest.provider == "Normal"


def test_no_offer_is_the_cheapest_when_every_one_has_a_condition():
    # given USA-HND 2014Q2: every provider's rate beat the interbank rate by 8.9%, each with
    # RPW's "may be due to a promotion"
    quotes = [
        quote(
            i,
            fee=D(7 + i),
            fx_rate_offered=D("23.20"),
            interbank_rate=D("21.30"),
            notes=(PROMOTION,),
        )
        for i in range(1, 4)
    ]
    result = comparison.rank(quotes, D(200))
    assert [o.rank for o in result.offers] == [1, 2, 3]
    assert result.cheapest is None and len(result.ranked_above_cheapest) == 3
    assert all(o.conditions == [Condition.PROMOTION] for o in result.offers)


def test_a_corridor_below_zero_is_real_only_when_every_quote_below_zero_is_explained():
    assert comparison.corridor_below_zero_explained([[PARALLEL], [FAVOURABLE, "USD service"]])
    assert not comparison.corridor_below_zero_explained([[PARALLEL], []])
    assert not comparison.corridor_below_zero_explained([[PROMOTION]])
    assert not comparison.corridor_below_zero_explained([[PARALLEL, MEMBERS]])
    assert not comparison.corridor_below_zero_explained([])


def test_smart_follows_the_band_compared():
    # given two services: the first is cheaper for 200, the second for 500
    quotes = [
        quote(1, total_cost_pct=D(1)),
        quote(2, total_cost_pct=D(2)),
        quote(1, band=500, amount=D(500), total_cost_pct=D(3)),
        quote(2, band=500, amount=D(500), total_cost_pct=D(1)),
        quote(3, band=500, amount=D(500), total_cost_pct=D(2)),
        quote(4, band=500, amount=D(500), total_cost_pct=D(4)),
    ]
    assert comparison.smart_services(quotes) == {1, 2}
    assert comparison.smart_services(quotes, 500) == {1, 2, 3}
    assert {o.service_id for o in comparison.rank(quotes, D(500)).smart_offers} == {1, 2, 3}


def test_a_survey_older_than_a_year_is_stale():
    assert comparison.quarter_end("2014Q2") == dt.date(2014, 6, 30)
    assert comparison.quarter_end("2014Q4") == dt.date(2014, 12, 31)
    assert comparison.quarter_end("2014Q1") == dt.date(2014, 3, 31)
    assert comparison.quarter_end("2014") is None
    assert comparison.survey_is_stale("2014Q2", dt.date(2026, 1, 1))
    assert not comparison.survey_is_stale("2024Q4", dt.date(2025, 12, 31))
    assert comparison.survey_is_stale("2024Q4", dt.date(2026, 1, 1))
    assert not comparison.survey_is_stale("not a quarter", dt.date(2026, 1, 1))
    assert comparison.period_label("2014Q2") == "2014 Q2"
