"""Remittance flows, which weight the global average: KNOMAD's inflows and outflows per country and
year, and the World Bank's bilateral matrix (sending, receiving, USD millions).

Both name countries in words (the World Bank's names, or UN M49's); rows for groups ("World",
"Sub-Saharan Africa") and areas outside UN M49 are skipped and reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from itertools import chain
from typing import Any

from django.utils.translation import gettext as _

from .common import (
    Reference,
    Skipped,
    dict_rows,
    invalid,
    iso3_of,
    optional_decimal,
    read_rows,
    required_decimal,
)

CountryFlow = tuple[str, int, Decimal]  # ISO3, year, USD millions
BilateralFlow = tuple[str, str, Decimal]  # sending ISO3, receiving ISO3, USD millions


def read_country_flows(
    lines: Iterable[str], ref: Reference, column: str
) -> tuple[list[CountryFlow], Skipped]:
    """KNOMAD inflows or outflows (`column`): (ISO3, year, USD millions)."""
    rows = dict_rows(lines, ("country_or_group", "year", column), "KNOMAD flows")
    skipped = Skipped()

    def read(number: int, row: Mapping[str, Any]) -> list[CountryFlow]:
        amount = optional_decimal(row, column)
        if amount is None:
            return []
        iso3 = iso3_of(row["country_or_group"] or "", ref)
        if iso3 is None:
            skipped.rows += 1
            skipped.names.add(row["country_or_group"])
            return []
        return [(iso3, _year(row["year"] or ""), amount)]

    return list(chain.from_iterable(read_rows(rows, read))), skipped


def read_bilateral_flows(
    lines: Iterable[str], ref: Reference
) -> tuple[list[BilateralFlow], Skipped]:
    """World Bank bilateral remittance estimates: (sending ISO3, receiving ISO3, USD millions)."""
    rows = dict_rows(
        lines, ("sending_country", "receiving_country", "usd_millions"), "bilateral matrix"
    )
    skipped = Skipped()

    def read(number: int, row: Mapping[str, Any]) -> list[BilateralFlow]:
        names = (row["sending_country"] or "", row["receiving_country"] or "")
        sending, receiving = (iso3_of(name, ref) for name in names)
        if sending is None or receiving is None:
            skipped.rows += 1
            skipped.names |= {
                n for n, code in zip(names, (sending, receiving), strict=True) if code is None
            }
            return []
        return [(sending, receiving, required_decimal(row, "usd_millions"))]

    return list(chain.from_iterable(read_rows(rows, read))), skipped


def _year(text: str) -> int:
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise invalid("year", _("%(value)r is not a year") % {"value": text})
    return int(text)
