"""National data collectors' quotes: a CSV of `COLLECTOR_COLUMNS`, one quote per row.

The exchange-rate margin and total cost are computed here with `costs`, as RPW defines them; a
provider that does not disclose its rate (`transparent` = no) is recorded with its fee only, and
is left out of the averages as RPW does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from .. import costs
from .common import (
    INSTRUMENTS,
    PROVIDER_TYPES,
    QuoteRecord,
    Reference,
    check_period,
    country,
    currency,
    dict_rows,
    finish_quotes,
    instrument_from_product,
    invalid,
    normalise_access_point,
    normalise_pickup,
    optional_decimal,
    positive,
    read_rows,
    required,
    required_decimal,
    speed,
    yes_no,
)

COLLECTOR_REQUIRED = (
    "period",
    "sending",
    "receiving",
    "provider",
    "provider_type",
    "currency_sent",
    "amount_sent",
    "fee",
)
COLLECTOR_COLUMNS = (
    *COLLECTOR_REQUIRED,
    "fx_rate_offered",
    "interbank_rate",
    "transparent",
    "band_usd",
    "product",
    "payment_instrument",
    "access_point",
    "pickup_method",
    "speed",
    "coverage",
    "payout_currency",
    "surveyed_on",
    "notes",
    "ref",
)


def read_collector_quotes(lines: Iterable[str], ref: Reference) -> list[QuoteRecord]:
    """Quotes from a national data collector's CSV (`COLLECTOR_COLUMNS`, one quote per row)."""
    rows = dict_rows(lines, COLLECTOR_REQUIRED, "national collector")
    return finish_quotes(read_rows(rows, lambda number, row: _collector_row(number, row, ref)), ref)


def _collector_row(number: int, raw: Mapping[str, Any], ref: Reference) -> QuoteRecord:
    row = {
        (k or "").strip(): (v or "").strip() for k, v in raw.items() if isinstance(v, str | None)
    }
    period = check_period(row["period"])
    sending = country(row, "sending", ref)
    receiving = country(row, "receiving", ref)
    if sending == receiving:
        raise invalid("receiving", _("must differ from sending"))
    name = row["provider"]
    if not name:
        raise required("provider")
    provider_type = row["provider_type"].lower()
    if provider_type not in PROVIDER_TYPES:
        raise invalid(
            "provider_type",
            _("%(value)r is not one of the known types") % {"value": row["provider_type"]},
        )
    amount = required_decimal(row, "amount_sent")
    fee = required_decimal(row, "fee")
    positive(amount, "amount_sent")
    if fee < 0:
        raise invalid("fee", _("cannot be negative"))
    transparent = yes_no(row.get("transparent", ""), "transparent", default=True)
    offered = optional_decimal(row, "fx_rate_offered")
    interbank = optional_decimal(row, "interbank_rate")
    positive(offered, "fx_rate_offered")
    positive(interbank, "interbank_rate")
    margin = None
    if transparent:
        if offered is None:
            raise required("fx_rate_offered")
        if interbank is None:
            raise required("interbank_rate")
        margin = costs.fx_margin_pct(offered, interbank)
        total = costs.rpw_total_cost_pct(
            amount=amount, fee=fee, offered_rate=offered, interbank_rate=interbank
        )
    else:
        total = fee / amount * costs.HUNDRED
    band_text = row.get("band_usd") or "200"
    if not band_text.isdigit() or int(band_text) not in costs.BANDS_USD:
        raise invalid("band_usd", _("200 or 500"))
    instrument = (row.get("payment_instrument") or "").lower()
    if instrument and instrument not in INSTRUMENTS:
        raise invalid(
            "payment_instrument",
            _("%(value)r is not one of %(choices)s")
            % {"value": instrument, "choices": ", ".join(sorted(INSTRUMENTS))},
        )
    payout = (row.get("payout_currency") or "").upper()
    if payout and payout not in ref.currencies:
        raise invalid(
            "payout_currency", _("%(code)r is not an ISO 4217 currency") % {"code": payout}
        )
    product = row.get("product", "")
    return QuoteRecord(
        row=number,
        source_ref=row.get("ref", ""),
        period=period,
        sending=sending,
        receiving=receiving,
        provider_name=name,
        provider_type=provider_type,
        rpw_firm_type="",
        product=product,
        payment_instrument=instrument or instrument_from_product(product),
        access_point=normalise_access_point(row.get("access_point", "")),
        pickup_method=normalise_pickup(row.get("pickup_method", "")),
        speed=speed(row.get("speed", "")),
        coverage=row.get("coverage", ""),
        band_usd=int(band_text),
        currency_sent=currency(row["currency_sent"], "currency_sent", ref, sending),
        amount_sent=amount,
        fee=fee,
        fx_rate_offered=offered,
        interbank_rate=interbank,
        fx_margin_pct=margin,
        total_cost_pct=total,
        transparent=transparent,
        payout_currency=payout,
        surveyed_on=_date(row.get("surveyed_on", ""), "surveyed_on"),
        notes=row.get("notes", ""),
    )


def _date(text: str, column: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise invalid(column, _("not a date (YYYY-MM-DD)")) from exc
