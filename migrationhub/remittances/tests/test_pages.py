"""The sender's comparison, the monitor, corridor pages, the API and the open-data files."""

import csv
import io
import json
import re
import zipfile
from decimal import Decimal as D
from pathlib import Path

import frictionless
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from migrationhub.core import open_data
from migrationhub.remittances import exports, selectors, services
from migrationhub.remittances.tests.factories import USA_MEX, make_quotes, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def quotes(reference):
    make_quotes()


def test_comparison_ranks_providers_by_what_arrives(quotes):
    # given the four USA-MEX quotes (interbank 17.00 MXN per USD)
    # when a sender pays 200 USD, fee included
    result = selectors.comparison("usa", "mex", D(200))
    # then Remesas Rapidas: fee 2, 198 converted at a 1% margin: 1.98 lost in the rate,
    # 3.98 in all (1.99%); 198 × 16.83 = 3,332.34 MXN arrive, worth 196.02 USD
    first, second, third = result.offers
    assert (first.provider, first.rank, first.cheapest, first.fastest) == (
        "Remesas Rapidas",
        1,
        True,
        True,
    )
    assert (first.fee, first.margin_cost, first.total_cost, first.total_cost_pct) == (
        D("2.00"),
        D("1.98"),
        D("3.98"),
        D("1.99"),
    )
    assert (first.received, first.payout_currency, first.received_value) == (
        D("3332.34"),
        "MXN",
        D("196.02"),
    )
    # Envios Lentos: no fee, 3% margin: 6.00 lost, 194.00 arrive; Banco Grande: 10 + 3.80
    assert (second.provider, second.received_value) == ("Envios Lentos", D("194.00"))
    assert (third.provider, third.total_cost, third.received_value) == (
        "Banco Grande",
        D("13.80"),
        D("186.20"),
    )
    # the corridor's SmaRT is made of the two services that arrive within five days
    assert {o.provider for o in result.offers if o.in_smart} == {"Remesas Rapidas", "Banco Grande"}
    # the provider that hid its rate is listed, not ranked
    (hidden,) = result.not_ranked
    assert hidden.provider == "Opaco" and "not disclosed" in hidden.reason
    assert result.stat.average_pct == D(4) and result.currency == "USD"


def test_a_larger_amount_spreads_a_fixed_fee(quotes):
    result = selectors.comparison("USA", "MEX", D(1000))
    banco = next(o for o in result.offers if o.provider == "Banco Grande")
    # 10 + 990 × 2% = 29.80, i.e. 2.98% of 1,000
    assert (banco.total_cost, banco.total_cost_pct) == (D("29.80"), D("2.98"))


def test_compare_page_lists_providers_in_order_with_cost_in_money_and_percent(quotes, client):
    # when a visitor asks without JavaScript
    response = client.get("/remittances/", {"sending": "USA", "receiving": "MEX", "amount": "200"})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    offers = html[html.index('<ol class="offers">') :]
    order = [offers.index(name) for name in ("Remesas Rapidas", "Envios Lentos", "Banco Grande")]
    assert order == sorted(order)
    assert "3.98 USD" in html and "1.99%" in html and "3,332.34 MXN" in html
    assert "Cheapest" in html and "Fastest" in html and "SmaRT" in html
    assert "Exchange rate not disclosed" in html
    assert "<script>" not in html and 'style="' not in html


def test_compare_page_says_when_a_corridor_has_no_prices(quotes, client):
    # given prices to Nigeria from the United Kingdom only
    make_quotes(
        [row(**USA_MEX[0], sending="GBR", receiving="NGA", currency_sent="GBP")], source="UK"
    )
    # when a visitor asks for the United States to Nigeria
    response = client.get("/remittances/", {"sending": "USA", "receiving": "NGA"})
    # then they are told, and shown where they can look
    html = response.content.decode()
    assert "No prices are known for this corridor." in html
    assert "?sending=USA&amp;receiving=MEX" in html  # where the sender can look instead


def test_compare_page_is_translated(quotes, client):
    response = client.get("/fr/remittances/")
    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()


def test_monitor_and_corridor_pages_draw_charts_on_the_server(quotes, client):
    monitor = client.get("/remittances/monitor/")
    corridor = client.get("/remittances/corridors/USA-MEX/")
    corridors = client.get("/remittances/corridors/?above_5=on")
    for response in (monitor, corridor):
        html = response.content.decode()
        assert response.status_code == 200
        assert "<svg" in html and "SDG 10.c: 3% global" in html
        assert 'style="' not in html
    assert "4.00%" in monitor.content.decode()  # the global average of 2024Q1
    assert "No corridor matches." in corridors.content.decode()  # 4% is not above 5%
    assert client.get("/remittances/corridors/USA-NGA/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/remittances/",
        "/remittances/?sending=USA&receiving=MEX",
        "/remittances/monitor/",
        "/remittances/corridors/",
        "/remittances/corridors/USA-MEX/",
        "/api/v1/remittances/corridors/",
        "/api/v1/remittances/compare/?sending=USA&receiving=MEX",
    ],
)
def test_pages_run_a_bounded_number_of_queries(
    reference, client, django_assert_max_num_queries, url
):
    # given many corridors and periods
    rows = []
    for period in ("2024Q1", "2024Q2", "2024Q3"):
        for receiving in ("MEX", "GTM", "SLV", "HND", "COL"):
            rows += [row(**r, period=period, receiving=receiving) for r in USA_MEX]
    make_quotes(rows)
    client.get(url)
    # then
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200


def test_api_serves_computed_corridor_averages(quotes, client):
    response = client.get(
        "/api/v1/remittances/corridors/",
        {"sending": "USA", "receiving": "MEX", "quarter": "2024Q1"},
    )
    (item,) = response.json()["items"]
    assert item["sending"] == "USA" and item["receiving"] == "MEX" and item["quarter"] == "2024Q1"
    assert (item["avg_total_cost_pct"], item["quotes"], item["smart_pct"]) == (4.0, 3, 4.5)
    assert item["published_avg_total_cost_pct"] is None
    assert client.get("/api/v1/remittances/corridors/", {"band": 300}).status_code == 422


def test_api_compare_periods_and_indicators(quotes, client):
    compare = client.get("/api/v1/remittances/compare/", {"sending": "USA", "receiving": "MEX"})
    assert [o["provider"] for o in compare.json()["offers"]] == [
        "Remesas Rapidas",
        "Envios Lentos",
        "Banco Grande",
    ]
    missing = client.get("/api/v1/remittances/compare/", {"sending": "USA", "receiving": "NGA"})
    assert missing.status_code == 404 and missing.json()["code"] == "corridor_not_found"
    (period,) = client.get("/api/v1/remittances/periods/").json()
    assert period["global_average_pct"] == 4.0 and period["sdg_10c_global_below_3"] is False
    assert period["sdg_10c_no_corridor_above_5"] is True
    types = client.get("/api/v1/remittances/indicators/", {"indicator": "provider_type_average"})
    assert {i["group"]: i["value"] for i in types.json()["items"]} == {
        "bank": 7.0,
        "mto": 2.0,
        "post_office": 3.0,
    }
    quotes = client.get("/api/v1/remittances/quotes/", {"sending": "USA", "quarter": "2024Q1"})
    assert quotes.json()["meta"]["count"] == 4
    history = client.get("/api/v1/remittances/corridors/USA/MEX/history").json()
    assert history == [
        {
            "quarter": "2024Q1",
            "avg_total_cost_pct": 4.0,
            "quotes": 3,
            "smart_pct": 4.5,
            "published_avg_total_cost_pct": None,
        }
    ]


def _hxl_vocabulary() -> tuple[set[str], set[str]]:
    folder = Path(settings.SHIPPED_DATA_DIR) / "hxl"
    with (folder / "hxl_hashtags.csv").open(encoding="utf-8") as handle:
        tags = {r["tag"] for r in csv.DictReader(handle)}
    with (folder / "hxl_attributes.csv").open(encoding="utf-8") as handle:
        attributes = {r["attribute"] for r in csv.DictReader(handle)}
    return tags, attributes


API = "/api/v1/open-data"
TABLES = ("remittances-corridors", "remittances-indicators", "remittances-published")


@pytest.fixture
def published(quotes):
    """The quotes, and the World Bank's published average of USA-MEX in two quarters."""
    services.published_series_load(
        actor=None,
        lines=[
            "Sending Countries Name,Sending Countries Code,Series Name,Series Code,"
            "Receiving Countries  Name,Receiving Countries  Code,2013Q1 [YR2013Q1],"
            "2024Q1 [YR2024Q1]\n",
            "United States,USA,Average Total Cost to remit in corridor,ATCR.CORR,Mexico,MEX,"
            "5.123456789,4.1\n",
        ],
    )


@pytest.mark.parametrize("name", TABLES)
def test_open_data_files(published, client, name):
    # when each table is fetched from the kernel's open-data router, in every format
    as_csv = client.get(f"{API}/{name}.csv")
    as_json = client.get(f"{API}/{name}.json")
    as_hxl = client.get(f"{API}/{name}.hxl.csv")
    # then
    assert as_csv["Content-Type"].startswith("text/csv")
    assert f"{name}.csv" in as_csv["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(as_csv.content.decode())))
    document = json.loads(as_json.content)
    assert document["name"] == name and document["licence"]["name"] == "CC-BY-4.0"
    assert document["source"] == {"title": exports.SOURCE, "path": exports.SOURCE_PATH}
    assert len(rows) - 1 == document["count"] == len(document["items"]) > 0
    header, hashtags = list(csv.reader(io.StringIO(as_hxl.content.decode())))[:2]
    assert header == rows[0] == list(document["items"][0])
    tags, attributes = _hxl_vocabulary()
    for hashtag in filter(None, hashtags):
        tag, *attrs = hashtag.split("+")
        assert tag in tags and all(f"+{a}" in attributes for a in attrs), hashtag
    # and the per-router downloads of old are gone
    old = name.removeprefix("remittances-")
    assert client.get(f"/api/v1/remittances/{old}.csv").status_code == 404


def test_open_data_rows_are_the_figures_of_the_api(quotes, client):
    # given the computed USA-MEX corridor of 2024Q1
    # when it is read as open data and through the API
    (row,) = client.get(f"{API}/remittances-corridors.json").json()["items"]
    (item,) = client.get("/api/v1/remittances/corridors/").json()["items"]
    lines = client.get(f"{API}/remittances-corridors.csv").content.decode().splitlines()
    # then both say the same, decimals in plain notation in the CSV
    assert row == item
    assert lines[1] == "USA,MEX,2024Q1,200,4,3,4.5,2,2,7,false,"
    assert row["avg_total_cost_pct"] == 4.0 and row["above_5pct"] is False
    indicators = client.get(f"{API}/remittances-indicators.hxl.csv").content.decode()
    assert indicators.splitlines()[1] == "#date,,#indicator+code,,#indicator+num,"


def test_remittances_data_package_validates_with_frictionless(published, tmp_path):
    # given the quotes of one corridor, and two quarters of the published series
    # when the package is written and unpacked
    with zipfile.ZipFile(io.BytesIO(open_data.datapackage_zip("remittances"))) as archive:
        assert sorted(archive.namelist()) == sorted(
            ["datapackage.json", *(f"{name}.csv" for name in TABLES)]
        )
        archive.extractall(tmp_path)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    # then it is a valid tabular data package, rows, types, constraints and keys alike
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["name"] == "migrationhub-remittances"
    assert descriptor["sources"][-1] == {"title": exports.SOURCE, "path": exports.SOURCE_PATH}
    keys = {r["name"]: r["schema"]["primaryKey"] for r in descriptor["resources"]}
    assert keys == {
        "remittances-corridors": ["sending", "receiving", "quarter", "band_usd"],
        "remittances-indicators": ["quarter", "band_usd", "indicator", "group"],
        "remittances-published": ["sending", "receiving", "quarter"],
    }
    assert [t.stats["rows"] for t in report.tasks] == [1, 11, 2]


def test_remittances_data_package_catches_a_duplicate_key(quotes, tmp_path):
    # given the package, with one indicator row written twice
    with zipfile.ZipFile(io.BytesIO(open_data.datapackage_zip("remittances"))) as archive:
        archive.extractall(tmp_path)
    indicators = tmp_path / "remittances-indicators.csv"
    lines = indicators.read_text(encoding="utf-8").splitlines(keepends=True)
    indicators.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    # when
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    # then
    assert not report.valid
    assert {error_type for (error_type,) in report.flatten(["type"])} == {"primary-key"}


def test_the_export_command_writes_the_remittance_tables(published, tmp_path):
    # when the kernel's export command writes one table, then the package's tables
    out = io.StringIO()
    call_command("core_export", "remittances-published", "csv", stdout=out)
    call_command("core_export", "remittances", "hxl", "--out", str(tmp_path))
    # then
    assert out.getvalue().splitlines()[:2] == [
        "sending,receiving,quarter,avg_total_cost_pct,series",
        "USA,MEX,2013Q1,5.123456789,ATCR.CORR",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{name}.hxl.csv" for name in TABLES]


# --- Honest figures: where the prices come from, conditions, costs below zero ------------------


def _current_quarter() -> str:
    today = timezone.localdate()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def _options(html: str, name: str) -> list[str]:
    select = html[html.index(f'name="{name}"') :]
    select = select[: select.index("</select>")]
    return re.findall(r'<option value="([^"]*)"', select)


def test_the_survey_offers_each_period_once_newest_first(reference, client):
    # given four quotes of different costs in each of three quarters
    make_quotes([row(**r, period=p) for p in ("2023Q4", "2024Q2", "2024Q1") for r in USA_MEX])
    # when the comparison is shown
    html = client.get("/remittances/", {"sending": "USA", "receiving": "MEX"}).content.decode()
    # then the survey selector has one option per quarter, newest first, after "Latest"
    assert _options(html, "period") == ["", "2024Q2", "2024Q1", "2023Q4"]
    assert ">2024 Q2</option>" in html
    assert selectors.comparison("USA", "MEX").periods == ["2024Q2", "2024Q1", "2023Q4"]


def test_old_prices_say_when_and_by_whom_they_were_surveyed_and_how_to_load_newer(
    reference, client
):
    # given the quotes of a collector surveyed in 2014Q2
    make_quotes([row(**r, period="2014Q2") for r in USA_MEX], source="Banco de México")
    # when the comparison, its form and the monitor are shown
    pages = [
        client.get("/remittances/", {"sending": "USA", "receiving": "MEX"}),
        client.get("/remittances/"),
        client.get("/remittances/monitor/"),
    ]
    # then each says, near the top, when and by whom, that prices may have changed since, and
    # how a newer survey is loaded
    for response in pages:
        html = response.content.decode()
        top = html[: html.index("Providers, ranked") if "Providers, ranked" in html else None]
        assert "Prices surveyed in <strong>2014 Q2</strong> by Banco de México." in top
        assert "These prices are more than a year old" in top
        assert "migrationhub import-remittances PATH --layout collector --source NAME" in top
    api = client.get("/api/v1/remittances/compare/", {"sending": "USA", "receiving": "MEX"})
    assert api.json()["sources"] == ["Banco de México"] and api.json()["stale"] is True


def test_recent_prices_name_their_source_without_a_warning(reference, client):
    # given RPW's layout's source and a collector's, both of this quarter
    quarter = _current_quarter()
    make_quotes([row(**USA_MEX[0], period=quarter)], source="rpw")
    make_quotes([row(**USA_MEX[1], period=quarter)], source="Banxico")
    # when
    html = client.get("/remittances/", {"sending": "USA", "receiving": "MEX"}).content.decode()
    # then
    label = f"{quarter[:4]} {quarter[4:]}"
    assert (
        f"Prices surveyed in <strong>{label}</strong> by the World Bank (Remittance Prices "
        "Worldwide), Banxico." in html
    )
    assert "more than a year old" not in html and "import-remittances" not in html


def test_an_older_survey_links_to_the_latest(reference, client):
    make_quotes([row(**r, period=p) for p in ("2013Q1", "2014Q2") for r in USA_MEX])
    html = client.get(
        "/remittances/", {"sending": "USA", "receiving": "MEX", "period": "2013Q1"}
    ).content.decode()
    assert "Prices surveyed in <strong>2013 Q1</strong>" in html
    assert "See the latest survey (2014 Q2)" in html


MEMBERS = "Service for members"


def test_an_offer_for_members_is_flagged_and_not_crowned_cheapest(reference, client):
    # given USA-MEX, where a bank sends for nothing to its members (RPW's note)
    members = {
        "provider": "Citibank",
        "provider_type": "bank",
        "fee": "0",
        "fx_rate_offered": "17.00",
        "speed": "same_day",
        "pickup_method": "Bank account",
        "notes": MEMBERS,
    }
    make_quotes([row(**r) for r in [*USA_MEX, members]])
    # when a sender compares, on the page and through the API
    response = client.get("/remittances/", {"sending": "USA", "receiving": "MEX"})
    api = client.get("/api/v1/remittances/compare/", {"sending": "USA", "receiving": "MEX"})
    # then the bank is ranked first, flagged with its condition, and the cheapest is the next
    html = response.content.decode()
    offers = html[html.index('<ol class="offers">') :]
    first = offers[: offers.index("</li>")]
    assert "Citibank" in first and 'data-conditions="members_only"' in first
    assert "Members only" in first and f">{MEMBERS}</q>" in first
    assert "badge-cheapest" not in first
    second = offers[offers.index("</li>") :]
    assert second.index("Remesas Rapidas") < second.index("badge-cheapest")
    assert re.search(r"With the cheapest provider, <strong>(<bdi>)?Remesas Rapidas", html)
    assert "One offer ranked above the cheapest has a condition" in html
    items = api.json()["offers"]
    assert [(o["provider"], o["cheapest"], o["conditions"]) for o in items[:2]] == [
        ("Citibank", False, ["members_only"]),
        ("Remesas Rapidas", True, []),
    ]
    assert items[0]["condition_notes"] == [MEMBERS]
    # and the averages still count it, as RPW does: (0 + 2 + 7 + 3) / 4
    assert api.json()["corridor_avg_total_cost_pct"] == 3.0


def test_a_cost_below_zero_is_explained_and_not_crowned_without_a_reason(reference, client):
    # given a provider whose rate beats the interbank rate with no note, and one with a note
    # naming a parallel market (both better than any other)
    below = {"provider_type": "mto", "fee": "0", "speed": "same_day", "pickup_method": "Cash"}
    make_quotes(
        [row(**r) for r in USA_MEX]
        + [
            row(**below, provider="Sin Nota", fx_rate_offered="17.50"),
            row(
                **below,
                provider="Paralelo",
                fx_rate_offered="17.40",
                notes="A negative exchange rate margin for this operator may reflect a "
                "parallel or grey foreign exchange market.",
            ),
        ]
    )
    # when
    html = client.get("/remittances/", {"sending": "USA", "receiving": "MEX"}).content.decode()
    api = client.get("/api/v1/remittances/compare/", {"sending": "USA", "receiving": "MEX"})
    # then both are shown below zero with the explanation, only the explained one is cheapest
    assert 'id="below-zero"' in html and "It does not mean that the sender is paid." in html
    assert "the survey does not show the figure to be real" in html
    assert "notes say why (a parallel market, or a more favourable rate)" in html
    assert [
        (o["provider"], o["negative_cost"], o["negative_cost_explained"], o["cheapest"])
        for o in api.json()["offers"][:3]
    ] == [
        ("Sin Nota", True, False, False),
        ("Paralelo", True, True, True),
        ("Remesas Rapidas", False, False, False),
    ]


def test_the_monitor_sets_apart_corridors_below_zero_that_nothing_explains(reference, client):
    # given USA-HND, where every provider's rate beats the interbank rate "may be due to a
    # promotion" (RPW, 2014Q2), USA-MEX and USA-GTM (same quotes, paid out in MXN)
    promotion = (
        "A negative total cost for this operator may be due to a promotion active at the time "
        "information was collected and does not mean that the sender is remunarated for using "
        "the service."
    )
    make_quotes(
        [row(**r) for r in USA_MEX]
        + [row(**r, receiving="GTM") for r in USA_MEX]
        + [
            row(**{**r, "fx_rate_offered": "18.70", "fee": "1"}, receiving="HND", notes=promotion)
            for r in USA_MEX[:3]
        ]
    )
    # when
    html = client.get("/remittances/monitor/").content.decode()
    data = selectors.monitor()
    # then the cheapest corridors are the real ones; USA-HND is listed apart, with the reason
    assert [s.corridor.code for s in data.cheapest] == ["USA-GTM", "USA-MEX"]
    assert [s.corridor.code for s in data.below_zero] == ["USA-HND"]
    cheapest = html[html.index('id="cheap-h"') : html.index('id="dear-h"')]
    assert "Left out: averages below zero" in cheapest and "/corridors/USA-HND/" in cheapest
    listed = cheapest[: cheapest.index("Left out")]
    assert "USA-HND" not in listed
    assert "It does not mean that the sender is paid." in cheapest
    # and every average still counts every quote
    assert selectors.corridor_stats(receiving="HND").get().average_pct < 0


def test_the_compare_headline_is_the_average_of_the_band_compared(reference, client):
    # given USD 200 and USD 500 quotes of one service each, 2% and 1% of the amount
    make_quotes(
        [
            row(**USA_MEX[0]),
            row(**{**USA_MEX[0], "fee": "0.5"}, band_usd="500", amount_sent="500"),
        ]
    )
    # when the sender pays 500 (nearer the USD 500 amount) or 200
    at_500 = client.get("/remittances/", {"sending": "USA", "receiving": "MEX", "amount": "500"})
    api = client.get(
        "/api/v1/remittances/compare/", {"sending": "USA", "receiving": "MEX", "amount": "500"}
    ).json()
    at_200 = client.get("/remittances/", {"sending": "USA", "receiving": "MEX", "amount": "200"})
    # then each shows the corridor average of its own band: 0.1% + 1% and 1% + 1%
    assert "<strong>1.10%</strong> corridor average for the equivalent of USD 500" in (
        at_500.content.decode()
    )
    assert (api["band_usd"], api["corridor_avg_total_cost_pct"]) == (500, 1.1)
    assert "<strong>2.00%</strong> corridor average for the equivalent of USD 200" in (
        at_200.content.decode()
    )


def test_the_quotes_carry_their_notes(reference, client):
    make_quotes([row(**USA_MEX[0], notes=MEMBERS)])
    (item,) = client.get("/api/v1/remittances/quotes/").json()["items"]
    assert item["notes"] == MEMBERS


def test_no_remittance_hxl_column_is_tagged_group(quotes, client):
    # the indicators' `group` is a region, a provider type or a country: HXL's #group is none
    for table in exports.TABLES:
        assert all(not c.hxl.startswith("#group") for c in table.columns), table.name
        hashtags = client.get(f"{API}/{table.name}.hxl.csv").content.decode().splitlines()[1]
        assert "#group" not in hashtags, table.name
