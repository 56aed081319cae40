"""Charts without JavaScript: horizontal bars as plain HTML/CSS widths computed here (exact
Decimal shares; the table beside each chart carries the same figures for screen readers)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal(100)
DIMENSION_TITLES = {
    "objective": _("GCM objective"),
    "area": _("Area of cooperation"),
    "region": _("Region"),
    "stakeholder_type": _("Stakeholder type of the lead"),
}


@dataclass(frozen=True)
class Bar:
    label: str
    amount: Decimal
    width: str  # CSS percentage of the largest bar, e.g. "42.50"
    kind: str = ""


def bars(rows: list[tuple[str, Decimal, str]]) -> list[Bar]:
    """Bars scaled to the largest amount (labels, amounts, kinds)."""
    largest = max((amount for _l, amount, _k in rows), default=Decimal(0))
    return [
        Bar(
            label,
            amount,
            f"{(amount * HUNDRED / largest).quantize(Decimal('0.01')):f}" if largest else "0",
            kind,
        )
        for label, amount, kind in rows
    ]


def flow_bars(totals: list[Any]) -> list[dict[str, Any]]:
    """Per currency: deposited, allocated, disbursed and unallocated."""
    return [
        {
            "currency": t.currency,
            "bars": bars(
                [
                    (str(_("Deposited")), t.deposited, "in"),
                    (str(_("Allocated")), t.allocated, "allocated"),
                    (str(_("Disbursed")), t.disbursed, "out"),
                    (str(_("Unallocated")), t.unallocated, "free"),
                ]
            ),
        }
        for t in totals
    ]


def contributor_bars(rows: list[Any], limit: int = 15) -> list[dict[str, Any]]:
    """Per currency: the largest contributors (deposited and pledged together)."""
    by_currency: dict[str, list[Any]] = {}
    for r in rows:
        by_currency.setdefault(r.currency, []).append(r)
    return [
        {"currency": c, "bars": bars([(r.name, r.total, "in") for r in rs[:limit]])}
        for c, rs in sorted(by_currency.items())
    ]


def share_bars(shares: list[Any]) -> list[Bar]:
    return [Bar(s.label, s.share, f"{min(s.share, HUNDRED):f}") for s in shares]
