"""Reading remittance data files into plain records: RPW quotes, national collectors' quotes,
the World Bank's published corridor series, and remittance flows.

Readers validate every row and collect every error (row number, column, problem); a file with
any bad row raises `ImportFailed` and nothing is written. They touch no database: the reference
they check against (`Reference`: countries, currencies, names) is handed in by `services`.

Layouts
- RPW quote-level data (`rpw_dataset_2011_2014_q2`, columns in data/remittances/SOURCES.md): one
  row per provider, product and period, with a USD 200 block (`cc1 *`) and a USD 500 block
  (`cc2 *`). Each block becomes one quote. The published per-quote `total cost %` and `fx margin`
  are kept as RPW computed them: the rates in the file are rounded, so recomputing them would
  differ by more than 0.015 pp on 0.7% of rows and no longer reproduce RPW's averages.
- National collectors' CSV (`COLLECTOR_COLUMNS`): one quote per row; margin and total cost are
  computed here with `costs`.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from migrationhub.core.errors import ValidationFailed

from . import costs
from .errors import ImportFailed
from .models import Provider, Service

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
PROVIDER_TYPES = {code for code, _ in Provider.TYPES}
SPEEDS = {label.lower(): code for code, label in costs.SPEED_BANDS} | {
    code: code for code, _ in costs.SPEED_BANDS
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
INSTRUMENTS = {code for code, _ in Service.INSTRUMENTS}
# RPW writes "CFA" for the CFA franc; ISO 4217 has XOF (West) and XAF (Central Africa).
CURRENCY_ALIASES = {"CFA": ("XOF", "XAF")}
PERIOD = re.compile(r"^(\d{4})Q([1-4])$")
RPW_PERIOD = re.compile(r"^(\d{4})_([1-4])Q$")
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
    def service_key(self) -> tuple:
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


class RowError(Exception):
    pass


def period_from_rpw(text: str) -> str:
    """RPW's `2011_1Q` is the quarter `2011Q1`."""
    match = RPW_PERIOD.match(text.strip())
    if not match:
        raise RowError(f"period: {text!r} is not like 2011_1Q")
    return f"{match.group(1)}Q{match.group(2)}"


def check_period(text: str) -> str:
    text = text.strip().upper()
    if not PERIOD.match(text):
        raise RowError(f"period: {text!r} is not a quarter like 2024Q1")
    return text


def _decimal(row: dict, column: str, *, required: bool = False) -> Decimal | None:
    text = (row.get(column) or "").strip()
    if not text or text.upper() in {"NA", ".."}:
        if required:
            raise RowError(f"{column}: required")
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise RowError(f"{column}: {text!r} is not a number") from exc
    if not value.is_finite():
        raise RowError(f"{column}: {text!r} is not a number")
    return value


def _country(row: dict, column: str, ref: Reference) -> str:
    code = (row.get(column) or "").strip().upper()
    if code not in ref.countries:
        raise RowError(f"{column}: unknown country {code!r} (ISO 3166 alpha-3)")
    return code


def _currency(code: str, column: str, ref: Reference, sending: str) -> str:
    code = code.strip().upper()
    if code in CURRENCY_ALIASES:
        local = ref.countries.get(sending, "")
        if local in CURRENCY_ALIASES[code]:
            return local
        raise RowError(f"{column}: {code!r} is ambiguous for {sending}")
    if code not in ref.currencies:
        raise RowError(f"{column}: {code!r} is not an ISO 4217 currency")
    return code


def _provider_type(text: str, name: str, ref: Reference) -> str:
    override = ref.provider_types.get(name.casefold())
    if override:
        return override
    normal = re.sub(r"\s+", "", text.strip().lower())
    if normal in RPW_FIRM_TYPES:
        return RPW_FIRM_TYPES[normal]
    if text.strip() in PROVIDER_TYPES:
        return text.strip()
    raise RowError(f"provider type: unknown {text!r}")


def _speed(text: str) -> str:
    text = (text or "").strip()
    if not text or text.lower() in {"n/a", "na", "not available"}:
        return ""
    if text.lower() not in SPEEDS:
        raise RowError(f"speed: unknown {text!r}")
    return SPEEDS[text.lower()]


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


def _yes_no(text: str, column: str, default: bool | None = None) -> bool:
    text = (text or "").strip().lower()
    if not text and default is not None:
        return default
    if text in {"yes", "y", "true", "1"}:
        return True
    if text in {"no", "n", "false", "0"}:
        return False
    raise RowError(f"{column}: {text!r} is not yes or no")


def _rpw_date(text: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    for fmt in ("%d/%b/%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RowError(f"date: {text!r} is not a date")


def _check_columns(reader: csv.DictReader, required: Iterable[str], layout: str) -> None:
    present = {(c or "").strip() for c in (reader.fieldnames or [])}
    missing = [c for c in required if c not in present]
    if missing:
        raise ValidationFailed(
            f"Not the {layout} layout: missing columns {', '.join(missing)}.",
            fields={"file": [f"missing columns: {', '.join(missing)}"]},
        )


def read_rpw_quotes(lines: Iterable[str], ref: Reference) -> list[QuoteRecord]:
    """Quotes from RPW's quote-level file, two per row (USD 200 and, when priced, USD 500)."""
    reader = csv.DictReader(lines)
    _check_columns(reader, RPW_COLUMNS, "RPW quote-level")
    records: list[QuoteRecord] = []
    errors: list[dict] = []
    for number, row in enumerate(reader, start=2):
        try:
            records.extend(_rpw_row(number, row, ref))
        except RowError as exc:
            errors.append({"row": number, "message": str(exc)})
    if errors:
        raise ImportFailed(errors)
    infer_payout_currencies(records, ref)
    assign_variants(records)
    return records


def _rpw_row(number: int, row: dict, ref: Reference) -> list[QuoteRecord]:
    period = period_from_rpw(row["period"] or "")
    sending = _country(row, "source", ref)
    receiving = _country(row, "destination", ref)
    name = (row["firm"] or "").strip()
    if not name:
        raise RowError("firm: required")
    firm_type = (row["firm_type"] or "").strip()
    product = (row["product"] or "").strip()
    common = {
        "row": number,
        "source_ref": (row["id"] or "").strip(),
        "period": period,
        "sending": sending,
        "receiving": receiving,
        "provider_name": name,
        "provider_type": _provider_type(firm_type, name, ref),
        "rpw_firm_type": firm_type,
        "product": product,
        "payment_instrument": instrument_from_product(product),
        "access_point": normalise_access_point(row["sending location"]),
        "pickup_method": normalise_pickup(row["pick up method"]),
        "speed": _speed(row["speed actual"]),
        "coverage": (row["coverage"] or "").strip(),
        "transparent": _yes_no(row["transparent"], "transparent"),
        "surveyed_on": _rpw_date(row["date"]),
        "notes": "\n".join(n.strip() for n in (row["note1"], row["note2"]) if n and n.strip()),
        "interbank_rate": _decimal(row, "inter lcu bank fx"),
    }
    quotes = []
    for band, prefix in ((200, "cc1"), (500, "cc2")):
        total = _decimal(row, f"{prefix} total cost %", required=band == 200)
        amount = _decimal(row, f"{prefix} lcu amount", required=band == 200)
        if total is None or amount is None:
            continue  # the USD 500 block is not always priced
        if amount <= 0:
            raise RowError(f"{prefix} lcu amount: must be positive")
        code = (row.get(f"{prefix} lcu code") or row["cc1 lcu code"] or "").strip()
        quotes.append(
            QuoteRecord(
                **common,
                band_usd=band,
                currency_sent=_currency(code, f"{prefix} lcu code", ref, sending),
                amount_sent=amount,
                fee=_decimal(row, f"{prefix} lcu fee"),
                fx_rate_offered=_decimal(row, f"{prefix} lcu fx rate"),
                fx_margin_pct=_decimal(row, f"{prefix} fx margin"),
                total_cost_pct=total,
            )
        )
    return quotes


def read_collector_quotes(lines: Iterable[str], ref: Reference) -> list[QuoteRecord]:
    """Quotes from a national data collector's CSV (`COLLECTOR_COLUMNS`, one quote per row).

    The exchange-rate margin and total cost are computed (`costs.rpw_total_cost_pct`); a provider
    that does not disclose its rate (`transparent` = no) is recorded with its fee only, and is left
    out of the averages as RPW does.
    """
    reader = csv.DictReader(lines)
    _check_columns(reader, COLLECTOR_REQUIRED, "national collector")
    records: list[QuoteRecord] = []
    errors: list[dict] = []
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        try:
            records.append(_collector_row(number, row, ref))
        except RowError as exc:
            errors.append({"row": number, "message": str(exc)})
    if errors:
        raise ImportFailed(errors)
    infer_payout_currencies(records, ref)
    assign_variants(records)
    return records


def _collector_row(number: int, row: dict, ref: Reference) -> QuoteRecord:
    period = check_period(row["period"])
    sending = _country(row, "sending", ref)
    receiving = _country(row, "receiving", ref)
    if sending == receiving:
        raise RowError("receiving: must differ from sending")
    name = row["provider"]
    if not name:
        raise RowError("provider: required")
    provider_type = row["provider_type"].lower()
    if provider_type not in PROVIDER_TYPES:
        raise RowError(f"provider_type: {row['provider_type']!r} is not one of the known types")
    amount = _decimal(row, "amount_sent", required=True)
    fee = _decimal(row, "fee", required=True)
    if amount <= 0:
        raise RowError("amount_sent: must be positive")
    if fee < 0:
        raise RowError("fee: cannot be negative")
    transparent = _yes_no(row.get("transparent", ""), "transparent", default=True)
    offered = _decimal(row, "fx_rate_offered", required=transparent)
    interbank = _decimal(row, "interbank_rate", required=transparent)
    for column, value in (("fx_rate_offered", offered), ("interbank_rate", interbank)):
        if value is not None and value <= 0:
            raise RowError(f"{column}: must be positive")
    margin = None
    if transparent:
        margin = costs.fx_margin_pct(offered, interbank)
        total = costs.rpw_total_cost_pct(
            amount=amount, fee=fee, offered_rate=offered, interbank_rate=interbank
        )
    else:
        total = fee / amount * costs.HUNDRED
    band_text = row.get("band_usd") or "200"
    if not band_text.isdigit() or int(band_text) not in costs.BANDS_USD:
        raise RowError("band_usd: 200 or 500")
    instrument = (row.get("payment_instrument") or "").lower()
    if instrument and instrument not in INSTRUMENTS:
        raise RowError(f"payment_instrument: {instrument!r} is not one of {sorted(INSTRUMENTS)}")
    payout = (row.get("payout_currency") or "").upper()
    if payout and payout not in ref.currencies:
        raise RowError(f"payout_currency: {payout!r} is not an ISO 4217 currency")
    surveyed = None
    if row.get("surveyed_on"):
        try:
            surveyed = dt.date.fromisoformat(row["surveyed_on"])
        except ValueError as exc:
            raise RowError("surveyed_on: not a date (YYYY-MM-DD)") from exc
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
        speed=_speed(row.get("speed", "")),
        coverage=row.get("coverage", ""),
        band_usd=int(band_text),
        currency_sent=_currency(row["currency_sent"], "currency_sent", ref, sending),
        amount_sent=amount,
        fee=fee,
        fx_rate_offered=offered,
        interbank_rate=interbank,
        fx_margin_pct=margin,
        total_cost_pct=total,
        transparent=transparent,
        payout_currency=payout,
        surveyed_on=surveyed,
        notes=row.get("notes", ""),
    )


def infer_payout_currencies(records: list[QuoteRecord], ref: Reference) -> None:
    """The currency a quote pays out in, where the data say or imply it; blank when unsure.

    1. named in the notes or product ("USD service", "pays out USD"; "LCU" is the receiving
       country's currency);
    2. an interbank rate of exactly 1: the currency sent;
    3. otherwise the receiving country's currency, if the quote's interbank rate is within 25% of
       the median of the corridor's such quotes in the period (a rate far from it is another
       currency, which the file does not name).
    """
    pending: dict[tuple, list[QuoteRecord]] = defaultdict(list)
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
        median = statistics.median(float(r.interbank_rate) for r in group)
        for record in group:
            ratio = float(record.interbank_rate) / median
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
    rows: dict[tuple, dict[int, str]] = defaultdict(dict)
    for record in records:
        rows[(record.period, *record.service_key)][record.row] = record.source_ref
    variant_of: dict[int, int] = {}
    for members in rows.values():
        ordered = sorted(members.items(), key=lambda item: (_ref_order(item[1]), item[0]))
        for variant, (row, _) in enumerate(ordered, start=1):
            variant_of[row] = variant
    for record in records:
        record.variant = variant_of[record.row]


def _ref_order(ref: str) -> tuple:
    return (0, int(ref), "") if ref.isdigit() else (1, 0, ref)


# --- Published series and flows ------------------------------------------------------------


@dataclass
class Skipped:
    """Rows a reference file carries that MigrationHub does not keep, with the reason."""

    rows: int = 0
    names: set[str] = field(default_factory=set)


def read_databank_corridors(
    lines: Iterable[str], ref: Reference
) -> tuple[list[tuple[str, str, str, Decimal]], Skipped]:
    """The World Bank DataBank export of series ATCR.CORR: (sending, receiving, quarter, value).

    The export is wide (one column per quarter, `..` when missing) and ends with footer lines;
    areas outside UN M49 (Kosovo, `KSV`) are skipped and reported.
    """
    reader = csv.reader(lines)
    header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    try:
        s_col = header.index("Sending Countries Code")
        r_col = next(
            i
            for i, h in enumerate(header)
            if h.startswith("Receiving Countries") and h.endswith("Code")
        )
        series_col = header.index("Series Code")
    except (ValueError, StopIteration) as exc:
        raise ValidationFailed("Not the DataBank corridor layout.") from exc
    quarters = {
        i: h.split(" ")[0]
        for i, h in enumerate(header)
        if PERIOD.match(h.split(" ")[0] if h else "")
    }
    values, skipped = [], Skipped()
    for row in reader:
        if len(row) <= series_col or row[series_col].strip() != "ATCR.CORR":
            continue  # footer lines
        sending, receiving = row[s_col].strip(), row[r_col].strip()
        present = [
            (q, row[i].strip()) for i, q in quarters.items() if row[i].strip() not in ("", "..")
        ]
        if not present:
            continue
        if sending not in ref.countries or receiving not in ref.countries:
            skipped.rows += len(present)
            skipped.names |= {c for c in (sending, receiving) if c not in ref.countries}
            continue
        for quarter, text in present:
            try:
                values.append((sending, receiving, quarter, Decimal(text)))
            except InvalidOperation as exc:
                raise ValidationFailed(f"{sending}-{receiving} {quarter}: {text!r}") from exc
    return values, skipped


def iso3_of(name: str, ref: Reference) -> str | None:
    return ref.names.get(name.strip().casefold())


def read_country_flows(
    lines: Iterable[str], ref: Reference, column: str
) -> tuple[list[tuple[str, int, Decimal]], Skipped]:
    """KNOMAD inflows or outflows: (ISO3, year, USD millions). Groups ("World") are skipped."""
    reader = csv.DictReader(lines)
    _check_columns(reader, ("country_or_group", "year", column), "KNOMAD flows")
    values, skipped = [], Skipped()
    for row in reader:
        iso3 = iso3_of(row["country_or_group"], ref)
        amount = (row[column] or "").strip()
        if not amount:
            continue
        if iso3 is None:
            skipped.rows += 1
            skipped.names.add(row["country_or_group"])
            continue
        values.append((iso3, int(row["year"]), Decimal(amount)))
    return values, skipped


def read_bilateral_flows(
    lines: Iterable[str], ref: Reference
) -> tuple[list[tuple[str, str, Decimal]], Skipped]:
    """World Bank bilateral remittance estimates: (sending ISO3, receiving ISO3, USD millions)."""
    reader = csv.DictReader(lines)
    _check_columns(
        reader, ("sending_country", "receiving_country", "usd_millions"), "bilateral matrix"
    )
    values, skipped = [], Skipped()
    for row in reader:
        sending = iso3_of(row["sending_country"], ref)
        receiving = iso3_of(row["receiving_country"], ref)
        if sending is None or receiving is None:
            skipped.rows += 1
            skipped.names |= {
                n
                for n, code in (
                    (row["sending_country"], sending),
                    (row["receiving_country"], receiving),
                )
                if code is None
            }
            continue
        values.append((sending, receiving, Decimal(row["usd_millions"])))
    return values, skipped
