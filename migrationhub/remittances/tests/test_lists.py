"""The lists the remittance pages write in Python (`templatetags/remittance_lists.py`): every
value escaped, the empty cases, the figures as `fixed` writes them."""

from decimal import Decimal as D
from types import SimpleNamespace

from django.utils import translation

from migrationhub.remittances.comparison import Condition, Offer, Ranking
from migrationhub.remittances.selectors import CorridorName, GroupRow, RankedCorridor
from migrationhub.remittances.templatetags import remittance_lists as lists

HOSTILE = '<script>alert("x")</script> & Co'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co"


def _offer(**values) -> Offer:
    base = dict(
        service_id=1,
        provider="Ria",
        provider_type="Money transfer operator",
        product="",
        payment_instrument="",
        access_point="",
        pickup_method="",
        speed="",
        speed_label="",
        coverage="",
        smart_access=False,
        transparent=True,
        band_usd=200,
        fee=D("5.00"),
        fx_margin_pct=D("1.50"),
        margin_cost=D("2.93"),
        total_cost=D("7.93"),
        total_cost_pct=D("3.97"),
        received_value=D("192.07"),
        rank=1,
    )
    return Offer(**{**base, **values})


def _ranking(offers: list[Offer]) -> Ranking:
    return Ranking(
        amount=D("200"), currency="USD", band_usd=200, band_amount=D("200"), offers=offers
    )


def test_offer_list_escapes_what_the_survey_recorded():
    offer = _offer(
        provider=HOSTILE,
        product=HOSTILE,
        access_point=HOSTILE,
        pickup_method=HOSTILE,
        payout_currency="<b>",
        received=D("3500.5"),
        conditions=[Condition.MEMBERS_ONLY],
        condition_notes=[HOSTILE],
        condition_labels=[HOSTILE],
    )
    with translation.override("en"):
        html = lists.offer_list(_ranking([offer]))
    assert "<script>" not in html and "<b>" not in html
    assert html.count(ESCAPED) == 6  # provider, badge, note, pick-up, product, access point
    assert 'data-conditions="members_only"' in html and "offer-conditional" in html
    # figures as `fixed` writes them, thousands grouped where the template grouped them
    assert "3,500.50 &lt;b&gt; · worth 192.07 USD" in html
    assert "<dd>1.50% · 2.93 USD</dd>" in html and "<strong>3.97%</strong>" in html
    assert "<dd>—</dd>" in html  # no speed recorded


def test_offer_list_says_when_no_provider_disclosed_a_price():
    with translation.override("en"):
        html = lists.offer_list(_ranking([]))
    assert html.strip() == "<li>No provider in this survey disclosed a full price.</li>"


def test_corridor_rows_escape_names_and_say_when_none_matches():
    country = SimpleNamespace(label=HOSTILE)
    stat = SimpleNamespace(
        corridor=SimpleNamespace(code="USA-MEX", sending=country, receiving=country),
        average_pct=D("-0.5"),
        smart_pct=None,
        cheapest_pct=D("-1"),
        dearest_pct=D("7.125"),
        quotes=12,
        above_5=True,
    )
    with translation.override("en"):
        html = lists.corridor_rows([(stat, D("5.6"))])
        empty = lists.corridor_rows([])
    assert f"{ESCAPED} → {ESCAPED}</a>" in html and "<script>" not in html
    assert 'href="/remittances/corridors/USA-MEX/"' in html
    assert html.count('class="below-zero-mark"') == 2 and 'title="above 5%"' in html
    assert "<td>—</td>" not in html and '<td class="num">—</td>' in html
    assert '<td class="num">7.13%</td>' in html and '<td class="num">5.60%</td>' in html
    assert '<td colspan="7">No corridor matches.</td>' in empty


def test_monitor_lists_escape_names_and_write_nothing_when_empty():
    name = CorridorName("USA", "MEX", HOSTILE, "Mexico")
    with translation.override("en"):
        ranking = lists.corridor_ranking([RankedCorridor(name, D("1.234"))])
        types = lists.provider_type_rows([GroupRow("bank", HOSTILE, D("9.999"), 3)])
        regions = lists.region_rows([(HOSTILE, [D("2"), None])])
    assert ranking == (
        f'<li><a href="/remittances/corridors/USA-MEX/">{ESCAPED} → Mexico</a> '
        '<span class="num">1.23%</span></li>'
    )
    assert f'<th scope="row">{ESCAPED}</th><td class="num">10.00%</td>' in types
    assert regions.endswith('<td class="num">2.00%</td><td class="num"></td></tr>')
    assert lists.corridor_ranking([]) == lists.summary_rows([]) == ""
