"""RPW's quote-level data (`rpw_dataset_2011_2014_q2`, columns in data/remittances/SOURCES.md).

One row per provider, product and period, with a USD 200 block (`cc1 *`) and a USD 500 block
(`cc2 *`); each priced block becomes one quote. The published per-quote `total cost %` and
`fx margin` are kept as RPW computed them: the rates in the file are rounded, so recomputing
them would differ by more than 0.015 pp on 0.7% of rows and no longer reproduce RPW's averages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from itertools import chain
from typing import Any

from django.utils.translation import gettext as _

from ..models import Provider
from .common import (
    PROVIDER_TYPES,
    QuoteRecord,
    Reference,
    country,
    currency,
    dict_rows,
    finish_quotes,
    instrument_from_product,
    invalid,
    normalise_access_point,
    normalise_pickup,
    optional_decimal,
    period_from_rpw,
    positive,
    read_rows,
    required,
    speed,
    yes_no,
)

RPW_SOURCE = "rpw"
RPW_COLUMNS = (
    "id",
    "period",
    "source",
    "destination",
    "firm",
    "firm_type",
    "product",
    "sending location",
    "speed actual",
    "cc1 lcu amount",
    "cc1 lcu code",
    "cc1 lcu fee",
    "cc1 lcu fx rate",
    "cc1 fx margin",
    "cc1 total cost %",
    "cc2 lcu amount",
    "cc2 lcu code",
    "cc2 lcu fee",
    "cc2 lcu fx rate",
    "cc2 fx margin",
    "cc2 total cost %",
    "inter lcu bank fx",
    "transparent",
    "note1",
    "note2",
    "coverage",
    "pick up method",
    "date",
)
# The amount blocks of a row (band, column prefix, always priced): USD 200, then USD 500.
BLOCKS = ((200, "cc1", True), (500, "cc2", False))

# RPW firm types (normalised: lower case, no spaces) -> Provider.type
RPW_FIRM_TYPES = {
    "bank": Provider.BANK,
    "moneytransferoperator": Provider.MTO,
    "postoffice": Provider.POST_OFFICE,
    "mobileoperator": Provider.MOBILE_OPERATOR,
    "digital-only": Provider.DIGITAL_ONLY,
    "bank/moneytransferoperator": Provider.BANK_MTO,
    "moneytransferoperator/postoffice": Provider.MTO_POST_OFFICE,
    "bank/postoffice": Provider.BANK_POST_OFFICE,
    "moneytransferoperator/buildingsociety": Provider.MTO_BUILDING_SOCIETY,
    "non-bankfi": Provider.NON_BANK_FI,
    "creditunion": Provider.CREDIT_UNION,
}


def read_rpw_quotes(lines: Iterable[str], ref: Reference) -> list[QuoteRecord]:
    """Quotes from RPW's quote-level file, two per row (USD 200 and, when priced, USD 500)."""
    rows = dict_rows(lines, RPW_COLUMNS, "RPW quote-level")
    per_row = read_rows(rows, lambda number, row: _rpw_row(number, row, ref))
    return finish_quotes(list(chain.from_iterable(per_row)), ref)


def provider_type(text: str, name: str, ref: Reference) -> str:
    """The provider's type: the reference's correction for this provider, else RPW's firm type."""
    override = ref.provider_types.get(name.casefold())
    if override:
        return override
    normal = re.sub(r"\s+", "", text.strip().lower())
    if normal in RPW_FIRM_TYPES:
        return RPW_FIRM_TYPES[normal]
    if text.strip() in PROVIDER_TYPES:
        return text.strip()
    raise invalid("firm_type", _("unknown provider type %(value)r") % {"value": text})


def rpw_date(text: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    for fmt in ("%d/%b/%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise invalid("date", _("%(value)r is not a date") % {"value": text})


def _rpw_row(number: int, row: Mapping[str, Any], ref: Reference) -> list[QuoteRecord]:
    period = period_from_rpw(row["period"] or "")
    sending = country(row, "source", ref)
    receiving = country(row, "destination", ref)
    name = (row["firm"] or "").strip()
    if not name:
        raise required("firm")
    firm_type = (row["firm_type"] or "").strip()
    product = (row["product"] or "").strip()
    common: dict[str, Any] = {
        "row": number,
        "source_ref": (row["id"] or "").strip(),
        "period": period,
        "sending": sending,
        "receiving": receiving,
        "provider_name": name,
        "provider_type": provider_type(firm_type, name, ref),
        "rpw_firm_type": firm_type,
        "product": product,
        "payment_instrument": instrument_from_product(product),
        "access_point": normalise_access_point(row["sending location"]),
        "pickup_method": normalise_pickup(row["pick up method"]),
        "speed": speed(row["speed actual"]),
        "coverage": (row["coverage"] or "").strip(),
        "transparent": yes_no(row["transparent"], "transparent"),
        "surveyed_on": rpw_date(row["date"]),
        "notes": "\n".join(n.strip() for n in (row["note1"], row["note2"]) if n and n.strip()),
        "interbank_rate": optional_decimal(row, "inter lcu bank fx"),
    }
    quotes = []
    for band, prefix, priced in BLOCKS:
        total = optional_decimal(row, f"{prefix} total cost %")
        amount = optional_decimal(row, f"{prefix} lcu amount")
        if total is None or amount is None:
            if not priced:
                continue  # the USD 500 block is not always priced
            raise required(f"{prefix} total cost %" if total is None else f"{prefix} lcu amount")
        positive(amount, f"{prefix} lcu amount")
        code = (row.get(f"{prefix} lcu code") or row["cc1 lcu code"] or "").strip()
        quotes.append(
            QuoteRecord(
                **common,
                band_usd=band,
                currency_sent=currency(code, f"{prefix} lcu code", ref, sending),
                amount_sent=amount,
                fee=optional_decimal(row, f"{prefix} lcu fee"),
                fx_rate_offered=optional_decimal(row, f"{prefix} lcu fx rate"),
                fx_margin_pct=optional_decimal(row, f"{prefix} fx margin"),
                total_cost_pct=total,
            )
        )
    return quotes
