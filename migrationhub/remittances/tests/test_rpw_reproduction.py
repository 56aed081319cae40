"""On the real RPW quotes, MigrationHub's corridor averages are the World Bank's published ones.

The reference is the DataBank export shipped in data/remittances (series ATCR.CORR, "Average
Total Cost to remit in corridor", USD 200), read here independently of the app's loader.
"""

import csv
import io
import zipfile
from decimal import Decimal

import frictionless
import pytest

from migrationhub.core import open_data
from migrationhub.remittances import costs
from migrationhub.remittances.models import CorridorStat, Quote
from migrationhub.remittances.services import DATABANK_FILE, QUOTES_FILE, data_dir

pytestmark = pytest.mark.django_db

TOLERANCE = Decimal("0.0001")  # percentage points


def published_corridor_averages() -> dict[tuple[str, str, str], Decimal]:
    with (data_dir() / DATABANK_FILE).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, values = rows[0], {}
    quarters = {i: h.split(" ")[0] for i, h in enumerate(header) if h[:4].isdigit()}
    for row in rows[1:]:
        if len(row) < len(header) or row[3] != "ATCR.CORR":
            continue
        for i, quarter in quarters.items():
            if row[i] not in ("", ".."):
                values[(row[1], row[5], quarter)] = Decimal(row[i])
    return values


def test_every_corridor_quarter_matches_the_published_average(rpw_data):
    # given the whole RPW quote file loaded, and the World Bank's published corridor series
    published = published_corridor_averages()
    # when MigrationHub computes the corridor averages (USD 200)
    computed = {
        (s.corridor.sending.iso3, s.corridor.receiving.iso3, s.period): s.average_pct
        for s in CorridorStat.objects.filter(band_usd=200).select_related(
            "corridor__sending", "corridor__receiving"
        )
    }
    # then every corridor-quarter present in both files agrees within 0.0001 pp
    both = sorted(set(published) & set(computed))
    assert len(both) == 2167
    differences = {key: abs(computed[key] - published[key]) for key in both}
    assert max(differences.values()) <= TOLERANCE, max(differences.items(), key=lambda kv: kv[1])
    # and the quarters the quote file covers have no published corridor MigrationHub misses
    covered = {quarter for _, _, quarter in computed}
    assert {k for k in published if k[2] in covered} == set(computed)


def test_the_file_loads_whole(rpw_data):
    # given the loaded file
    # then every row gave its USD 200 quote, and every priced USD 500 block its own
    with (data_dir() / QUOTES_FILE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 28467
    assert Quote.objects.filter(band_usd=200).count() == 28467
    priced_500 = sum(1 for r in rows if r["cc2 total cost %"] and r["cc2 lcu amount"])
    assert Quote.objects.filter(band_usd=500).count() == priced_500
    assert Quote.objects.values("period").distinct().count() == 10


def test_g20_sending_average_reproduces_the_published_figures(rpw_data):
    # given RPW's published averages for the G20 sending countries (RPW Q2 2014 report:
    # 8.31% in Q1 2014, 8.12% in Q2 2014), a simple average over every service sent from them
    g20 = [
        "ARG",
        "AUS",
        "BRA",
        "CAN",
        "CHN",
        "DEU",
        "FRA",
        "GBR",
        "IDN",
        "IND",
        "ITA",
        "JPN",
        "KOR",
        "MEX",
        "RUS",
        "SAU",
        "TUR",
        "USA",
        "ZAF",
    ]
    published = {"2014Q1": Decimal("8.31"), "2014Q2": Decimal("8.12")}
    for quarter, figure in published.items():
        # when
        average = costs.simple_average(
            Quote.objects.filter(
                period=quarter,
                band_usd=200,
                transparent=True,
                service__corridor__sending__iso3__in=g20,
            ).values_list("total_cost_pct", flat=True)
        )
        # then
        assert average.quantize(Decimal("0.01")) == figure


def test_the_api_serves_the_reproduced_averages(rpw_data, client):
    # given the World Bank's published corridor averages
    published = published_corridor_averages()
    # when a client reads every computed corridor average through the API
    served, page = {}, 1
    while True:
        body = client.get("/api/v1/remittances/corridors/", {"page": page, "page_size": 200}).json()
        for item in body["items"]:
            served[(item["sending"], item["receiving"], item["quarter"])] = item
        if page >= body["meta"]["pages"]:
            break
        page += 1
    # then every corridor-quarter is there, with its number of quotes, within 0.0001 pp
    assert len(served) == 2167
    for key, item in served.items():
        assert abs(Decimal(str(item["avg_total_cost_pct"])) - published[key]) <= TOLERANCE, key
        assert item["quotes"] >= 1
    # and the example of the issue reads as the World Bank published it
    (item,) = client.get(
        "/api/v1/remittances/corridors/?sending=GBR&receiving=NGA&quarter=2013Q1"
    ).json()["items"]
    assert item["quotes"] == 15
    assert round(item["avg_total_cost_pct"], 4) == round(item["published_avg_total_cost_pct"], 4)


def test_the_monitor_shows_the_real_series(rpw_data, client):
    html = client.get("/remittances/monitor/").content.decode()
    assert "2014Q2" in html and "7.90%" in html  # the global average RPW reported for Q2 2014
    compare = client.get("/remittances/", {"sending": "GBR", "receiving": "NGA"})
    assert compare.status_code == 200 and "Western Union" in compare.content.decode()


def test_the_open_data_of_the_shipped_data_is_a_valid_data_package(rpw_data, tmp_path):
    # given everything shipped, loaded
    # when the remittances package is written
    with zipfile.ZipFile(io.BytesIO(open_data.datapackage_zip("remittances"))) as archive:
        archive.extractall(tmp_path)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    # then every row fits its Table Schema, and the primary keys are unique on the real data
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    tables = open_data.package("remittances").tables
    rows = dict(zip(tables, (task.stats["rows"] for task in report.tasks), strict=True))
    assert rows["remittances-corridors"] == CorridorStat.objects.filter(band_usd=200).count()
    assert rows["remittances-published"] == rpw_data["published_values"]


def test_the_real_data_are_shown_honestly(rpw_data, client):
    from migrationhub.remittances import selectors

    # given the shipped quotes, the latest of 2014Q2
    # when the USA-MEX comparison is read
    result = selectors.comparison("USA", "MEX")
    # then Citibank's 0% "Service for members" is ranked first, flagged, and not the cheapest
    first = result.offers[0]
    assert (first.provider, first.total_cost, first.conditions) == ("Citibank", 0, ["members_only"])
    assert not first.cheapest and result.cheapest.provider == "Ria"
    assert result.survey.sources == ["rpw"] and result.survey.stale
    assert len(result.periods) == len(set(result.periods)) == 10
    # and the monitor's cheapest corridors of 2014Q2 leave out the two below zero (every quote
    # below zero "may be due to a promotion"), listed apart
    monitor = selectors.monitor("2014Q2")
    assert {s.corridor.code for s in monitor.below_zero} == {"USA-HND", "ESP-HND"}
    assert all(s.average_pct > 0 for s in monitor.cheapest) and len(monitor.cheapest) == 10
    html = client.get("/remittances/monitor/").content.decode()
    assert "Prices surveyed in <strong>2014 Q2</strong> by the World Bank" in html
    assert "Left out: averages below zero" in html
    # and the averages are those the World Bank published, every quote counted
    (hnd,) = selectors.corridor_stats(sending="USA", receiving="HND", period="2014Q2")
    published = published_corridor_averages()[("USA", "HND", "2014Q2")]
    assert abs(hnd.average_pct - published) <= TOLERANCE and hnd.average_pct < 0


def test_the_published_figure_is_exported_digit_for_digit(rpw_data):
    """Beside each corridor's computed average, the World Bank's published figure as stored:
    read from its column (an annotation's subquery came back quantised on SQLite,
    `3.80461549758910` for `3.8046154975891`)."""
    from migrationhub.remittances import exports
    from migrationhub.remittances.models import PublishedCorridorCost

    stored = {
        (p.corridor.sending.iso3, p.corridor.receiving.iso3, p.quarter): str(p.average_pct)
        for p in PublishedCorridorCost.objects.select_related(
            "corridor__sending", "corridor__receiving"
        )
    }
    rows = list(exports.corridor_rows())
    exported = {
        (r["sending"], r["receiving"], r["quarter"]): str(r["published_avg_total_cost_pct"])
        for r in rows
        if r["published_avg_total_cost_pct"] is not None
    }
    assert len(exported) == 2167
    assert all(exported[key] == stored[key] for key in exported)
