"""The fund as one IATI 2.03 activity (lxml): what came in (transaction type 1, incoming funds,
one per deposited contribution, reversals as negative values), what was committed (type 2, one
per allocation movement) and disbursed (type 3, one per tranche), provider and receiver named.

The same commitments and disbursements also appear in each funded partnership's own activity
(partnerships' IATI export, through the provider `sections.py` registers), so a reader of either
file finds the flow. The schema's element order is followed; the tests validate the output
against the official 2.03 XSD shipped in `migrationhub/data/iati/`.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from lxml import etree

from . import ledger, selectors
from .models import Fund

VERSION = "2.03"
ACTIVE = "2"  # ActivityStatus: implementation
SECTOR = "15190"  # OECD DAC: facilitation of orderly, safe, regular and responsible migration
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text or "")


def _sub(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag)
    for name, value in attrs.items():
        element.set(name.replace("_", "-"), value)
    return element


def _narrative(parent: etree._Element, text: str) -> None:
    _sub(parent, "narrative").text = _xml(text)


def _amount(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):f}"


def identifier(fund: Fund) -> str:
    return f"{settings.MIGRATIONHUB_IATI_PUBLISHER_REF}-fund-{fund.slug}"


def _transaction(
    activity: etree._Element,
    code: str,
    date: object,
    amount: Decimal,
    currency: str,
    provider: str,
    receiver: str,
    description: str = "",
) -> None:
    t = _sub(activity, "transaction")
    _sub(t, "transaction-type", code=code)
    _sub(t, "transaction-date", iso_date=date.isoformat())  # type: ignore[attr-defined]
    value = _sub(t, "value", currency=currency, value_date=date.isoformat())  # type: ignore[attr-defined]
    value.text = _amount(amount)
    if description:
        _narrative(_sub(t, "description"), description[:2000])
    _narrative(_sub(t, "provider-org"), provider)
    _narrative(_sub(t, "receiver-org"), receiver)


def fund_document(fund: Fund) -> bytes:
    """An `iati-activities` file with the fund's one activity."""
    root = etree.Element("iati-activities")
    root.set("version", VERSION)
    now = timezone.now()
    root.set("generated-datetime", now.isoformat(timespec="seconds"))
    activity = _sub(root, "iati-activity")
    activity.set("last-updated-datetime", now.isoformat(timespec="seconds"))
    activity.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
    _sub(activity, "iati-identifier").text = _xml(identifier(fund))
    reporting = _sub(
        activity, "reporting-org", ref=settings.MIGRATIONHUB_IATI_PUBLISHER_REF, type="90"
    )
    _narrative(reporting, str(settings.MIGRATIONHUB_OPERATOR))
    _narrative(_sub(activity, "title"), fund.name)
    _narrative(_sub(activity, "description", type="1"), fund.description or fund.name)
    _narrative(_sub(activity, "participating-org", role="1"), fund.name)
    _sub(activity, "activity-status", code=ACTIVE)
    _sub(activity, "activity-date", type="2", iso_date=fund.created_at.date().isoformat())
    _sub(activity, "sector", vocabulary="1", code=SECTOR, percentage="100")
    contributors = selectors.contributor_names(fund)
    receivers = selectors.allocation_receivers(fund)
    for movement in selectors.ledger_flows(fund):
        entries = list(movement.entries.all())
        kind = movement.reverses.kind if movement.reverses is not None else movement.kind
        reason = movement.reason if movement.kind == ledger.REVERSAL else ""
        source = next((e.account for e in entries if e.account.startswith("contributor:")), "")
        for entry in entries:
            parts = ledger.parse_account(entry.account)
            flow = (movement.date, entry.amount, entry.currency)
            if kind == ledger.DEPOSIT and parts[0] == "fund":
                contributor = contributors.get(int(source.split(":")[1]), "") if source else ""
                _transaction(activity, "1", *flow, contributor, fund.name, reason)
            elif kind == ledger.ALLOCATION and parts[0] == "allocation":
                receiver = receivers.get(int(parts[1]), "")
                _transaction(activity, "2", *flow, fund.name, receiver, reason)
            elif kind == ledger.DISBURSEMENT and parts[0] == "disbursed":
                receiver = receivers.get(int(parts[1]), "")
                _transaction(activity, "3", *flow, fund.name, receiver, reason)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
