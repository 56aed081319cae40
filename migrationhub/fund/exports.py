"""The fund's open data (core.open_data): the public financial table as three tables, in the
spirit of the MPTF Office Gateway: balances per earmark and currency (derived from the ledger),
contributions by contributor, and transfers to partnerships with expenditure reported. Amounts
are exact decimals; organisations only, no person."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from migrationhub.core.open_data import Column, Package, Table, page_url

from . import selectors

CURRENCY = Column(
    "currency",
    "string",
    "ISO 4217 currency code.",
    hxl="#currency",
    required=True,
    pattern="^[A-Z]{3}$",
)
EARMARK = Column(
    "earmark",
    "string",
    "none (unearmarked), objective-<GCM objective number>, area-<area of cooperation code> "
    "or region-<UN M49 code>.",
    hxl="#sector+code",
    required=True,
)


MONEY_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"
CENT = Decimal("0.01")


def _money(name: str, description: str) -> Column:
    """Exact decimal text with cents ("500000.00"), in JSON too: a JSON number would be read
    as a binary float by most clients, and money is never a float."""
    return Column(
        name,
        "string",
        description + " Exact decimal text with two decimals.",
        hxl="#value",
        required=True,
        pattern=MONEY_PATTERN,
    )


def _m(value: Decimal) -> str:
    return f"{value.quantize(CENT):f}"


def balance_rows(*, base_url: str = "") -> Iterator[dict[str, Any]]:
    for p in selectors.pool_balances():
        yield {
            "earmark": p.earmark,
            "currency": p.currency,
            "deposited": _m(p.deposited),
            "allocated": _m(p.allocated),
            "disbursed": _m(p.disbursed),
            "unallocated": _m(p.unallocated),
        }


def contribution_rows(*, base_url: str = "") -> Iterator[dict[str, Any]]:
    for r in selectors.contributions_by_contributor():
        yield {
            "contributor": r.slug,
            "contributor_name": r.name,
            "stakeholder_type": r.stakeholder_type,
            "currency": r.currency,
            "pledged": _m(r.pledged),
            "deposited": _m(r.deposited),
            "url": page_url("organisations:detail", base_url, slug=r.slug),
        }


def transfer_rows(*, base_url: str = "") -> Iterator[dict[str, Any]]:
    for t in selectors.transfers():
        yield {
            "proposal": t.proposal_id,
            "title": t.title,
            "partnership": t.partnership_slug,
            "earmark": t.earmark,
            "currency": t.currency,
            "allocated": _m(t.allocated),
            "disbursed": _m(t.disbursed),
            "tranches": t.tranches,
            "expenditure": _m(t.expenditure),
            "url": page_url("fund:proposal", base_url, pk=t.proposal_id),
        }


TABLES: tuple[Table, ...] = (
    Table(
        name="fund-balances",
        title="Start-up fund: balances per earmark and currency",
        description="Deposited, allocated, disbursed and unallocated money of the start-up fund "
        "per earmark and currency, each derived from the fund's double-entry ledger.",
        columns=(
            EARMARK,
            CURRENCY,
            _money("deposited", "Deposited into this earmark (net of reversals)."),
            _money("allocated", "Allocated to approved proposals (net of reversals)."),
            _money("disbursed", "Transferred to partnerships in tranches."),
            _money("unallocated", "Free to allocate."),
        ),
        rows=balance_rows,
        primary_key=("earmark", "currency"),
    ),
    Table(
        name="fund-contributions",
        title="Start-up fund: contributions by contributor",
        description="Money pledged (not yet deposited) and deposited per contributing "
        "organisation and currency.",
        columns=(
            Column(
                "contributor", "string", "The organisation's slug.", hxl="#org+code", required=True
            ),
            Column(
                "contributor_name",
                "string",
                "The organisation's name.",
                hxl="#org+name",
                required=True,
            ),
            Column("stakeholder_type", "string", "Its stakeholder type code.", hxl="#org+type"),
            CURRENCY,
            _money("pledged", "Pledged and not yet deposited."),
            _money("deposited", "Deposited."),
            Column("url", "string", "The organisation's page.", hxl="#meta+url", required=True),
        ),
        rows=contribution_rows,
        primary_key=("contributor", "currency"),
    ),
    Table(
        name="fund-transfers",
        title="Start-up fund: transfers to partnerships",
        description="Per funded proposal: money allocated and disbursed (net of reversals), "
        "the number of tranches, and the expenditure the partnership reported.",
        columns=(
            Column("proposal", "integer", "The proposal's number.", required=True),
            Column("title", "string", "The proposal's title.", hxl="#activity+name", required=True),
            Column(
                "partnership",
                "string",
                "The partnership's slug.",
                hxl="#activity+code",
                required=True,
            ),
            EARMARK,
            CURRENCY,
            _money("allocated", "Allocated, net of reversals."),
            _money("disbursed", "Disbursed, net of reversals."),
            Column("tranches", "integer", "Tranches disbursed and not reversed.", required=True),
            _money("expenditure", "Expenditure reported by the partnership."),
            Column("url", "string", "The proposal's page.", hxl="#meta+url", required=True),
        ),
        rows=transfer_rows,
        primary_key=("proposal",),
    ),
)

PACKAGES: tuple[Package, ...] = (
    Package(
        name="fund",
        title="MigrationHub start-up fund: balances, contributions and transfers",
        description="The public financial table of the start-up fund for migration (GCM §43): "
        "balances derived from its double-entry ledger, contributions by contributor, transfers "
        "to partnerships and expenditure reported.",
        tables=tuple(t.name for t in TABLES),
        keywords=("migration", "GCM", "start-up fund", "MPTF", "financial transparency"),
    ),
)
