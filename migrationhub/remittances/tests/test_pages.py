"""The sender's comparison, the monitor, corridor pages, the API and the open-data files."""

import csv
import io
import json
import zipfile
from decimal import Decimal as D
from pathlib import Path

import frictionless
import pytest
from django.conf import settings
from django.core.management import call_command

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
