"""What the remittance readers share: the reference rows are checked against, the quote record,
the row runner, and the parsers of periods, numbers, countries, currencies and the rest.

A parser raises `ValidationFailed` naming the column at fault (`invalid`); `read_rows` runs a
layout's row function over every row through the kernel's `validate_rows`, so that a file with
bad rows fails with the kernel's `ImportFailed`, every bad row reported with its number. Rows are
numbered as a spreadsheet shows them: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from migrationhub.core.errors import ValidationFailed
from migrationhub.core.imports import validate_rows

from .. import costs
from ..errors import Code
from ..models import Provider, Service

R = TypeVar("R")
T = TypeVar("T")

FIRST_ROW = 2  # the header is row 1
PROVIDER_TYPES = {code for code, _label in Provider.TYPES}
INSTRUMENTS = {code for code, _label in Service.INSTRUMENTS}
SPEEDS = {label.lower(): code for code, label in costs.SPEED_BANDS} | {
    code: code for code, _label in costs.SPEED_BANDS
}
ACCESS_POINTS = {"at branch": "Branch", "call center": "Call centre", "on-line": "Online"}
PICKUP_METHODS = {
    "cash": "Cash",
    "bank account": "Bank account",
    "own/partner bank account": "Own/partner bank account",
    "own/partner bank account in receiving country": "Own/partner bank account",
    "home delivery": "Home delivery",
    "door to door": "Home delivery",
    "atm": "ATM",
    "atm network": "ATM",
    "mobile": "Mobile",
    "credit card": "Card",
    "prepaid cash card": "Prepaid card",
}
# RPW writes "CFA" for the CFA franc; ISO 4217 has XOF (West) and XAF (Central Africa).
CURRENCY_ALIASES = {"CFA": ("XOF", "XAF")}
PERIOD = re.compile(r"^(\d{4})Q([1-4])$")
RPW_PERIOD = re.compile(r"^(\d{4})_([1-4])Q$")
MISSING = {"NA", ".."}  # how the World Bank's files write a missing number
# Pay-out currency named in RPW's notes or product ("USD service", "pays out USD", ...).
PAYOUT_PATTERNS = (
    re.compile(r"\b([A-Z]{3}) [Ss]ervice\b"),
    re.compile(r"\bpays? ?out (?:in )?([A-Z]{3})\b"),
    re.compile(r"\bpayout in ([A-Z]{3})\b"),
)
LOCAL_CURRENCY = "LCU"
PAYOUT_RATE_TOLERANCE = 1.25  # an interbank rate this far from the corridor's is another currency


@dataclass
class Reference:
    """What rows are checked against: known countries (ISO3 -> ISO 4217), currencies, names."""

    countries: dict[str, str]
    currencies: set[str]
    names: dict[str, str] = field(default_factory=dict)  # case-folded country name -> ISO3
    provider_types: dict[str, str] = field(default_factory=dict)  # case-folded name -> type


@dataclass
class QuoteRecord:
    row: int
    source_ref: str
    period: str
    sending: str
    receiving: str
    provider_name: str
    provider_type: str
    rpw_firm_type: str
    product: str
    payment_instrument: str
    access_point: str
    pickup_method: str
    speed: str
    coverage: str
    band_usd: int
    currency_sent: str
    amount_sent: Decimal
    fee: Decimal | None
    fx_rate_offered: Decimal | None
    interbank_rate: Decimal | None
    fx_margin_pct: Decimal | None
    total_cost_pct: Decimal
    transparent: bool
    payout_currency: str = ""
    surveyed_on: dt.date | None = None
    notes: str = ""
    variant: int = 1

    @property
    def service_key(self) -> tuple[str, ...]:
        return (
            self.sending,
            self.receiving,
            self.provider_name.casefold(),
            self.provider_type,
            self.product,
            self.access_point,
            self.pickup_method,
            self.speed,
            self.coverage,
        )


@dataclass
class Skipped:
    """Rows a reference file carries that MigrationHub does not keep, with the reason."""

    rows: int = 0
    names: set[str] = field(default_factory=set)


# --- rows ------------------------------------------------------------------------------------


def invalid(column: str, problem: str) -> ValidationFailed:
    """The error of a row whose `column` holds a bad value (`problem` says what is wrong)."""
    return ValidationFailed(
        _("%(column)s is not valid.") % {"column": column}, fields={column: [problem]}
    )


def required(column: str) -> ValidationFailed:
    return invalid(column, _("required"))


def check_columns(fieldnames: Iterable[str] | None, needed: Iterable[str], layout: str) -> None:
    """Refuse a file that lacks a column of `layout`, before any row is read."""
    present = {(c or "").strip() for c in (fieldnames or [])}
    missing = ", ".join(c for c in needed if c not in present)
    if missing:
        raise ValidationFailed(
            _("Not the %(layout)s layout: missing columns %(columns)s.")
            % {"layout": layout, "columns": missing},
            fields={"file": [_("missing columns: %(columns)s") % {"columns": missing}]},
            code=Code.NOT_THE_LAYOUT,
        )


def read_rows(rows: Iterable[R], read: Callable[[int, R], T]) -> list[T]:
    """`read(number, row)` for every row, numbered from FIRST_ROW; the kernel's ImportFailed
    with every bad row if any fails."""
    return validate_rows(
        enumerate(rows, start=FIRST_ROW), lambda item: read(*item), first_row=FIRST_ROW
    )


def dict_rows(lines: Iterable[str], needed: Iterable[str], layout: str) -> csv.DictReader[str]:
    """The rows of a CSV with a header, once the header is known to hold `needed`."""
    reader = csv.DictReader(lines)
    check_columns(reader.fieldnames, needed, layout)
    return reader


# --- values ----------------------------------------------------------------------------------


def period_from_rpw(text: str) -> str:
    """RPW's `2011_1Q` is the quarter `2011Q1`."""
    match = RPW_PERIOD.match(text.strip())
    if not match:
        raise invalid("period", _("%(value)r is not like 2011_1Q") % {"value": text})
    return f"{match.group(1)}Q{match.group(2)}"


def check_period(text: str) -> str:
    """A quarter written `2024Q1` (any case)."""
    text = text.strip().upper()
    if not PERIOD.match(text):
        raise invalid("period", _("%(value)r is not a quarter like 2024Q1") % {"value": text})
    return text


def parse_decimal(text: str, column: str) -> Decimal:
    """A finite number written in plain or scientific notation."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation as exc:
        raise invalid(column, _("%(value)r is not a number") % {"value": text}) from exc
    if not value.is_finite():
        raise invalid(column, _("%(value)r is not a number") % {"value": text})
    return value


def optional_decimal(row: Mapping[str, Any], column: str) -> Decimal | None:
    """The number in `column`; None when it is empty or marked missing (`NA`, `..`)."""
    text = (row.get(column) or "").strip()
    if not text or text.upper() in MISSING:
        return None
    return parse_decimal(text, column)


def required_decimal(row: Mapping[str, Any], column: str) -> Decimal:
    value = optional_decimal(row, column)
    if value is None:
        raise required(column)
    return value


def positive(value: Decimal | None, column: str) -> None:
    if value is not None and value <= 0:
        raise invalid(column, _("must be positive"))


def country(row: Mapping[str, Any], column: str, ref: Reference) -> str:
    """A known country, as ISO 3166 alpha-3."""
    code = (row.get(column) or "").strip().upper()
    if code not in ref.countries:
        raise invalid(column, _("unknown country %(code)r (ISO 3166 alpha-3)") % {"code": code})
    return code


def currency(code: str, column: str, ref: Reference, sending: str) -> str:
    """An ISO 4217 currency; RPW's `CFA` is the franc of the sending country."""
    code = code.strip().upper()
    if code in CURRENCY_ALIASES:
        local = ref.countries.get(sending, "")
        if local in CURRENCY_ALIASES[code]:
            return local
        raise invalid(
            column,
            _("%(code)r is ambiguous for %(country)s") % {"code": code, "country": sending},
        )
    if code not in ref.currencies:
        raise invalid(column, _("%(code)r is not an ISO 4217 currency") % {"code": code})
    return code


def speed(text: str) -> str:
    """A speed band of `costs.SPEED_BANDS`, by code or label; empty when not known."""
    text = (text or "").strip()
    if not text or text.lower() in {"n/a", "na", "not available"}:
        return ""
    if text.lower() not in SPEEDS:
        raise invalid("speed", _("unknown %(value)r") % {"value": text})
    return SPEEDS[text.lower()]


def yes_no(text: str, column: str, default: bool | None = None) -> bool:
    text = (text or "").strip().lower()
    if not text and default is not None:
        return default
    if text in {"yes", "y", "true", "1"}:
        return True
    if text in {"no", "n", "false", "0"}:
        return False
    raise invalid(column, _("%(value)r is not yes or no") % {"value": text})


def normalise_access_point(text: str) -> str:
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    parts = [ACCESS_POINTS.get(p.lower(), p) for p in parts if p.lower() != "not available"]
    return ", ".join(parts)


def normalise_pickup(text: str) -> str:
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    return ", ".join(PICKUP_METHODS.get(p.lower(), p) for p in parts)


def instrument_from_product(product: str) -> str:
    """How the sender pays in, read from RPW's product name ("Cash to account" -> cash)."""
    text = product.strip().lower()
    for prefix, instrument in (
        ("cash", Service.CASH),
        ("door", Service.CASH),
        ("account", Service.ACCOUNT),
        ("online", Service.ONLINE),
        ("credit/debit card", Service.CARD),
        ("card", Service.CARD),
        ("prepaid card", Service.CARD),
        ("mobile", Service.MOBILE),
    ):
        if text.startswith(prefix):
            return instrument
    return ""


def iso3_of(name: str, ref: Reference) -> str | None:
    """The ISO3 of a country named as the World Bank or UN M49 name it; None for groups."""
    return ref.names.get(name.strip().casefold())


# --- across rows -----------------------------------------------------------------------------


def infer_payout_currencies(records: list[QuoteRecord], ref: Reference) -> None:
    """The currency a quote pays out in, where the data say or imply it; blank when unsure.

    1. named in the notes or product ("USD service", "pays out USD"; "LCU" is the receiving
       country's currency);
    2. an interbank rate of exactly 1: the currency sent;
    3. otherwise the receiving country's currency, if the quote's interbank rate is within 25% of
       the median of the corridor's such quotes in the period (a rate far from it is another
       currency, which the file does not name).
    """
    pending: dict[tuple[str, str, str], list[QuoteRecord]] = defaultdict(list)
    for record in records:
        if record.payout_currency:
            continue
        named = _named_payout(f"{record.product}\n{record.notes}")
        if named == LOCAL_CURRENCY:
            named = ref.countries.get(record.receiving, "")
        if named in ref.currencies:
            record.payout_currency = named
        elif record.interbank_rate == 1:
            record.payout_currency = record.currency_sent
        elif record.interbank_rate and record.interbank_rate > 0:
            pending[(record.period, record.sending, record.receiving)].append(record)
    for group in pending.values():
        local = ref.countries.get(group[0].receiving, "")
        if not local:
            continue
        median = statistics.median(float(r.interbank_rate or 0) for r in group)
        for record in group:
            ratio = float(record.interbank_rate or 0) / median
            if 1 / PAYOUT_RATE_TOLERANCE <= ratio <= PAYOUT_RATE_TOLERANCE:
                record.payout_currency = local


def _named_payout(text: str) -> str:
    for pattern in PAYOUT_PATTERNS:
        match = pattern.search(text)
        if match:
            return match.group(1)
    return ""


def assign_variants(records: list[QuoteRecord]) -> None:
    """Number the rows that share a service's description within one period: 1, 2, ...

    Both amount bands of a row share its variant; rows are numbered in the order of their source
    ids (RPW ids), so the same variant means the same offer from one period to the next.
    """
    rows: dict[tuple[str, ...], dict[int, str]] = defaultdict(dict)
    for record in records:
        rows[(record.period, *record.service_key)][record.row] = record.source_ref
    variant_of: dict[int, int] = {}
    for members in rows.values():
        ordered = sorted(members.items(), key=lambda item: (_ref_order(item[1]), item[0]))
        for variant, (row, _ref) in enumerate(ordered, start=1):
            variant_of[row] = variant
    for record in records:
        record.variant = variant_of[record.row]


def _ref_order(ref: str) -> tuple[int, int, str]:
    return (0, int(ref), "") if ref.isdigit() else (1, 0, ref)


def finish_quotes(records: list[QuoteRecord], ref: Reference) -> list[QuoteRecord]:
    """What every quote layout does once its rows are read: pay-out currencies, variants."""
    infer_payout_currencies(records, ref)
    assign_variants(records)
    return records
