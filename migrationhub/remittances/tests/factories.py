"""Small remittance data sets, imported through the services as a national collector would."""

import csv
import io

from migrationhub.remittances import services

COLUMNS = (
    "period",
    "sending",
    "receiving",
    "provider",
    "provider_type",
    "currency_sent",
    "amount_sent",
    "fee",
    "fx_rate_offered",
    "interbank_rate",
    "transparent",
    "band_usd",
    "product",
    "pickup_method",
    "speed",
    "coverage",
    "notes",
)

# USA -> MEX, 2024Q1: sending 200 USD at an interbank rate of 17.00 MXN per USD.
#   Remesas Rapidas: fee 2,  rate 16.83 (margin 1%)  -> RPW total 1% + 1% = 2%
#   Banco Grande:    fee 10, rate 16.66 (margin 2%)  -> RPW total 5% + 2% = 7%
#   Envios Lentos:   fee 0,  rate 16.49 (margin 3%)  -> 3%, but takes 6 days: not in SmaRT
#   Opaco:           fee 1, rate not disclosed      -> never counted, never ranked
USA_MEX = [
    {
        "provider": "Remesas Rapidas",
        "provider_type": "mto",
        "fee": "2",
        "fx_rate_offered": "16.83",
        "speed": "lt_1h",
        "pickup_method": "Cash",
    },
    {
        "provider": "Banco Grande",
        "provider_type": "bank",
        "fee": "10",
        "fx_rate_offered": "16.66",
        "speed": "next_day",
        "pickup_method": "Bank account",
    },
    {
        "provider": "Envios Lentos",
        "provider_type": "post_office",
        "fee": "0",
        "fx_rate_offered": "16.49",
        "speed": "6_days_plus",
        "pickup_method": "Cash",
    },
    {
        "provider": "Opaco",
        "provider_type": "mto",
        "fee": "1",
        "fx_rate_offered": "",
        "transparent": "no",
        "speed": "same_day",
        "pickup_method": "Cash",
    },
]


def row(**values) -> dict:
    base = {
        "period": "2024Q1",
        "sending": "USA",
        "receiving": "MEX",
        "currency_sent": "USD",
        "amount_sent": "200",
        "interbank_rate": "17.00",
        "transparent": "yes",
        "band_usd": "200",
        "product": "Cash to cash",
        "coverage": "Nationwide",
        "notes": "",
    }
    return {**base, **values}


def collector_lines(rows: list[dict]) -> list[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow({c: r.get(c, "") for c in COLUMNS})
    return buffer.getvalue().splitlines(keepends=True)


def make_quotes(rows: list[dict] | None = None, *, source: str = "Test collector") -> dict:
    rows = rows if rows is not None else [row(**r) for r in USA_MEX]
    return services.quotes_import_file(
        actor=None, lines=collector_lines(rows), layout="collector", source=source
    )
