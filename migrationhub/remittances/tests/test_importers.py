"""Imports: all or nothing, every bad row reported, re-importing a period replaces it."""

from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from migrationhub.core.audit import events_for
from migrationhub.core.errors import ValidationFailed
from migrationhub.core.imports import ImportFailed
from migrationhub.remittances import services
from migrationhub.remittances.errors import Code
from migrationhub.remittances.importers import common, databank, flows, rpw
from migrationhub.remittances.models import (
    CorridorStat,
    IndicatorValue,
    Provider,
    Quote,
    QuoteImport,
    Service,
)
from migrationhub.remittances.tests.factories import USA_MEX, collector_lines, make_quotes, row

pytestmark = pytest.mark.django_db


def test_collector_quotes_are_priced_and_indicators_computed(reference):
    # given a national collector's four quotes
    # when they are imported
    counts = make_quotes()
    # then each quote carries the margin and total cost worked out from its fee and rates
    assert counts["quotes"] == 4
    quote = Quote.objects.get(service__provider__name="Banco Grande")
    assert quote.fx_margin_pct == D(2)  # (17.00 - 16.66) / 17.00
    assert quote.total_cost_pct == D(7)  # 10 / 200 + 2%
    opaque = Quote.objects.get(service__provider__name="Opaco")
    assert not opaque.transparent and opaque.fx_margin_pct is None
    # and the corridor's indicators leave the undisclosed rate out: (2 + 7 + 3) / 3 = 4
    stat = CorridorStat.objects.get(period="2024Q1", band_usd=200)
    assert (stat.average_pct, stat.quotes) == (D(4), 3)
    # SmaRT: the six-day service does not qualify: (2 + 7) / 2
    assert (stat.smart_pct, stat.smart_services) == (D("4.5"), 2)
    assert IndicatorValue.objects.get(indicator="global_average", period="2024Q1").value == D(4)
    record = QuoteImport.objects.get()
    assert record.source == "Test collector"
    # and the import is one audit event, not one per row
    (event,) = events_for(record)
    assert event.action == "remittances.quotes_import"
    assert (event.data["quotes"], event.data["periods"]) == (4, ["2024Q1"])


def test_reimporting_a_period_replaces_it(reference):
    # given an imported period
    make_quotes()
    # when the collector sends a corrected file for the same period
    corrected = [row(**r) for r in USA_MEX[:2]]
    corrected[0]["fee"] = "4"
    counts = make_quotes(corrected)
    # then the period holds the new quotes only, and the indicators follow
    assert counts["replaced"] == 4 and Quote.objects.count() == 2
    # fee 4 on 200 + 1% margin = 3%, beside Banco Grande's 7%: (3 + 7) / 2
    assert CorridorStat.objects.get(period="2024Q1", band_usd=200).average_pct == D(5)
    # and services no longer priced are gone
    assert not Service.objects.filter(provider__name="Opaco").exists()
    # importing the same file again changes nothing
    make_quotes(corrected)
    assert Quote.objects.count() == 2 and Provider.objects.filter(name="Banco Grande").count() == 1


def test_another_source_or_period_is_kept(reference):
    make_quotes()
    make_quotes([row(**r, period="2024Q2") for r in USA_MEX])
    make_quotes(source="Another collector")
    assert Quote.objects.count() == 12
    assert CorridorStat.objects.filter(band_usd=200).count() == 2


def test_bad_rows_are_all_reported_and_nothing_is_written(reference):
    # given a file with one good row and several bad ones
    rows = [
        row(**USA_MEX[0]),
        row(**{**USA_MEX[1], "receiving": "XXX"}),
        row(**{**USA_MEX[1], "currency_sent": "ZZZ"}),
        row(**{**USA_MEX[1], "fee": "-1"}),
        row(**{**USA_MEX[1], "provider_type": "bookmaker"}),
        row(**{**USA_MEX[1], "period": "2024-01"}),
        row(**{**USA_MEX[1], "interbank_rate": ""}),
        row(**{**USA_MEX[1], "speed": "by pigeon"}),
    ]
    # when
    with pytest.raises(ImportFailed) as failed:
        make_quotes(rows)
    # then every bad row is named, with its line number and column
    messages = {e.row: e.describe() for e in failed.value.row_errors}
    assert sorted(messages) == [3, 4, 5, 6, 7, 8, 9]
    assert "receiving" in messages[3] and "XXX" in messages[3]
    assert "ISO 4217" in messages[4]
    assert "fee" in messages[5]
    assert "provider_type" in messages[6]
    assert "period" in messages[7]
    assert "interbank_rate" in messages[8]
    assert "speed" in messages[9]
    assert not Quote.objects.exists() and not QuoteImport.objects.exists()


def test_a_file_without_the_columns_is_refused(reference):
    with pytest.raises(ValidationFailed) as failed:
        services.quotes_import_file(
            actor=None, lines=["a,b\n", "1,2\n"], layout="collector", source="x"
        )
    assert "missing columns" in failed.value.fields["file"][0]
    assert failed.value.code == Code.NOT_THE_LAYOUT


def test_collector_imports_need_a_source(reference):
    with pytest.raises(ValidationFailed):
        services.quotes_import_file(
            actor=None, lines=collector_lines([row(**USA_MEX[0])]), layout="collector"
        )


RPW_HEADER = ",".join(rpw.RPW_COLUMNS)


def _rpw_line(**overrides) -> str:
    values = {
        "id": "13034",
        "period": "2011_1Q",
        "source": "ARE",
        "destination": "EGY",
        "firm": "Al Fardan Exchange",
        "firm_type": "Money Transfer Operator",
        "product": "Cash to account",
        "sending location": "Not available",
        "speed actual": "2 days",
        "cc1 lcu amount": "735.0",
        "cc1 lcu code": "AED",
        "cc1 lcu fee": "15.0",
        "cc1 lcu fx rate": "1.57",
        "cc1 fx margin": "0.63",
        "cc1 total cost %": "2.67",
        "cc2 lcu amount": "1835.0",
        "cc2 lcu code": "AED",
        "cc2 lcu fee": "15.0",
        "cc2 lcu fx rate": "1.57",
        "cc2 fx margin": "0.63",
        "cc2 total cost %": "1.45",
        "inter lcu bank fx": "1.58",
        "transparent": "yes",
        "note1": "",
        "note2": "",
        "coverage": "Nationwide",
        "pick up method": "Bank Account",
        "date": "22/Jan/2011",
        **overrides,
    }
    return ",".join(values[c] for c in rpw.RPW_COLUMNS)


def test_rpw_rows_become_two_quotes_with_rpws_own_figures(reference):
    # given one row of RPW's quote-level layout
    lines = [RPW_HEADER + "\n", _rpw_line() + "\n"]
    # when
    services.quotes_import_file(actor=None, lines=lines, layout="rpw")
    # then the USD 200 and USD 500 blocks are two quotes of the quarter 2011Q1
    quotes = {q.band_usd: q for q in Quote.objects.select_related("service__provider")}
    assert set(quotes) == {200, 500}
    assert quotes[200].period == "2011Q1" and quotes[200].source == "rpw"
    assert quotes[200].total_cost_pct == D("2.67") and quotes[500].total_cost_pct == D("1.45")
    assert quotes[200].amount_sent == D(735) and quotes[200].currency_sent == "AED"
    assert quotes[200].payout_currency == "EGP"
    service = quotes[200].service
    assert (service.speed, service.pickup_method, service.payment_instrument) == (
        "2_days",
        "Bank account",
        "cash",
    )
    assert service.provider.type == Provider.MTO


def test_rpw_rows_with_errors_are_reported(reference):
    lines = [
        RPW_HEADER + "\n",
        _rpw_line(period="2011Q1") + "\n",
        _rpw_line(id="2", destination="ZZZ") + "\n",
        _rpw_line(id="3", **{"cc1 total cost %": ""}) + "\n",
    ]
    with pytest.raises(ImportFailed) as failed:
        services.quotes_import_file(actor=None, lines=lines, layout="rpw")
    assert [e.row for e in failed.value.row_errors] == [2, 3, 4]
    assert "period" in failed.value.row_errors[0].fields
    assert "destination" in failed.value.row_errors[1].fields
    assert failed.value.row_errors[2].fields == {"cc1 total cost %": ["required"]}
    assert not Quote.objects.exists()


def test_payout_currency_is_read_from_notes_or_rates(reference):
    ref = services.reference()
    lines = [
        RPW_HEADER + "\n",
        _rpw_line(id="1", note1="USD service") + "\n",
        _rpw_line(id="2", **{"inter lcu bank fx": "1", "cc1 lcu fx rate": "1"}) + "\n",
        _rpw_line(id="3", **{"inter lcu bank fx": "0.27"}) + "\n",  # far from EGP's rate
        _rpw_line(id="4") + "\n",
        _rpw_line(id="5", **{"inter lcu bank fx": "1.59"}) + "\n",
    ]
    records = rpw.read_rpw_quotes(lines, ref)
    payout = {r.source_ref: r.payout_currency for r in records if r.band_usd == 200}
    assert payout == {"1": "USD", "2": "AED", "3": "", "4": "EGP", "5": "EGP"}


def test_same_service_twice_in_a_period_gives_two_variants(reference):
    lines = [RPW_HEADER + "\n", _rpw_line(id="7") + "\n", _rpw_line(id="5") + "\n"]
    records = rpw.read_rpw_quotes(lines, services.reference())
    variants = {r.source_ref: r.variant for r in records if r.band_usd == 200}
    assert variants == {"5": 1, "7": 2}


def test_rpw_periods_map_to_quarters():
    assert common.period_from_rpw("2011_1Q") == "2011Q1"
    assert common.period_from_rpw("2014_2Q") == "2014Q2"
    with pytest.raises(ValidationFailed) as failed:
        common.period_from_rpw("2011Q1")
    assert list(failed.value.fields) == ["period"]


def test_world_bank_country_names_are_matched(reference):
    ref = services.reference()
    lines = [
        "sending_country,receiving_country,usd_millions\n",
        "United States,Mexico,30000.5\n",
        '"Korea, Rep.",Viet Nam,10\n',
        "WORLD,Mexico,99\n",
    ]
    values, skipped = flows.read_bilateral_flows(lines, ref)
    assert values == [("USA", "MEX", D("30000.5")), ("KOR", "VNM", D(10))]
    assert skipped.rows == 1 and skipped.names == {"WORLD"}


def test_flow_files_report_every_bad_row_with_its_number(reference):
    # given a KNOMAD file with two bad rows (a year and an amount) and a group to skip
    lines = [
        "country_or_group,year,inflows_usd_millions\n",
        "Mexico,2020,42000.5\n",
        "Mexico,20x1,1\n",
        "World,2020,700000\n",
        "Mexico,2022,lots\n",
    ]
    # when
    with pytest.raises(ImportFailed) as failed:
        flows.read_country_flows(lines, services.reference(), "inflows_usd_millions")
    # then
    assert [(e.row, list(e.fields)) for e in failed.value.row_errors] == [
        (3, ["year"]),
        (5, ["inflows_usd_millions"]),
    ]


def test_databank_series_reports_a_bad_value_with_its_row(reference):
    header = (
        "Sending Countries Name,Sending Countries Code,Series Name,Series Code,"
        "Receiving Countries  Name,Receiving Countries  Code,2011Q1 [YR2011Q1],2011Q3 [YR2011Q3]\n"
    )
    series = "Average Total Cost to remit in corridor,ATCR.CORR"
    good = [
        header,
        f"United States,USA,{series},Mexico,MEX,5.5,..\n",
        f"Germany,DEU,{series},Kosovo,KSV,7,8\n",
        "\n",
        "Data from database: Remittance Prices Worldwide (Corridors)\n",
    ]
    values, skipped = databank.read_databank_corridors(good, services.reference())
    assert values == [("USA", "MEX", "2011Q1", D("5.5"))]
    assert (skipped.rows, skipped.names) == (2, {"KSV"})
    with pytest.raises(ImportFailed) as failed:
        databank.read_databank_corridors(
            [*good[:2], f"United States,USA,{series},Nigeria,NGA,x,1\n"], services.reference()
        )
    (error,) = failed.value.row_errors
    assert (error.row, error.fields) == (3, {"2011Q1": ["'x' is not a number"]})


def test_import_command_reports_rows_and_if_empty_skips(reference, tmp_path, capsys):
    # given a file with a bad row
    bad = tmp_path / "quotes.csv"
    bad.write_text("".join(collector_lines([row(**{**USA_MEX[0], "receiving": "XXX"})])))
    # when / then the command fails naming the row
    with pytest.raises(CommandError) as failed:
        call_command("remittances_import", str(bad), "--source", "NSO")
    assert "row 2: receiving is not valid. (receiving: unknown country 'XXX'" in str(failed.value)
    # given a good file, a dry run writes nothing and a real run imports
    good = tmp_path / "good.csv"
    good.write_text("".join(collector_lines([row(**r) for r in USA_MEX])))
    call_command("remittances_import", str(good), "--source", "NSO", "--dry-run")
    assert not Quote.objects.exists()
    call_command("remittances_import", str(good), "--source", "NSO")
    assert Quote.objects.count() == 4
    # and loading the shipped data with --if-empty leaves existing quotes alone
    call_command("remittances_load", "--if-empty")
    assert "already loaded" in capsys.readouterr().out
    assert Quote.objects.count() == 4
