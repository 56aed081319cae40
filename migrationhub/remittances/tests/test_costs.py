"""The cost formulas and every RPW indicator, on cases worked out by hand, and properties."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from migrationhub.remittances import costs

# --- one quote ------------------------------------------------------------------------------


def test_fx_margin_and_rpw_total_cost_of_a_real_quote():
    # given the first RPW quote: 735 AED sent to Egypt for a fee of 15 AED, at 1.57 EGP per AED
    # when the interbank rate was 1.58
    margin = costs.fx_margin_pct(D("1.57"), D("1.58"))
    total = costs.rpw_total_cost_pct(
        amount=D(735), fee=D(15), offered_rate=D("1.57"), interbank_rate=D("1.58")
    )
    # then margin = 0.01 / 1.58 = 0.6329%, total = 15/735 = 2.0408% + 0.6329% = 2.6737%
    # (RPW published 0.63 and 2.67)
    assert margin.quantize(D("0.0001")) == D("0.6329")
    assert total.quantize(D("0.0001")) == D("2.6737")


def test_what_arrives_when_a_sender_pays_200_with_the_fee_included():
    # given 200 USD paid in total, a fee of 5, 12.65 MXN per USD offered, 12.95 interbank
    outcome = costs.sender_outcome(
        amount=D(200), fee=D(5), offered_rate=D("12.65"), interbank_rate=D("12.95")
    )
    # then 195 USD are converted: 195 × 12.65 = 2,466.75 MXN arrive
    assert outcome.converted == D(195)
    assert outcome.received == D("2466.75")
    # the margin is 0.30 / 12.95 = 2.3166%, i.e. 195 × 2.3166% = 4.5174 USD lost in the rate
    assert outcome.fx_margin_pct.quantize(D("0.0001")) == D("2.3166")
    assert outcome.margin_cost.quantize(D("0.0001")) == D("4.5174")
    # total lost: 5 + 4.5174 = 9.5174 USD, 4.7587% of what was paid; 190.4826 USD arrive in value
    assert outcome.total_cost.quantize(D("0.0001")) == D("9.5174")
    assert outcome.total_cost_pct.quantize(D("0.0001")) == D("4.7587")
    assert outcome.received_value.quantize(D("0.0001")) == D("190.4826")


def test_a_fee_that_takes_everything_is_refused():
    try:
        costs.sender_outcome(amount=D(5), fee=D(5), offered_rate=D(1), interbank_rate=D(1))
    except ValueError as exc:
        assert "whole amount" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected ValueError")


money = st.decimals(min_value=D("1.00"), max_value=D("100000"), places=2)
rates = st.decimals(min_value=D("0.0001"), max_value=D("20000"), places=4)


@given(
    amount=money, fee_share=st.decimals(min_value=0, max_value=D("0.99"), places=2), data=st.data()
)
def test_what_arrives_plus_what_is_lost_is_what_was_paid(amount, fee_share, data):
    # given any amount, fee below it and pair of rates
    fee = (amount * fee_share).quantize(D("0.01"))
    interbank = data.draw(rates)
    offered = data.draw(rates)
    # when
    outcome = costs.sender_outcome(
        amount=amount, fee=fee, offered_rate=offered, interbank_rate=interbank
    )
    # then nothing is created or destroyed (to Decimal's 28 significant digits)
    assert abs(outcome.received_value + outcome.total_cost - amount) <= amount * D("1e-24")
    # and the value that arrives is what is paid out, valued at the interbank rate
    assert abs(outcome.received / interbank - outcome.received_value) <= amount * D("1e-20")
    # and RPW's cost (fee on top) exceeds the sender's share lost by exactly fee × margin / amount
    rpw = costs.rpw_total_cost_pct(
        amount=amount, fee=fee, offered_rate=offered, interbank_rate=interbank
    )
    gap = fee * outcome.fx_margin_pct / amount
    assert abs(rpw - outcome.total_cost_pct - gap) <= D("1e-18")


@given(rate=rates)
def test_no_margin_at_the_interbank_rate(rate):
    assert costs.fx_margin_pct(rate, rate) == 0


# --- which services count -----------------------------------------------------------------------


def test_smart_access_approximates_speed_and_access():
    ok = {"speed": "3_5_days", "coverage": "Nationwide", "pickup_method": "Cash", "product": ""}
    assert costs.smart_access(**ok)
    assert not costs.smart_access(**{**ok, "speed": "6_days_plus"})
    assert not costs.smart_access(**{**ok, "speed": ""})
    assert not costs.smart_access(**{**ok, "coverage": "Urban only"})
    assert not costs.smart_access(**{**ok, "pickup_method": "Own/partner bank account"})
    assert not costs.smart_access(**{**ok, "product": "Account to account (same bank)"})


def test_only_transparent_quotes_count():
    assert costs.counts_in_averages(transparent=True)
    assert not costs.counts_in_averages(transparent=False)


# --- the indicators, worked out by hand ------------------------------------------------------

REGIONS = {"NGA": "Sub-Saharan Africa", "IND": "South Asia", "MEX": "Latin America & Caribbean"}
# period, sending, receiving, total cost %, transparent, SmaRT access, provider type
HAND_MADE = [
    ("2020Q1", "GBR", "NGA", D("2.00"), True, True, "mto"),
    ("2020Q1", "GBR", "NGA", D("4.00"), True, True, "bank"),
    ("2020Q1", "GBR", "NGA", D("6.00"), True, False, "bank"),  # too slow for SmaRT
    ("2020Q1", "GBR", "NGA", D("1.00"), False, True, "mto"),  # rate not disclosed: never counts
    ("2020Q1", "GBR", "IND", D("5.00"), True, True, "mto"),
    ("2020Q1", "GBR", "IND", D("7.00"), True, True, "mto"),
    ("2020Q1", "GBR", "IND", D("9.00"), True, True, "bank"),
    ("2020Q1", "GBR", "IND", D("3.00"), True, True, "digital_only"),
    ("2020Q1", "USA", "MEX", D("4.50"), True, False, "mto"),  # main city only
    ("2020Q2", "GBR", "NGA", D("5.00"), True, True, "mto"),
]
WEIGHTS = {("GBR", "NGA"): 100.0, ("GBR", "IND"): 300.0}  # no flow known for USA-MEX


def _hand_made_indicators():
    return costs.compute_indicators(costs.QuoteTable.build(HAND_MADE, REGIONS), WEIGHTS)


def test_corridor_averages_cheapest_dearest_and_smart_by_hand():
    # given the hand-made quotes
    # when
    figures = {(c.period, c.sending, c.receiving): c for c in _hand_made_indicators().corridors}
    # then GBR-NGA: (2 + 4 + 6) / 3 = 4; SmaRT: the two qualifying, (2 + 4) / 2 = 3
    nga = figures[("2020Q1", "GBR", "NGA")]
    assert (nga.average, nga.quotes, nga.cheapest, nga.dearest) == (D(4), 3, D(2), D(6))
    assert (nga.smart, nga.smart_services) == (D(3), 2)
    # GBR-IND: (5 + 7 + 9 + 3) / 4 = 6; SmaRT: the three cheapest, (3 + 5 + 7) / 3 = 5
    ind = figures[("2020Q1", "GBR", "IND")]
    assert (ind.average, ind.smart, ind.smart_services) == (D(6), D(5), 3)
    assert ind.above_5 and not nga.above_5
    # USA-MEX: one quote, no SmaRT (none qualifies)
    mex = figures[("2020Q1", "USA", "MEX")]
    assert (mex.average, mex.smart, mex.smart_services) == (D("4.5"), None, 0)
    assert figures[("2020Q2", "GBR", "NGA")].average == D(5)


def test_global_indicators_and_sdg_flags_by_hand():
    # given the hand-made quotes
    # when
    periods = {p.period: p for p in _hand_made_indicators().periods}
    q1 = periods["2020Q1"]
    # then the global average is over services: (2+4+6+5+7+9+3+4.5) / 8 = 40.5 / 8 = 5.0625
    assert (q1.global_average, q1.quotes) == (D("5.0625"), 8)
    # weighted by flows: (4 × 100 + 6 × 300) / 400 = 5.5, over the two corridors with a flow
    assert (q1.weighted_average, q1.weighted_corridors) == (D("5.5"), 2)
    # global SmaRT: the corridors' SmaRTs, (3 + 5) / 2 = 4, over two corridors
    assert (q1.smart, q1.smart_corridors) == (D(4), 2)
    # corridors: 4 and 4.5 are below 5, 6 is above: 2 of 3 below
    assert (q1.corridors, q1.corridors_under_5, q1.corridors_above_5) == (3, 2, 1)
    assert q1.share_under_5_pct == D("66.66666667")
    assert not q1.sdg_global_below_3 and not q1.sdg_no_corridor_above_5
    # 2020Q2: one corridor at exactly 5%: neither below nor above
    q2 = periods["2020Q2"]
    assert (q2.corridors_under_5, q2.corridors_above_5, q2.share_under_5_pct) == (0, 0, D(0))
    assert q2.sdg_no_corridor_above_5 and not q2.sdg_global_below_3


def test_regional_provider_type_and_country_averages_by_hand():
    # given the hand-made quotes
    # when
    groups = {
        (g.period, g.kind, g.group): (g.average, g.quotes) for g in _hand_made_indicators().groups
    }
    # then regions are those of the receiving countries
    assert groups[("2020Q1", costs.REGION, "Sub-Saharan Africa")] == (D(4), 3)
    assert groups[("2020Q1", costs.REGION, "South Asia")] == (D(6), 4)
    assert groups[("2020Q1", costs.REGION, "Latin America & Caribbean")] == (D("4.5"), 1)
    # provider types: MTOs (2 + 5 + 7 + 4.5) / 4; banks (4 + 6 + 9) / 3; digital-only 3
    assert groups[("2020Q1", costs.PROVIDER_TYPE, "mto")] == (D("4.625"), 4)
    assert groups[("2020Q1", costs.PROVIDER_TYPE, "bank")] == (D("6.33333333"), 3)
    assert groups[("2020Q1", costs.PROVIDER_TYPE, "digital_only")] == (D(3), 1)
    # sending from the United Kingdom: (2+4+6+5+7+9+3) / 7 = 36 / 7
    assert groups[("2020Q1", costs.SENDING_COUNTRY, "GBR")] == (D("5.14285714"), 7)
    assert groups[("2020Q1", costs.RECEIVING_COUNTRY, "MEX")] == (D("4.5"), 1)


def test_smart_takes_three_of_equal_cheapest():
    # given four services at 1% and one at 9%
    rows = [("2020Q1", "GBR", "NGA", D(c), True, True, "mto") for c in (1, 1, 1, 1, 9)]
    # when
    (figure,) = costs.compute_indicators(costs.QuoteTable.build(rows)).corridors
    # then SmaRT is 1, from three services; the average is 13 / 5
    assert (figure.smart, figure.smart_services, figure.average) == (D(1), 3, D("2.6"))


def test_global_average_below_three_percent_meets_sdg_10c():
    rows = [("2030Q1", "GBR", "NGA", D(c), True, True, "mto") for c in ("2.5", "2.9")]
    (period,) = costs.compute_indicators(costs.QuoteTable.build(rows)).periods
    assert period.sdg_global_below_3 and period.sdg_no_corridor_above_5


def test_sdg_flags_reference_function():
    flags = costs.sdg_10c_flags(D("2.99"), [D("4.99"), D("5.01")])
    assert flags == {"global_below_3": True, "corridors_above_5": 1, "no_corridor_above_5": False}


# --- the vectorised computation is the Decimal reference, exactly --------------------------

quote_rows = st.lists(
    st.tuples(
        st.sampled_from(["2011Q1", "2011Q3"]),
        st.sampled_from(["GBR", "USA"]),
        st.sampled_from(["NGA", "IND", "MEX"]),
        st.decimals(min_value=D("-9"), max_value=D("80"), places=4),
        st.booleans(),
        st.booleans(),
        st.sampled_from(["mto", "bank", "digital_only"]),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(rows=quote_rows)
def test_vectorised_indicators_equal_the_decimal_formulas(rows):
    # given any quotes
    # when
    result = costs.compute_indicators(costs.QuoteTable.build(rows, REGIONS))
    # then each figure is the reference formula on the counted quotes, to 8 decimal places
    counted = [r for r in rows if costs.counts_in_averages(transparent=r[4])]
    by_corridor = {}
    for r in counted:
        by_corridor.setdefault((r[0], r[1], r[2]), []).append(r)
    assert {(c.period, c.sending, c.receiving) for c in result.corridors} == set(by_corridor)
    for c in result.corridors:
        quotes = by_corridor[(c.period, c.sending, c.receiving)]
        assert c.average == costs.quantize(costs.simple_average(q[3] for q in quotes))
        smart = costs.smart_average(q[3] for q in quotes if q[5])
        assert c.smart == (costs.quantize(smart) if smart is not None else None)
        assert (c.cheapest, c.dearest) == (min(q[3] for q in quotes), max(q[3] for q in quotes))
    for p in result.periods:
        in_period = [r[3] for r in counted if r[0] == p.period]
        expected = costs.simple_average(in_period)
        assert p.global_average == (costs.quantize(expected) if expected is not None else None)
        averages = [c.average for c in result.corridors if c.period == p.period]
        flags = costs.sdg_10c_flags(p.global_average, averages)
        assert p.corridors_above_5 == flags["corridors_above_5"]
    for g in result.groups:
        if g.kind == costs.PROVIDER_TYPE:
            values = [r[3] for r in counted if r[0] == g.period and r[6] == g.group]
            assert g.average == costs.quantize(costs.simple_average(values))
