"""Start-up fund reads: balances derived from the ledger (never stored), the public financial
table in the spirit of the MPTF Office Gateway (contributions by contributor, transfers,
balances, expenditure), the proposal pipeline, the ledger's movements, the portfolio's balance
against the fund's targets, and the fund's flows as IATI transactions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from migrationhub.core import audit
from migrationhub.hub import selectors as hub_selectors
from migrationhub.organisations.permissions import organisation_ids_of
from migrationhub.partnerships import selectors as partnership_selectors
from migrationhub.taxonomy import selectors as taxonomy_selectors

from . import ledger, permissions
from .models import (
    Allocation,
    Close,
    CloseBalance,
    Contribution,
    Disbursement,
    Entry,
    Expenditure,
    Fund,
    Movement,
    Proposal,
    Screening,
)

ZERO = Decimal(0)
DIMENSIONS = ("objective", "area", "region", "stakeholder_type")


def fund_get() -> Fund | None:
    """The start-up fund, if anything was ever recorded."""
    return Fund.objects.order_by("pk").first()


# --- balances ------------------------------------------------------------------------------------


@dataclass
class PoolBalance:
    """One earmark's money in one currency: what came in, what is set aside for proposals and
    not yet paid, what was paid out, and what is free to allocate (all from the ledger)."""

    earmark: str
    currency: str
    deposited: Decimal = ZERO
    unallocated: Decimal = ZERO
    allocated_undisbursed: Decimal = ZERO
    disbursed: Decimal = ZERO

    @property
    def allocated(self) -> Decimal:
        return self.allocated_undisbursed + self.disbursed


def account_balances(fund: Fund | None = None) -> dict[tuple[str, str], Decimal]:
    """Every (account, currency) balance: the latest period close's balances plus one
    SUM … GROUP BY over the entries after it (services.ledger_close); for one `fund`, one
    SUM … GROUP BY over its entries."""
    if fund is not None:
        rows = Entry.objects.filter(movement__fund=fund)
        grouped = rows.values_list("account", "currency").annotate(total=Sum("amount")).order_by()
        return {(account, currency): total for account, currency, total in grouped}
    close = Close.objects.order_by("-last_entry_id").first()
    balances: dict[tuple[str, str], Decimal] = {}
    since = 0
    if close is not None:
        since = close.last_entry_id
        balances = {
            (a, c): amount
            for a, c, amount in CloseBalance.objects.filter(close=close).values_list(
                "account", "currency", "amount"
            )
        }
    delta = (
        Entry.objects.filter(pk__gt=since)
        .values_list("account", "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for account, currency, total in delta:
        balances[(account, currency)] = balances.get((account, currency), ZERO) + total
    return balances


def allocation_earmarks(fund: Fund | None = None) -> dict[int, str]:
    rows = Allocation.objects.all() if fund is None else Allocation.objects.filter(fund=fund)
    return dict(rows.values_list("pk", "earmark"))


def pool_balances(fund: Fund | None = None) -> list[PoolBalance]:
    """Every pool (earmark, currency) with its derived balances, sorted; the books' sum is
    checked to be zero on the way (a broken invariant would be a bug: it raises)."""
    balances = account_balances(fund)
    earmarks = allocation_earmarks(fund)
    pools: dict[tuple[str, str], PoolBalance] = {}
    per_currency: dict[str, Decimal] = defaultdict(lambda: ZERO)

    def pool(earmark: str, currency: str) -> PoolBalance:
        key = (earmark, currency)
        if key not in pools:
            pools[key] = PoolBalance(earmark, currency)
        return pools[key]

    for (account, currency), amount in balances.items():
        per_currency[currency] += amount
        parts = ledger.parse_account(account)
        if parts[0] == "fund":
            pool(parts[2], currency).unallocated += amount
        elif parts[0] == "allocation":
            pool(earmarks.get(int(parts[1]), "none"), currency).allocated_undisbursed += amount
        elif parts[0] == "disbursed":
            pool(earmarks.get(int(parts[1]), "none"), currency).disbursed += amount
    for p in pools.values():
        p.deposited = p.unallocated + p.allocated_undisbursed + p.disbursed
    if any(total != 0 for total in per_currency.values()):
        raise AssertionError("the fund's books do not sum to zero")
    return sorted(pools.values(), key=lambda p: (p.currency, p.earmark != "none", p.earmark))


def totals_by_currency(pools: list[PoolBalance]) -> list[PoolBalance]:
    totals: dict[str, PoolBalance] = {}
    for p in pools:
        t = totals.setdefault(p.currency, PoolBalance("", p.currency))
        t.deposited += p.deposited
        t.unallocated += p.unallocated
        t.allocated_undisbursed += p.allocated_undisbursed
        t.disbursed += p.disbursed
    return sorted(totals.values(), key=lambda t: t.currency)


def unallocated_balance(fund: Fund, earmark: str, currency: str) -> Decimal:
    total = Entry.objects.filter(
        account=ledger.unallocated_account(fund.pk, earmark), currency=currency
    ).aggregate(s=Sum("amount"))["s"]
    return total if total is not None else ZERO


def allocation_state(allocation: Allocation) -> dict[str, Decimal]:
    """Net allocated (after reversals), disbursed and remaining, from the ledger."""
    rows = dict(
        Entry.objects.filter(
            account__in=(
                ledger.allocation_account(allocation.pk),
                ledger.disbursed_account(allocation.pk),
            )
        )
        .values_list("account")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    remaining = rows.get(ledger.allocation_account(allocation.pk)) or ZERO
    disbursed = rows.get(ledger.disbursed_account(allocation.pk)) or ZERO
    return {"allocated": remaining + disbursed, "disbursed": disbursed, "remaining": remaining}


# --- contributions -------------------------------------------------------------------------------


def contribution_queryset() -> QuerySet[Contribution]:
    return Contribution.objects.select_related("contributor__stakeholder_type", "fund")


def contribution_get(pk: int) -> Contribution | None:
    return contribution_queryset().filter(pk=pk).first()


def contribution_list() -> QuerySet[Contribution]:
    return contribution_queryset().order_by("-date", "-pk")


@dataclass
class ContributorRow:
    """One contributor's pledged and deposited money in one currency (the Gateway's
    "contributions by contributor")."""

    slug: str
    name: str
    stakeholder_type: str
    currency: str
    pledged: Decimal = ZERO
    deposited: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.pledged + self.deposited


def contributions_by_contributor() -> list[ContributorRow]:
    """Pledged (not yet deposited) and deposited totals per contributor and currency, the
    largest first. Organisations only: no person appears."""
    grouped = (
        Contribution.objects.values(
            "contributor__slug",
            "contributor__name",
            "contributor__stakeholder_type__code",
            "currency",
            "status",
        )
        .annotate(total=Sum("amount"))
        .order_by()
    )
    rows: dict[tuple[str, str], ContributorRow] = {}
    for g in grouped:
        key = (g["contributor__slug"], g["currency"])
        row = rows.setdefault(
            key,
            ContributorRow(
                g["contributor__slug"],
                g["contributor__name"],
                g["contributor__stakeholder_type__code"] or "",
                g["currency"],
            ),
        )
        if g["status"] == Contribution.DEPOSITED:
            row.deposited += g["total"]
        else:
            row.pledged += g["total"]
    return sorted(rows.values(), key=lambda r: (r.currency, -r.total, r.name))


def contributions_of(organisation: Any) -> list[ContributorRow]:
    """`organisation`'s pledged and deposited money per currency."""
    return [r for r in contributions_by_contributor() if r.slug == organisation.slug]


# --- proposals -----------------------------------------------------------------------------------


def proposal_queryset() -> QuerySet[Proposal]:
    return Proposal.objects.select_related(
        "partnership__lead", "organisation", "fund", "decided_by", "checked_by"
    ).prefetch_related(
        Prefetch(
            "screenings",
            queryset=Screening.objects.select_related("principle").order_by("principle__number"),
        ),
        Prefetch(
            "allocations",
            queryset=Allocation.objects.select_related("movement").prefetch_related(
                Prefetch("disbursements", queryset=Disbursement.objects.order_by("date", "pk")),
                "expenditures",
            ),
        ),
        "partnership__members",
    )


def proposal_get(pk: int) -> Proposal | None:
    return proposal_queryset().filter(pk=pk).first()


def proposal_pipeline() -> QuerySet[Proposal]:
    """Approved and not yet funded, ordered by score, then by the date of the decision: the
    public pipeline."""
    return (
        proposal_queryset().filter(status=Proposal.APPROVED).order_by("-score", "decided_at", "pk")
    )


def proposals_funded() -> QuerySet[Proposal]:
    return proposal_queryset().filter(status=Proposal.FUNDED).order_by("-decided_at", "-pk")


def proposals_visible_to(user: Any) -> QuerySet[Proposal]:
    """Every proposal the user may see: public ones, plus those in screening for the fund's
    roles, or for the admins of the partnerships they lead."""
    rows = proposal_queryset()
    if permissions.is_manager(user) or permissions.is_committee(user):
        return rows.order_by("-created_at", "-pk")
    led = partnership_selectors.partnerships_led_by_user(user).values("pk")
    return rows.filter(Q(status__in=Proposal.PUBLIC_STATUSES) | Q(partnership__in=led)).order_by(
        "-created_at", "-pk"
    )


def partnerships_to_propose_for(user: Any) -> list[Any]:
    """The partnerships whose admin `user` is: those they may submit concept notes for."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(partnership_selectors.partnerships_led_by_user(user).order_by("name")[:50])


def proposals_in_screening_for(user: Any) -> QuerySet[Proposal]:
    """The not-yet-public proposals `user` may see (submitted, checked, not approved)."""
    if not getattr(user, "is_authenticated", False):
        return Proposal.objects.none()
    return proposals_visible_to(user).exclude(status__in=Proposal.PUBLIC_STATUSES)


def proposals_awaiting(user: Any) -> QuerySet[Proposal]:
    """What waits for `user`: checks for fund managers, decisions for committee members (their
    own organisations' proposals left out)."""
    if permissions.is_manager(user):
        wanted = [Proposal.SUBMITTED]
    elif permissions.is_committee(user):
        wanted = [Proposal.CHECKED]
    else:
        return Proposal.objects.none()
    mine = organisation_ids_of(user)
    return (
        proposal_queryset()
        .filter(status__in=wanted)
        .exclude(organisation_id__in=mine)
        .exclude(partnership__members__organisation_id__in=mine)
        .distinct()
        .order_by("created_at", "pk")
    )


def hub_request_for(user: Any, proposal: Proposal) -> Any | None:
    """The connection hub's support request the proposal answers, if `user` may see it."""
    if proposal.hub_request_id is None:
        return None
    return hub_selectors.support_requests_visible(user).filter(pk=proposal.hub_request_id).first()


def hub_request_choices(user: Any) -> list[tuple[str, str]]:
    """The support requests of `user`'s organisations, for a concept note to answer."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [(r.slug, r.title) for r in hub_selectors.requests_of_user(user)[:100]]


HISTORY_LABELS = {
    "proposal.submit": _("Concept note submitted"),
    "proposal.check": _("Quality-checked by a fund manager"),
    "proposal.approve": _("Approved by the steering committee"),
    "proposal.reject": _("Not approved by the steering committee"),
    "allocation.create": _("Money allocated"),
    "disbursement.create": _("Tranche disbursed"),
    "expenditure.report": _("Expenditure reported"),
}


def proposal_history(proposal: Proposal) -> list[dict[str, Any]]:
    """What happened to a proposal, oldest first: when, what, why and how much (never who:
    the public history names no person)."""
    return [
        {
            "at": e.at,
            "what": HISTORY_LABELS.get(e.action, e.action),
            "reason": e.reason,
            "amount": e.data.get("amount", ""),
            "currency": e.data.get("currency", ""),
        }
        for e in audit.events_for(proposal).order_by("at", "pk")
    ]


def screening_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Screening.RATINGS]


# --- transfers, expenditure ----------------------------------------------------------------------


@dataclass
class TransferRow:
    """Money transferred to one partnership for one proposal, in its currency (the Gateway's
    "transfers"): allocated (net of reversals), disbursed, expenditure reported."""

    proposal_id: int
    title: str
    partnership_slug: str
    partnership_name: str
    earmark: str
    currency: str
    allocated: Decimal = ZERO
    disbursed: Decimal = ZERO
    expenditure: Decimal = ZERO
    tranches: int = 0


def transfers() -> list[TransferRow]:
    """Every funded proposal's transfers, from the ledger (three GROUP BY queries)."""
    balances = {
        account: total
        for (account, _currency), total in account_balances().items()
        if account.startswith(("allocation:", "disbursed:"))
    }
    spent = dict(
        Expenditure.objects.values_list("allocation_id").annotate(s=Sum("amount")).order_by()
    )
    reversed_ids = set(
        Movement.objects.filter(reverses__isnull=False).values_list("reverses_id", flat=True)
    )
    tranche_counts: dict[int, int] = defaultdict(int)
    for allocation_id, movement_id in Disbursement.objects.values_list(
        "allocation_id", "movement_id"
    ):
        if movement_id not in reversed_ids:
            tranche_counts[allocation_id] += 1
    rows: dict[int, TransferRow] = {}
    for a in Allocation.objects.select_related("proposal__partnership").order_by(
        "proposal_id", "pk"
    ):
        p = a.proposal
        row = rows.setdefault(
            p.pk,
            TransferRow(
                p.pk, p.title, p.partnership.slug, p.partnership.name, a.earmark, a.currency
            ),
        )
        remaining = balances.get(ledger.allocation_account(a.pk), ZERO)
        disbursed = balances.get(ledger.disbursed_account(a.pk), ZERO)
        row.allocated += remaining + disbursed
        row.disbursed += disbursed
        row.expenditure += spent.get(a.pk, ZERO)
        row.tranches += tranche_counts.get(a.pk, 0)
    return [r for r in rows.values() if r.allocated or r.disbursed]


def transfers_of_partnership(partnership: Any) -> list[TransferRow]:
    return [t for t in transfers() if t.partnership_slug == partnership.slug]


# --- the ledger ----------------------------------------------------------------------------------


def movement_queryset() -> QuerySet[Movement]:
    return Movement.objects.select_related("reverses").prefetch_related(
        Prefetch("entries", queryset=Entry.objects.order_by("pk")), "reversed_by"
    )


def movement_get(pk: int) -> Movement | None:
    return movement_queryset().filter(pk=pk).first()


def movement_list() -> QuerySet[Movement]:
    return movement_queryset().order_by("-at", "-pk")


def is_reversed(movement: Movement) -> bool:
    try:
        return movement.reversed_by is not None
    except Movement.reversed_by.RelatedObjectDoesNotExist:
        return False


# --- the portfolio's balance ---------------------------------------------------------------------


@dataclass
class Share:
    code: str
    label: str
    amount: Decimal
    share: Decimal  # percent of the currency's allocations, two decimals
    target: Decimal | None = None


@dataclass
class Portfolio:
    """Allocations (net of reversals) by dimension value, per currency, against the fund's
    targets. A proposal tagged with several values of a dimension counts for each in equal
    parts (so each dimension's shares sum to 100%)."""

    currency: str
    total: Decimal
    dimensions: dict[str, list[Share]] = field(default_factory=dict)


def _labels() -> dict[str, dict[str, str]]:
    choices = taxonomy_selectors.vocabulary_choices()
    return {
        "objective": dict(choices.get("objectives", [])),
        "area": dict(choices.get("areas", [])),
        "region": dict(choices.get("regions", [])),
        "stakeholder_type": dict(choices.get("stakeholder_types", [])),
    }


def _allocation_tags(proposal: Proposal, region_of: dict[str, str]) -> dict[str, list[str]]:
    p = proposal.partnership
    regions = sorted({region_of[c.iso3] for c in p.countries.all() if c.iso3 in region_of})
    lead_type = p.lead.stakeholder_type.code if p.lead.stakeholder_type_id else ""
    return {
        "objective": [str(o.number) for o in p.objectives.all()],
        "area": [a.code for a in p.areas.all()],
        "region": regions,
        "stakeholder_type": [lead_type] if lead_type else [],
    }


def portfolio(fund: Fund | None = None) -> list[Portfolio]:
    """The balance of the portfolio (module docstring of `Portfolio`)."""
    fund = fund or fund_get()
    if fund is None:
        return []
    balances = account_balances()
    allocations = list(
        Allocation.objects.filter(fund=fund)
        .select_related("proposal__partnership__lead__stakeholder_type")
        .prefetch_related(
            "proposal__partnership__objectives",
            "proposal__partnership__areas",
            "proposal__partnership__countries__region",
        )
    )
    region_of: dict[str, str] = {}
    for a in allocations:
        for c in a.proposal.partnership.countries.all():
            if c.region is not None:
                region_of[c.iso3] = c.region.m49
    labels = _labels()
    targets = fund.targets or {}
    sums: dict[str, dict[str, dict[str, Decimal]]] = defaultdict(
        lambda: {d: defaultdict(lambda: ZERO) for d in DIMENSIONS}
    )
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for a in allocations:
        net = balances.get((ledger.allocation_account(a.pk), a.currency), ZERO) + balances.get(
            (ledger.disbursed_account(a.pk), a.currency), ZERO
        )
        if not net:
            continue
        totals[a.currency] += net
        for dimension, values in _allocation_tags(a.proposal, region_of).items():
            for value in values or ["-"]:
                sums[a.currency][dimension][value] += net / len(values or ["-"])
    result = []
    for currency, total in sorted(totals.items()):
        dims: dict[str, list[Share]] = {}
        for dimension in DIMENSIONS:
            wanted = {str(k): Decimal(str(v)) for k, v in (targets.get(dimension) or {}).items()}
            amounts = sums[currency][dimension]
            codes = sorted(set(amounts) | set(wanted), key=lambda c: (-amounts.get(c, ZERO), c))
            dims[dimension] = [
                Share(
                    code,
                    labels[dimension].get(code, code),
                    amounts.get(code, ZERO).quantize(Decimal("0.01")),
                    (amounts.get(code, ZERO) * 100 / total).quantize(Decimal("0.01")),
                    wanted.get(code),
                )
                for code in codes
            ]
        result.append(Portfolio(currency, total, dims))
    return result


# --- IATI ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flow:
    """One of the fund's flows as an IATI transaction: type (1 incoming funds, 2 commitment,
    3 disbursement), date, amount (negative for a reversal), currency, provider and receiver."""

    type: str
    date: dt.date
    amount: Decimal
    currency: str
    provider: str
    receiver: str
    description: str


def partnership_flows(partnership: Any) -> list[Flow]:
    """The fund's commitments (allocations) and disbursements (tranches) to `partnership`,
    with reversals as negative transactions of the same type (IATI's way of correcting)."""
    fund = fund_get()
    if fund is None:
        return []
    ids = Allocation.objects.filter(proposal__partnership_id=partnership.pk).values_list(
        "pk", flat=True
    )
    accounts = [a for i in ids for a in (ledger.allocation_account(i), ledger.disbursed_account(i))]
    entries = (
        Entry.objects.filter(account__in=accounts)
        .select_related("movement__reverses")
        .order_by("movement__date", "movement_id", "pk")
    )
    receiver = partnership.lead.name
    flows: list[Flow] = []
    for e in entries:
        m = e.movement
        kind = m.reverses.kind if m.reverses is not None else m.kind
        wanted = "disbursed:" if kind == ledger.DISBURSEMENT else "allocation:"
        if not e.account.startswith(wanted):
            continue
        flows.append(
            Flow(
                "3" if kind == ledger.DISBURSEMENT else "2",
                m.date,
                e.amount,
                e.currency,
                fund.name,
                receiver,
                m.reason if m.kind == ledger.REVERSAL else "",
            )
        )
    return flows


def ledger_flows(fund: Fund) -> QuerySet[Movement]:
    """Every movement of `fund` in date order, entries and reversed movement prefetched."""
    return (
        Movement.objects.filter(fund=fund)
        .select_related("reverses")
        .prefetch_related(Prefetch("entries", queryset=Entry.objects.order_by("pk")))
        .order_by("date", "pk")
    )


def contributor_names(fund: Fund) -> dict[int, str]:
    """Contribution id -> the contributing organisation's name."""
    return dict(Contribution.objects.filter(fund=fund).values_list("pk", "contributor__name"))


def allocation_receivers(fund: Fund) -> dict[int, str]:
    """Allocation id -> the name of the funded partnership's lead organisation."""
    return dict(
        Allocation.objects.filter(fund=fund).values_list("pk", "proposal__partnership__lead__name")
    )


def allocation_get(pk: int) -> Allocation | None:
    return (
        Allocation.objects.select_related("proposal__partnership__lead", "fund", "movement")
        .prefetch_related(
            Prefetch("disbursements", queryset=Disbursement.objects.order_by("date", "pk"))
        )
        .filter(pk=pk)
        .first()
    )
