"""IATI 2.03 activity XML for partnerships: the writer and a safe reader (pure: lxml, no Django).

**Writing.** A partnership is one `iati-activity` (IATI Activity Standard 2.03; validated against
the official XSD in the tests); the registry is one `iati-activities` file. The mapping
(ADR 0006):

- `iati-identifier`: the identifier a partnership was imported with, else
  `<publisher ref>-<slug>`; `reporting-org`: the installation (`MIGRATIONHUB_IATI_PUBLISHER_REF`).
- `title`, `description` (type 1): name and purpose, one `narrative` per language.
- `participating-org`: one per member organisation and IATI role (OrganisationRole: 1 funding,
  2 accountable, 3 extending, 4 implementing); `type` from the stakeholder type
  (OrganisationType); `ref` when the organisation's IATI identifier is known. The roles IATI has
  no code for (technical, advisory, migrant or diaspora representative) are published as
  implementing (4) and carried, with the lead, in attributes of MigrationHub's namespace
  (`mh:roles`: every role of the member, `mh:lead`), which IATI allows (`anyAttribute ##other`)
  and this reader reads back (a member that is only technical does not come back implementing).
- `activity-status`: planned 1, active 2, completed 4, cancelled 5, suspended 6;
  `activity-date`: start and end, actual or planned by status; a partnership whose start is not
  known gets a planned start on the day it was registered, with a narrative saying so (IATI
  requires a date).
- `recipient-country` (ISO 3166-1 alpha-2); `sector` 15190 (OECD DAC: "Facilitation of orderly,
  safe, regular and responsible migration and mobility"); `tag` vocabulary 3 for SDG targets and
  vocabulary 99 (`vocabulary-uri` A/RES/73/195) for GCM objectives.
- `budget`: one per currency over the financial commitments' period; `planned-disbursement`: one
  per financial commitment, with its `provider-org`.
- `document-link` A12 (activity web page): the partnership's website.
- `result` (type 2, outcome): one per goal, its indicator with `mh:unit`, a baseline, a target
  period ending on the due date, and one period per progress report with its `actual`; GCM
  objectives and SDG targets of a goal as indicator `reference`s of vocabulary 99 (reporting
  organisation: IndicatorVocabulary has neither), told apart by their `indicator-uri`
  (A/RES/73/195, A/RES/70/1).

**Reading.** `parse()` turns a file into `ParsedActivity` records without trusting it: no network,
no DTD (a document type declaration is refused outright, so no entity can be defined or
expanded), no huge trees, a size limit; comments and processing instructions dropped. Legacy
(1.0x) files are read where they say the same things differently (text instead of `narrative`,
role and status names instead of codes, `activity-website`). What cannot be read is not guessed:
each activity carries its `problems`, each naming the element at fault and its line, and the
import (partnerships.services) refuses the whole file if any activity has one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from lxml import etree

VERSION = "2.03"
MH = "https://migrationhub.org/ns/iati/1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
GCM_VOCABULARY_URI = "https://undocs.org/A/RES/73/195"  # the Compact, its 23 objectives (§16)
SDG_VOCABULARY_URI = "https://undocs.org/A/RES/70/1"  # the 2030 Agenda, its 169 targets
MIGRATION_SECTOR = "15190"
MAX_BYTES = 20 * 1024 * 1024
WEB_PAGE_CATEGORY = "A12"  # IATI DocumentCategory codelist: "Activity web page"
# The official 2.03 schema and the codelists the mapping uses, shipped in the package
# (data/iati/SOURCES.md): validation never reads the network nor a file outside this folder.
IATI_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "iati"
SCHEMA_DIR = IATI_DATA_DIR / "schema_2.03"
ACTIVITIES_SCHEMA = SCHEMA_DIR / "iati-activities-schema.xsd"
CODELISTS_DIR = IATI_DATA_DIR / "codelists"

ROLE_CODES = {"funding": "1", "accountable": "2", "extending": "3", "implementing": "4"}
ROLES_BY_CODE = {code: role for role, code in ROLE_CODES.items()}
LEGACY_ROLES = {
    "funding": "funding",
    "donor": "funding",
    "accountable": "accountable",
    "extending": "extending",
    "implementing": "implementing",
}
STATUS_CODES = {"planned": "1", "active": "2", "completed": "4", "cancelled": "5", "suspended": "6"}
STATUSES_BY_CODE = {
    "1": "planned",
    "2": "active",
    "3": "active",  # finalisation: the activity is still running
    "4": "completed",
    "5": "cancelled",
    "6": "suspended",
}
LEGACY_STATUSES = {
    "pipeline/identification": "planned",
    "pipeline": "planned",
    "implementation": "active",
    "operational": "active",
    "finalisation": "active",
    "completion": "completed",
    "completed": "completed",
    "closed": "completed",
    "post-completion": "completed",
    "operationally closed": "completed",
    "cancelled": "cancelled",
    "suspended": "suspended",
}
# activity-date types: 2.0x codes and the 1.0x names.
DATE_TYPES = {
    "start-actual": ("2", "start-actual", "start"),
    "start-planned": ("1", "start-planned"),
    "end-actual": ("4", "end-actual", "end", "completion"),
    "end-planned": ("3", "end-planned"),
}


# --- what the writer is given ------------------------------------------------------------------


@dataclass(frozen=True)
class Organisation:
    name: str
    ref: str = ""
    type: str = ""  # IATI OrganisationType code
    roles: tuple[str, ...] = ()  # MigrationHub role codes (models.Role)
    lead: bool = False


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str
    value_date: dt.date


@dataclass(frozen=True)
class Budget:
    start: dt.date
    end: dt.date
    value: Money


@dataclass(frozen=True)
class Disbursement:
    start: dt.date
    end: dt.date | None
    value: Money
    provider: Organisation | None = None


@dataclass(frozen=True)
class Transaction:
    """A transaction another app reports in the activity (e.g. the start-up fund's commitments
    and disbursements to the partnership): TransactionType code, date, value (negative for a
    correction), provider and receiver."""

    type: str
    date: dt.date
    value: Money
    provider: Organisation | None = None
    receiver: Organisation | None = None
    description: str = ""


@dataclass(frozen=True)
class Actual:
    start: dt.date
    end: dt.date
    value: Decimal | None
    comment: str = ""


@dataclass(frozen=True)
class Indicator:
    title: str
    unit: str = ""
    baseline: Decimal | None = None
    baseline_year: int | None = None
    target: Decimal | None = None
    target_start: dt.date | None = None
    due: dt.date | None = None
    objectives: tuple[int, ...] = ()
    sdg_targets: tuple[str, ...] = ()
    actuals: tuple[Actual, ...] = ()


@dataclass(frozen=True)
class Activity:
    identifier: str
    title: str
    description: str
    last_updated: dt.datetime
    registered: dt.date  # the fallback start date, when the start is not known
    language: str = "en"
    translations: tuple[tuple[str, str, str], ...] = ()  # (language, title, description)
    status: str = "active"
    start: dt.date | None = None
    end: dt.date | None = None
    participating: tuple[Organisation, ...] = ()
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2
    objectives: tuple[int, ...] = ()
    sdg_targets: tuple[str, ...] = ()
    budgets: tuple[Budget, ...] = ()
    disbursements: tuple[Disbursement, ...] = ()
    transactions: tuple[Transaction, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    website: str = ""


# --- writing ---------------------------------------------------------------------------------


def _decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if text not in ("-0", "") else "0"


# XML 1.0 carries no control character but tab, line feed and carriage return, no surrogate, and
# neither U+FFFE nor U+FFFF; the services store any text but NUL, so the writer drops them (one
# such character must not make the registry's file impossible to write).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _sub(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag)
    for name, value in attrs.items():
        element.set(name.replace("_", "-"), _xml(value))
    return element


def _narrative(parent: etree._Element, text: str, language: str | None = None) -> None:
    narrative = etree.SubElement(parent, "narrative")
    if language:
        narrative.set(XML_LANG, language)
    narrative.text = _xml(text)


def _value(parent: etree._Element, tag: str, money: Money) -> None:
    value = _sub(parent, tag, currency=money.currency, value_date=money.value_date.isoformat())
    value.text = _decimal(money.amount)


def _participating(activity: etree._Element, org: Organisation) -> None:
    iati_roles = [ROLE_CODES[r] for r in org.roles if r in ROLE_CODES]
    others = [r for r in org.roles if r not in ROLE_CODES]
    for code in sorted(set(iati_roles)) or ["4"]:
        element = _sub(activity, "participating-org", role=code)
        if org.ref:
            element.set("ref", _xml(org.ref))
        if org.type:
            element.set("type", org.type)
        if others:  # all its roles: "4" alone may stand for a role IATI has no code for
            element.set(f"{{{MH}}}roles", " ".join(org.roles))
        if org.lead:
            element.set(f"{{{MH}}}lead", "true")
        _narrative(element, org.name)


def _dates(activity: etree._Element, a: Activity) -> None:
    started = a.status != "planned"
    ended = a.status in ("completed", "cancelled")
    if a.start:
        _sub(activity, "activity-date", type="2" if started else "1", iso_date=a.start.isoformat())
    else:
        element = _sub(activity, "activity-date", type="1", iso_date=a.registered.isoformat())
        _narrative(
            element,
            "The start of this partnership is not known: this is the day it was registered "
            "on MigrationHub.",
            "en",
        )
    if a.end:
        _sub(activity, "activity-date", type="4" if ended else "3", iso_date=a.end.isoformat())


def _indicator(result: etree._Element, indicator: Indicator) -> None:
    element = _sub(result, "indicator", measure="2" if indicator.unit.strip() == "%" else "1")
    if indicator.unit:
        element.set(f"{{{MH}}}unit", _xml(indicator.unit))
    _narrative(_sub(element, "title"), indicator.title)
    for number in indicator.objectives:
        _sub(
            element,
            "reference",
            vocabulary="99",
            code=str(number),
            indicator_uri=GCM_VOCABULARY_URI,
        )
    for code in indicator.sdg_targets:
        _sub(element, "reference", vocabulary="99", code=code, indicator_uri=SDG_VOCABULARY_URI)
    if indicator.baseline is not None and indicator.baseline_year:
        _sub(
            element,
            "baseline",
            year=str(indicator.baseline_year),
            value=_decimal(indicator.baseline),
        )
    if indicator.due and indicator.target is not None:
        period = _sub(element, "period")
        start = indicator.target_start or indicator.due
        _sub(period, "period-start", iso_date=min(start, indicator.due).isoformat())
        _sub(period, "period-end", iso_date=indicator.due.isoformat())
        _sub(period, "target", value=_decimal(indicator.target))
    for actual in indicator.actuals:
        period = _sub(element, "period")
        _sub(period, "period-start", iso_date=min(actual.start, actual.end).isoformat())
        _sub(period, "period-end", iso_date=actual.end.isoformat())
        value = _sub(period, "actual")
        if actual.value is not None:
            value.set("value", _decimal(actual.value))
        if actual.comment:
            _narrative(_sub(value, "comment"), actual.comment)


def _transaction(activity: etree._Element, t: Transaction) -> None:
    element = _sub(activity, "transaction")
    _sub(element, "transaction-type", code=t.type)
    _sub(element, "transaction-date", iso_date=t.date.isoformat())
    _value(element, "value", t.value)
    if t.description:
        _narrative(_sub(element, "description"), t.description)
    for tag, org in (("provider-org", t.provider), ("receiver-org", t.receiver)):
        if org is not None:
            party = _sub(element, tag)
            if org.ref:
                party.set("ref", _xml(org.ref))
            if org.type:
                party.set("type", org.type)
            _narrative(party, org.name)


def activity_element(a: Activity, reporting_org: Organisation) -> etree._Element:
    """One `iati-activity`, its children in the order of the 2.03 schema."""
    activity = etree.Element("iati-activity", nsmap={"mh": MH})
    activity.set("last-updated-datetime", a.last_updated.isoformat(timespec="seconds"))
    activity.set(XML_LANG, a.language)
    _sub(activity, "iati-identifier").text = _xml(a.identifier)
    reporting = _sub(activity, "reporting-org", ref=reporting_org.ref, type=reporting_org.type)
    _narrative(reporting, reporting_org.name)
    title = _sub(activity, "title")
    _narrative(title, a.title)
    for language, text, _description in a.translations:
        _narrative(title, text, language)
    description = _sub(activity, "description", type="1")
    _narrative(description, a.description)
    for language, _text, text in a.translations:
        if text:
            _narrative(description, text, language)
    for org in a.participating:
        _participating(activity, org)
    _sub(activity, "activity-status", code=STATUS_CODES[a.status])
    _dates(activity, a)
    for country in a.countries:
        _sub(activity, "recipient-country", code=country)
    _sub(activity, "sector", vocabulary="1", code=MIGRATION_SECTOR, percentage="100")
    for code in a.sdg_targets:
        _sub(activity, "tag", vocabulary="3", code=code)
    for number in a.objectives:
        tag = _sub(
            activity, "tag", vocabulary="99", vocabulary_uri=GCM_VOCABULARY_URI, code=str(number)
        )
        _narrative(tag, f"Global Compact for Migration, objective {number}", "en")
    for budget in a.budgets:
        element = _sub(activity, "budget", type="1", status="2")  # original, committed
        _sub(element, "period-start", iso_date=budget.start.isoformat())
        _sub(element, "period-end", iso_date=budget.end.isoformat())
        _value(element, "value", budget.value)
    for disbursement in a.disbursements:
        element = _sub(activity, "planned-disbursement", type="1")
        _sub(element, "period-start", iso_date=disbursement.start.isoformat())
        if disbursement.end:
            _sub(element, "period-end", iso_date=disbursement.end.isoformat())
        _value(element, "value", disbursement.value)
        provider = disbursement.provider
        if provider is not None:
            org = _sub(element, "provider-org")
            if provider.ref:
                org.set("ref", _xml(provider.ref))
            if provider.type:
                org.set("type", provider.type)
            _narrative(org, provider.name)
    for transaction in a.transactions:
        _transaction(activity, transaction)
    if a.website:
        link = _sub(activity, "document-link", format="text/html", url=a.website)
        _narrative(_sub(link, "title"), a.title)
        _sub(link, "category", code=WEB_PAGE_CATEGORY)
    for indicator in a.indicators:
        result = _sub(activity, "result", type="2", aggregation_status="false")
        _narrative(_sub(result, "title"), indicator.title)
        _indicator(result, indicator)
    return activity


def activities_document(
    activities: Iterable[Activity], *, reporting_org: Organisation, generated: dt.datetime
) -> bytes:
    """An `iati-activities` file (UTF-8, with its XML declaration) of `activities`."""
    root = etree.Element("iati-activities", nsmap={"mh": MH})
    root.set("version", VERSION)
    root.set("generated-datetime", generated.isoformat(timespec="seconds"))
    for activity in activities:
        root.append(activity_element(activity, reporting_org))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- reading ---------------------------------------------------------------------------------


class Unreadable(Exception):
    """The file as a whole cannot be read (not XML, a document type declaration, too large, not
    IATI activities): nothing of it is imported."""


@dataclass(frozen=True)
class Problem:
    element: str
    line: int | None
    message: str

    @property
    def where(self) -> str:
        return f"{self.element} (line {self.line})" if self.line else self.element


@dataclass
class ParsedOrganisation:
    name: str
    ref: str
    type: str
    roles: list[str]
    lead: bool
    line: int | None


@dataclass
class ParsedValue:
    start: dt.date | None
    end: dt.date | None
    amount: Decimal
    currency: str
    line: int | None
    provider: ParsedOrganisation | None = None


@dataclass
class ParsedIndicator:
    title: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    due: dt.date | None
    objectives: list[int]
    sdg_targets: list[str]
    actuals: list[tuple[dt.date, Decimal | None, str]]
    line: int | None


@dataclass
class ParsedActivity:
    position: int
    line: int | None
    identifier: str = ""
    language: str = "en"
    title: str = ""
    description: str = ""
    translations: dict[str, tuple[str, str]] = field(default_factory=dict)
    status: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    reporting_org: ParsedOrganisation | None = None
    participating: list[ParsedOrganisation] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    objectives: list[int] = field(default_factory=list)
    sdg_targets: list[str] = field(default_factory=list)
    budgets: list[ParsedValue] = field(default_factory=list)
    disbursements: list[ParsedValue] = field(default_factory=list)
    indicators: list[ParsedIndicator] = field(default_factory=list)
    website: str = ""
    last_updated: dt.date | None = None
    problems: list[Problem] = field(default_factory=list)

    def problem(self, element: etree._Element | str, message: str) -> None:
        if isinstance(element, str):
            self.problems.append(Problem(element, None, message))
        else:
            self.problems.append(Problem(_tag(element), element.sourceline, message))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _tag(element: etree._Element) -> str:
    return etree.QName(element).localname


def _children(element: etree._Element, tag: str) -> Iterator[etree._Element]:
    """IATI (namespace-less) child elements named `tag`."""
    for child in element:
        if isinstance(child.tag, str) and child.tag == tag:
            yield child


def _first(element: etree._Element, tag: str) -> etree._Element | None:
    return next(_children(element, tag), None)


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _texts(element: etree._Element, default_language: str) -> list[tuple[str, str]]:
    """(language, text) of each `narrative` of `element`; its own text in 1.0x files."""
    found = [
        (n.get(XML_LANG) or default_language, _clean("".join(n.itertext())))
        for n in _children(element, "narrative")
    ]
    found = [(lang, text) for lang, text in found if text]
    if not found:
        own = _clean(element.text)
        if own:
            found = [(element.get(XML_LANG) or default_language, own)]
    return found


def _text_in(element: etree._Element | None, language: str) -> tuple[str, dict[str, str]]:
    """The text in `language` (else the first), and the texts in other languages."""
    if element is None:
        return "", {}
    texts = _texts(element, language)
    main = next((t for lang, t in texts if lang == language), texts[0][1] if texts else "")
    others = {lang: t for lang, t in texts if lang != language}
    return main, others


def _date(value: str | None) -> dt.date:
    text = (value or "").strip()
    return dt.date.fromisoformat(text[:10])


def _amount(text: str | None) -> Decimal:
    value = Decimal((text or "").strip().replace(",", ""))
    if not value.is_finite():
        raise InvalidOperation
    return value


def _read_date(a: ParsedActivity, element: etree._Element, attribute: str) -> dt.date | None:
    raw = element.get(attribute) if attribute else None
    raw = raw if raw is not None else element.text
    if not (raw or "").strip():
        a.problem(element, "a date is missing")
        return None
    try:
        return _date(raw)
    except ValueError:
        a.problem(element, f"not a date: {_clean(raw)[:40]!r}")
        return None


def _organisation(element: etree._Element, language: str) -> ParsedOrganisation:
    name, _others = _text_in(element, language)
    extra = (element.get(f"{{{MH}}}roles") or "").split()
    return ParsedOrganisation(
        name=name,
        ref=_clean(element.get("ref")),
        type=_clean(element.get("type")),
        roles=extra,
        lead=element.get(f"{{{MH}}}lead") == "true",
        line=element.sourceline,
    )


def _role(raw: str | None) -> str | None:
    text = _clean(raw)
    return ROLES_BY_CODE.get(text) or LEGACY_ROLES.get(text.lower())


def _status(a: ParsedActivity, element: etree._Element) -> str | None:
    code = _clean(element.get("code"))
    if code:
        status = STATUSES_BY_CODE.get(code)
    else:
        status = LEGACY_STATUSES.get(_clean(element.get("ref") or element.text).lower())
    if status is None:
        raw = code or _clean(element.get("ref") or element.text)
        a.problem(element, f"unknown activity status {raw[:40]!r}")
    return status


def _read_value(
    a: ParsedActivity, element: etree._Element, default_currency: str
) -> tuple[Decimal, str] | None:
    value = _first(element, "value")
    if value is None:
        a.problem(element, "no value")
        return None
    try:
        amount = _amount(value.text)
    except (InvalidOperation, ValueError):
        a.problem(value, f"not an amount: {_clean(value.text)[:40]!r}")
        return None
    currency = _clean(value.get("currency")) or default_currency
    if not currency:
        a.problem(value, "no currency (neither @currency nor the activity's @default-currency)")
        return None
    return amount, currency.upper()


def _period(a: ParsedActivity, element: etree._Element, name: str) -> dt.date | None:
    child = _first(element, name)
    if child is None:
        return None
    return _read_date(a, child, "iso-date")


def _indicator_read(
    a: ParsedActivity, element: etree._Element, language: str
) -> ParsedIndicator | None:
    title, _others = _text_in(_first(element, "title"), language)
    if not title:
        a.problem(element, "an indicator without a title")
        return None
    unit = _clean(element.get(f"{{{MH}}}unit"))
    if not unit:
        unit = {"1": "units", "2": "%"}.get(_clean(element.get("measure")), "")
    objectives, targets = [], []
    for reference in _children(element, "reference"):
        code = _clean(reference.get("code"))
        if reference.get("vocabulary") != "99":  # another IndicatorVocabulary: not ours
            continue
        if reference.get("indicator-uri") == GCM_VOCABULARY_URI and code.isdigit():
            objectives.append(int(code))
        elif reference.get("indicator-uri") == SDG_VOCABULARY_URI:
            targets.append(code)
    baseline = None
    baseline_element = _first(element, "baseline")
    if baseline_element is not None and baseline_element.get("value"):
        try:
            baseline = _amount(baseline_element.get("value"))
        except (InvalidOperation, ValueError):
            baseline = None  # a qualitative baseline ("N=35;P=55"): not a number, not a goal's
    target = due = None
    actuals: list[tuple[dt.date, Decimal | None, str]] = []
    for period in _children(element, "period"):
        end = _period(a, period, "period-end")
        target_element = _first(period, "target")
        if target_element is not None and target_element.get("value") and end:
            with contextlib.suppress(InvalidOperation, ValueError):
                target, due = _amount(target_element.get("value")), end
        actual = _first(period, "actual")
        if actual is not None and end:
            value = None
            if actual.get("value"):
                try:
                    value = _amount(actual.get("value"))
                except (InvalidOperation, ValueError):
                    value = None
            comment, _o = _text_in(_first(actual, "comment"), language)
            actuals.append((end, value, comment))
    return ParsedIndicator(
        title=title[:300],
        unit=unit[:60],
        baseline=baseline,
        target=target,
        due=due,
        objectives=objectives,
        sdg_targets=targets,
        actuals=actuals,
        line=element.sourceline,
    )


def _activity(element: etree._Element, position: int) -> ParsedActivity:
    a = ParsedActivity(position=position, line=element.sourceline)
    language = _clean(element.get(XML_LANG)) or "en"
    a.language = language
    default_currency = _clean(element.get("default-currency")).upper()
    updated = element.get("last-updated-datetime")
    if updated:
        try:
            a.last_updated = _date(updated)
        except ValueError:
            a.problem("iati-activity/@last-updated-datetime", f"not a date: {updated[:40]!r}")
    identifier = _first(element, "iati-identifier")
    a.identifier = _clean(identifier.text if identifier is not None else "")[:150]
    if not a.identifier:
        a.problem(identifier if identifier is not None else "iati-identifier", "no identifier")
    title_element = _first(element, "title")
    if title_element is not None:
        # 1.0x files repeat the element per language
        titles = [t for e in _children(element, "title") for t in _texts(e, language)]
        a.title = next(
            (t for lang, t in titles if lang == language), titles[0][1] if titles else ""
        )
        descriptions = [t for e in _children(element, "description") for t in _texts(e, language)]
        a.description = next(
            (t for lang, t in descriptions if lang == language),
            descriptions[0][1] if descriptions else "",
        )
        other_titles = {lang: t for lang, t in titles if lang != language}
        other_descriptions = {lang: t for lang, t in descriptions if lang != language}
        a.translations = {
            lang: (text, other_descriptions.get(lang, "")) for lang, text in other_titles.items()
        }
    if not a.title:
        a.problem(title_element if title_element is not None else "title", "no title")
    reporting = _first(element, "reporting-org")
    if reporting is not None:
        a.reporting_org = _organisation(reporting, language)
    for child in _children(element, "participating-org"):
        org = _organisation(child, language)
        role = _role(child.get("role"))
        if role is None:
            a.problem(child, f"unknown organisation role {_clean(child.get('role'))[:40]!r}")
            continue
        if not (org.name or org.ref):
            a.problem(child, "an organisation with neither a name nor a ref")
            continue
        # `mh:roles` (MigrationHub's files) lists every role; otherwise the IATI role is all
        org.roles = org.roles or [role]
        a.participating.append(org)
    status = _first(element, "activity-status")
    if status is None:
        a.problem("activity-status", "missing")
    else:
        a.status = _status(a, status)
    dates: dict[str, dt.date] = {}
    for date_element in _children(element, "activity-date"):
        kind = _clean(date_element.get("type")).lower()
        day = _read_date(a, date_element, "iso-date")
        if day is None:
            continue
        for name, kinds in DATE_TYPES.items():
            if kind in kinds:
                dates.setdefault(name, day)
                break
        else:
            a.problem(date_element, f"unknown date type {kind[:40]!r}")
    a.start = dates.get("start-actual") or dates.get("start-planned")
    a.end = dates.get("end-actual") or dates.get("end-planned")
    for country in _children(element, "recipient-country"):
        code = _clean(country.get("code")).upper()
        if code:
            a.countries.append(code)
        else:
            a.problem(country, "a country without a code")
    for tag in _children(element, "tag"):
        code = _clean(tag.get("code"))
        if tag.get("vocabulary") == "3":
            a.sdg_targets.append(code)
        elif tag.get("vocabulary") == "99" and tag.get("vocabulary-uri") == GCM_VOCABULARY_URI:
            if code.isdigit():
                a.objectives.append(int(code))
            else:
                a.problem(tag, f"not a GCM objective number: {code[:20]!r}")
    for sector in _children(element, "sector"):
        if sector.get("vocabulary") == "8":  # SDG targets as sectors
            a.sdg_targets.append(_clean(sector.get("code")))
    for budget in [*_children(element, "budget"), *_children(element, "budget-planned")]:
        value = _read_value(a, budget, default_currency)
        if value is not None:
            start, end = _period(a, budget, "period-start"), _period(a, budget, "period-end")
            a.budgets.append(ParsedValue(start, end, *value, line=budget.sourceline))
    for planned in _children(element, "planned-disbursement"):
        value = _read_value(a, planned, default_currency)
        if value is not None:
            start, end = _period(a, planned, "period-start"), _period(a, planned, "period-end")
            provider = _first(planned, "provider-org")
            a.disbursements.append(
                ParsedValue(
                    start,
                    end,
                    *value,
                    line=planned.sourceline,
                    provider=_organisation(provider, language) if provider is not None else None,
                )
            )
    for link in _children(element, "document-link"):
        category = _first(link, "category")
        if category is not None and category.get("code") == "A12" and link.get("url"):
            a.website = _clean(link.get("url"))
    website = _first(element, "activity-website")
    if not a.website and website is not None:
        a.website = _clean(website.text)
    for result in _children(element, "result"):
        for indicator in _children(result, "indicator"):
            parsed = _indicator_read(a, indicator, language)
            if parsed is not None:
                a.indicators.append(parsed)
    return a


def refuse_declarations(data: bytes) -> None:
    """A document type declaration (and with it any entity) is refused before parsing: IATI
    files never need one, and it is what entity-expansion and external-entity attacks use."""
    head = data.lstrip()[:4].lower()
    encoded = data
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4]:
        try:
            encoded = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            encoded = data
    if b"<!DOCTYPE" in encoded or b"<!ENTITY" in encoded:
        raise Unreadable("The file declares a document type or entities; IATI files never do.")


def parse(data: bytes, *, max_bytes: int = MAX_BYTES) -> list[ParsedActivity]:
    """The activities of an IATI file (`iati-activities`, or one `iati-activity`)."""
    if len(data) > max_bytes:
        raise Unreadable(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    if not data.strip():
        raise Unreadable("The file is empty.")
    refuse_declarations(data)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise Unreadable(f"Not well-formed XML: {exc}") from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise Unreadable("The file declares a document type or entities; IATI files never do.")
    name = _tag(root)
    if etree.QName(root).namespace:
        raise Unreadable(f"Not an IATI activity file: the root element is {root.tag!r}.")
    if name == "iati-activity":
        elements = [root]
    elif name == "iati-activities":
        elements = list(_children(root, "iati-activity"))
    else:
        raise Unreadable(
            f"Not an IATI activity file: the root element is <{name}>, not <iati-activities>."
        )
    if not elements:
        raise Unreadable("The file holds no iati-activity.")
    return [_activity(element, position) for position, element in enumerate(elements, start=1)]


class _LocalSchemas(etree.Resolver):
    """Resolves the schema and what it includes and imports (`iati-common.xsd`, `xml.xsd`) to
    files of its own folder, and refuses anything else (a URL, a file elsewhere)."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder.resolve()

    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:
        path = Path(system_url.removeprefix("file://")).resolve()
        if path.parent != self.folder or not path.is_file():
            raise Unreadable(f"The schema refers to {system_url!r}, outside {self.folder}.")
        return self.resolve_filename(str(path), context)


@functools.cache
def schema(schema_path: str | None = None) -> etree.XMLSchema:
    """The IATI activities XSD (the shipped 2.03 schema by default), loaded once, offline."""
    path = Path(schema_path) if schema_path else ACTIVITIES_SCHEMA
    parser = _parser()
    parser.resolvers.add(_LocalSchemas(path.parent))
    return etree.XMLSchema(etree.parse(str(path), parser=parser))


def validate(data: bytes, schema_path: str | None = None) -> list[str]:
    """Errors of `data` against the IATI activities XSD (the shipped 2.03 schema unless
    `schema_path` names another; empty when valid): for tests and operators; reading never
    requires it, since real files seldom pass."""
    checker = schema(schema_path)
    document = etree.fromstring(data, parser=_parser())
    if checker.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in checker.error_log]


def codelist(name: str) -> frozenset[str]:
    """The codes of the shipped IATI codelist `name` (e.g. "OrganisationRole")."""
    tree = etree.parse(str(CODELISTS_DIR / f"{name}.xml"), parser=_parser())
    return frozenset(_clean(code.text) for code in tree.iter("code"))
