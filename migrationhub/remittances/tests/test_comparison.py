"""The sender's comparison as a pure function: hand-worked cases, and its invariants on any quotes."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from migrationhub.remittances import comparison
from migrationhub.remittances.comparison import Reason, ServiceInfo, SurveyedQuote


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


prices = st.decimals(min_value=D("0.0001"), max_value=D(50), places=4)
quotes = st.lists(
    st.builds(
        lambda sid, band, fee, offered, interbank, transparent, speed, smart: quote(
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
        ),
        st.integers(1, 8),
        st.sampled_from([200, 500]),
        st.one_of(st.none(), st.decimals(min_value=0, max_value=D(600), places=2)),
        st.one_of(st.none(), prices),
        prices,
        st.booleans(),
        st.sampled_from(["lt_1h", "same_day", "2_days", "6_days_plus", ""]),
        st.booleans(),
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
        assert [o.cheapest for o in result.offers].count(True) == 1 and result.offers[0].cheapest
        assert [o.fastest for o in result.offers].count(True) == 1
    # what arrives and what is lost add up to what was paid, within a cent
    for offer in result.offers:
        assert abs(offer.received_value + offer.total_cost - result.amount) <= D("0.01")
    # and what cannot be ranked says why
    assert all(o.why_not_ranked is not None and o.rank == 0 for o in result.not_ranked)
