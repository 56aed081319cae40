"""The start-up fund over the API (mounted at /api/v1/fund/): balances derived from the ledger,
the public financial table, contributions, the proposal pipeline, the ledger's movements, the
portfolio's balance; and token-authenticated writes through the services (contributions and
deposits by fund managers, concept notes by partnership admins, checks by fund managers,
decisions by steering committee members, allocations, tranches, reversals, expenditure).

Amounts are exact decimal strings ("1000.50"), never JSON numbers: money is Decimal end to end.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view

from migrationhub.accounts.auth import TokenAuth, token_user
from migrationhub.core.errors import NotFound
from migrationhub.core.page_cache import cached_api
from migrationhub.core.pagination import paginate
from migrationhub.core.schemas import PageMeta, errors
from migrationhub.partnerships import selectors as partnership_selectors

from . import iati, permissions, selectors, services
from .models import Allocation, Contribution, Movement, Proposal

router = Router(tags=["fund"])

DOMAINS = ("fund", "partnerships", "organisations", "taxonomy")
CENT = Decimal("0.01")
Money = str  # exact decimal text with cents
# Amounts are read as JSON strings too ("1000.50"): a JSON number would pass through a binary
# float in the JSON parser, and money never does.
AmountIn = Field(
    ...,
    pattern=r"^[0-9]{1,16}(\.[0-9]{1,2})?$",
    max_length=20,
    description='An exact amount as a string, at most two decimals: "1000.50".',
)


def money(value: Decimal | None) -> str | None:
    """An amount as exact decimal text with its cents ("1000.50")."""
    return None if value is None else f"{value.quantize(CENT):f}"


# --- schemas -------------------------------------------------------------------------------------


class PoolOut(Schema):
    """One earmark's money in one currency, derived from the ledger."""

    earmark: str
    currency: str
    deposited: Money
    allocated: Money
    disbursed: Money
    unallocated: Money
    allocated_undisbursed: Money


def _pool(p: selectors.PoolBalance) -> dict[str, Any]:
    return {
        "earmark": p.earmark,
        "currency": p.currency,
        "deposited": money(p.deposited),
        "allocated": money(p.allocated),
        "disbursed": money(p.disbursed),
        "unallocated": money(p.unallocated),
        "allocated_undisbursed": money(p.allocated_undisbursed),
    }


class ContributorOut(Schema):
    contributor: str
    name: str
    stakeholder_type: str
    currency: str
    pledged: Money
    deposited: Money


class TransferOut(Schema):
    proposal: int
    title: str
    partnership: str
    partnership_name: str
    earmark: str
    currency: str
    allocated: Money
    disbursed: Money
    expenditure: Money
    tranches: int


class FinancialTableOut(Schema):
    """The public financial table (in the spirit of the MPTF Office Gateway)."""

    fund: str
    balances: list[PoolOut]
    totals: list[PoolOut]
    contributors: list[ContributorOut]
    transfers: list[TransferOut]


class ContributionOut(Schema):
    id: int
    contributor: str
    contributor_name: str
    amount: Money
    currency: str
    date: dt.date
    earmark: str
    status: str
    deposited_on: dt.date | None
    reference: str


def _contribution(c: Contribution) -> dict[str, Any]:
    return {
        "id": c.pk,
        "contributor": c.contributor.slug,
        "contributor_name": c.contributor.name,
        "amount": money(c.amount),
        "currency": c.currency,
        "date": c.date,
        "earmark": c.earmark,
        "status": c.status,
        "deposited_on": c.deposited_on,
        "reference": c.reference,
    }


class ContributionPageOut(Schema):
    meta: PageMeta
    items: list[ContributionOut]


class ContributionCreateIn(Schema):
    contributor: str = Field(description="The contributing organisation's slug.")
    amount: str = AmountIn
    currency: str = Field(max_length=3)
    date: dt.date
    earmark: str = Field("none", max_length=80)
    deposited: bool = False
    reference: str = Field("", max_length=100)


class DepositIn(Schema):
    date: dt.date | None = None


class ScreeningOut(Schema):
    principle: str
    rating: str
    note: str


class TrancheOut(Schema):
    id: int
    amount: Money
    date: dt.date
    movement: int | None


class AllocationOut(Schema):
    id: int
    earmark: str
    currency: str
    amount: Money
    date: dt.date
    movement: int | None
    allocated: Money
    disbursed: Money
    remaining: Money
    tranches: list[TrancheOut]


def _allocation(a: Allocation) -> dict[str, Any]:
    state = selectors.allocation_state(a)
    return {
        "id": a.pk,
        "earmark": a.earmark,
        "currency": a.currency,
        "amount": money(a.amount),
        "date": a.date,
        "movement": a.movement_id,
        "allocated": money(state["allocated"]),
        "disbursed": money(state["disbursed"]),
        "remaining": money(state["remaining"]),
        "tranches": [
            {"id": d.pk, "amount": money(d.amount), "date": d.date, "movement": d.movement_id}
            for d in a.disbursements.all()
        ],
    }


class ProposalOut(Schema):
    """A proposal with its screening and decision. Who checked and decided is named by role
    only: no person appears in the public API."""

    id: int
    title: str
    summary: str
    partnership: str
    organisation: str
    hub_request: str | None
    amount: Money
    currency: str
    earmark: str
    status: str
    complete: bool
    gender_marker: int | None
    human_rights_marker: int | None
    whole_of_government: str
    whole_of_society: str
    score: int
    screenings: list[ScreeningOut]
    decided_at: dt.datetime | None
    decision_reason: str
    allocations: list[AllocationOut]


def _proposal(p: Proposal, reader: Any = None) -> dict[str, Any]:
    """`reader` sees the hub request's slug if they may see the request (else null)."""
    hub_request = selectors.hub_request_for(reader, p) if reader is not None else None
    return {
        "id": p.pk,
        "title": p.title,
        "summary": p.summary,
        "partnership": p.partnership.slug,
        "organisation": p.organisation.slug,
        "hub_request": hub_request.slug if hub_request is not None else None,
        "amount": money(p.amount),
        "currency": p.currency,
        "earmark": p.earmark,
        "status": p.status,
        "complete": p.complete,
        "gender_marker": p.gender_marker,
        "human_rights_marker": p.human_rights_marker,
        "whole_of_government": p.whole_of_government,
        "whole_of_society": p.whole_of_society,
        "score": p.score,
        "screenings": [
            {"principle": s.principle.code, "rating": s.rating, "note": s.note}
            for s in p.screenings.all()
        ],
        "decided_at": p.decided_at,
        "decision_reason": p.decision_reason,
        "allocations": [_allocation(a) for a in p.allocations.all()],
    }


class ProposalPageOut(Schema):
    meta: PageMeta
    items: list[ProposalOut]


class ProposalCreateIn(Schema):
    partnership: str = Field(description="The partnership's slug (you are one of its admins).")
    title: str = Field(max_length=300)
    summary: str = Field(max_length=20000)
    amount: str = AmountIn
    currency: str = Field(max_length=3)
    earmark: str = Field("none", max_length=80)
    whole_of_government: str = Field("", max_length=20000)
    whole_of_society: str = Field("", max_length=20000)
    hub_request: str = Field(
        "", max_length=200, description="The slug of a connection hub support request it answers."
    )


class PrincipleCheckIn(Schema):
    rating: str = Field(description="meets, partly or not_met")
    note: str = Field(max_length=5000)


class CheckIn(Schema):
    complete: bool
    principles: dict[str, PrincipleCheckIn] = Field(
        description="Each of the ten guiding principles by code."
    )
    gender_marker: int = Field(ge=0, le=2)
    human_rights_marker: int = Field(ge=0, le=2)
    whole_of_government: bool = False
    whole_of_society: bool = False
    note: str = Field("", max_length=20000)


class DecisionIn(Schema):
    approve: bool
    reason: str = Field(max_length=20000)


class AllocationIn(Schema):
    amount: str = AmountIn
    earmark: str | None = Field(None, max_length=80)
    date: dt.date | None = None


class DisbursementIn(Schema):
    amount: str = AmountIn
    date: dt.date | None = None


class ReversalIn(Schema):
    reason: str = Field(max_length=5000)


class ExpenditureIn(Schema):
    amount: str = AmountIn
    period_end: dt.date


class EntryOut(Schema):
    account: str
    currency: str
    amount: Money


class MovementOut(Schema):
    id: int
    kind: str
    date: dt.date
    reverses: int | None
    reversed: bool
    reason: str
    entries: list[EntryOut]


def _movement(m: Movement) -> dict[str, Any]:
    return {
        "id": m.pk,
        "kind": m.kind,
        "date": m.date,
        "reverses": m.reverses_id,
        "reversed": selectors.is_reversed(m),
        "reason": m.reason,
        "entries": [
            {"account": e.account, "currency": e.currency, "amount": money(e.amount)}
            for e in m.entries.all()
        ],
    }


class MovementPageOut(Schema):
    meta: PageMeta
    items: list[MovementOut]


class ShareOut(Schema):
    code: str
    label: str
    amount: Money
    share: str = Field(description="Percent of the currency's allocations, two decimals.")
    target: str | None


class PortfolioOut(Schema):
    currency: str
    total: Money
    dimensions: dict[str, list[ShareOut]]


class PageIn(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=100)


# --- reads ---------------------------------------------------------------------------------------


@router.get(
    "/",
    response={200: FinancialTableOut, **errors(422)},
    summary="The fund's financial table: balances, contributions by contributor, transfers",
    operation_id="fund_financial_table",
)
@decorate_view(cached_api(*DOMAINS))
def fund_financial_table(request: HttpRequest) -> dict[str, Any]:
    """Every balance is derived from the ledger (per earmark and currency); contributions are
    per contributing organisation; transfers per funded proposal."""
    fund = selectors.fund_get()
    pools = selectors.pool_balances()
    return {
        "fund": fund.name if fund else "",
        "balances": [_pool(p) for p in pools],
        "totals": [_pool(p) for p in selectors.totals_by_currency(pools)],
        "contributors": [
            {
                "contributor": r.slug,
                "name": r.name,
                "stakeholder_type": r.stakeholder_type,
                "currency": r.currency,
                "pledged": money(r.pledged),
                "deposited": money(r.deposited),
            }
            for r in selectors.contributions_by_contributor()
        ],
        "transfers": [
            {
                "proposal": t.proposal_id,
                "title": t.title,
                "partnership": t.partnership_slug,
                "partnership_name": t.partnership_name,
                "earmark": t.earmark,
                "currency": t.currency,
                "allocated": money(t.allocated),
                "disbursed": money(t.disbursed),
                "expenditure": money(t.expenditure),
                "tranches": t.tranches,
            }
            for t in selectors.transfers()
        ],
    }


@router.get(
    "/contributions",
    response={200: ContributionPageOut, **errors(422)},
    summary="Contributions, newest first",
    operation_id="fund_contribution_list",
)
@decorate_view(cached_api(*DOMAINS))
def fund_contribution_list(request: HttpRequest, filters: Query[PageIn]) -> dict[str, Any]:
    page = paginate(selectors.contribution_list(), filters.page, filters.page_size)
    return {"meta": PageMeta.of(page), "items": [_contribution(c) for c in page.items]}


@router.get(
    "/proposals",
    response={200: ProposalPageOut, **errors(422)},
    summary="Proposals you may see: approved and funded ones publicly, all for the fund's roles",
    operation_id="fund_proposal_list",
)
def fund_proposal_list(request: HttpRequest, filters: Query[PageIn]) -> dict[str, Any]:
    page = paginate(
        selectors.proposals_visible_to(_reader(request)), filters.page, filters.page_size
    )
    reader = _reader(request)
    return {"meta": PageMeta.of(page), "items": [_proposal(p, reader) for p in page.items]}


@router.get(
    "/pipeline",
    response={200: list[ProposalOut], **errors(422)},
    summary="Approved proposals awaiting funds, by score then date of decision",
    operation_id="fund_pipeline",
)
@decorate_view(cached_api(*DOMAINS))
def fund_pipeline(request: HttpRequest) -> list[dict[str, Any]]:
    return [_proposal(p) for p in selectors.proposal_pipeline()[:200]]


@router.get(
    "/proposals/{proposal_id}",
    response={200: ProposalOut, **errors(404, 422)},
    summary="One proposal with its screening, decision, allocations and tranches",
    operation_id="fund_proposal_get",
)
def fund_proposal_get(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    return _proposal(_proposal_for(request, proposal_id), _reader(request))


@router.get(
    "/movements",
    response={200: MovementPageOut, **errors(422)},
    summary="The ledger: every movement with its entries, newest first",
    operation_id="fund_movement_list",
)
@decorate_view(cached_api(*DOMAINS))
def fund_movement_list(request: HttpRequest, filters: Query[PageIn]) -> dict[str, Any]:
    page = paginate(selectors.movement_list(), filters.page, filters.page_size)
    return {"meta": PageMeta.of(page), "items": [_movement(m) for m in page.items]}


@router.get(
    "/portfolio",
    response={200: list[PortfolioOut], **errors(422)},
    summary="Allocations by objective, area, region and stakeholder type against the targets",
    operation_id="fund_portfolio",
)
@decorate_view(cached_api(*DOMAINS))
def fund_portfolio(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "currency": p.currency,
            "total": money(p.total),
            "dimensions": {
                d: [
                    {
                        "code": s.code,
                        "label": s.label,
                        "amount": money(s.amount),
                        "share": f"{s.share:f}",
                        "target": None if s.target is None else f"{s.target:f}",
                    }
                    for s in shares
                ]
                for d, shares in p.dimensions.items()
            },
        }
        for p in selectors.portfolio()
    ]


@router.get(
    "/iati.xml",
    response=errors(404, 422),
    summary="The fund as an IATI 2.03 activity: incoming funds, commitments, disbursements",
    operation_id="fund_iati",
)
@decorate_view(cached_api(*DOMAINS))
def fund_iati(request: HttpRequest) -> HttpResponse:
    fund = selectors.fund_get()
    if fund is None:
        raise NotFound(_("Nothing has been recorded in the fund yet."))
    response = HttpResponse(iati.fund_document(fund), content_type="application/xml")
    response["Content-Disposition"] = content_disposition_header(True, "fund.iati.xml") or ""
    return response


# --- writes --------------------------------------------------------------------------------------


def _reader(request: HttpRequest) -> Any:
    """The token's user if a valid token came with the request, else the session's user."""
    user = TokenAuth()(request)
    return user or getattr(request, "user", None)


def _proposal_for(request: HttpRequest, proposal_id: int) -> Proposal:
    return permissions.proposal_for(_reader(request), selectors.proposal_get(proposal_id))


def _contribution_get(pk: int) -> Contribution:
    contribution = selectors.contribution_get(pk)
    if contribution is None:
        raise NotFound(_("No such contribution."))
    return contribution


def _allocation_get(request: HttpRequest, pk: int) -> Allocation:
    allocation = selectors.allocation_get(pk)
    if allocation is None:
        raise NotFound(_("No such allocation."))
    return allocation


@router.post(
    "/contributions",
    response={201: ContributionOut, **errors(401, 403, 422)},
    auth=TokenAuth(),
    summary="Record a contribution, pledged or deposited (fund managers)",
    operation_id="fund_contribution_create",
)
def fund_contribution_create(request: HttpRequest, payload: ContributionCreateIn) -> Status[Any]:
    contribution = services.contribution_record(
        actor=token_user(request), fields=services.ContributionFields(**payload.dict())
    )
    return Status(201, _contribution(_contribution_get(contribution.pk)))


@router.post(
    "/contributions/{contribution_id}/deposit",
    response={200: ContributionOut, **errors(401, 403, 404, 409)},
    auth=TokenAuth(),
    summary="A pledge received: its money enters the ledger (fund managers)",
    operation_id="fund_contribution_deposit",
)
def fund_contribution_deposit(
    request: HttpRequest, contribution_id: int, payload: DepositIn
) -> dict[str, Any]:
    actor = token_user(request)
    permissions.require_manager(actor)
    services.contribution_deposit(
        actor=actor, contribution=_contribution_get(contribution_id), date=payload.date
    )
    return _contribution(_contribution_get(contribution_id))


@router.post(
    "/proposals",
    response={201: ProposalOut, **errors(401, 403, 404, 422)},
    auth=TokenAuth(),
    summary="Submit a partnership's concept note (the partnership's admins)",
    operation_id="fund_proposal_create",
)
def fund_proposal_create(request: HttpRequest, payload: ProposalCreateIn) -> Status[Any]:
    partnership = partnership_selectors.partnership_get(payload.partnership)
    if partnership is None:
        raise NotFound(_("No such partnership."))
    data = payload.dict()
    data.pop("partnership")
    proposal = services.proposal_submit(
        actor=token_user(request), partnership=partnership, fields=services.ProposalFields(**data)
    )
    return Status(201, _proposal(_proposal_for(request, proposal.pk), _reader(request)))


@router.post(
    "/proposals/{proposal_id}/check",
    response={200: ProposalOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Quality-check a proposal (fund managers, not from their own organisation)",
    operation_id="fund_proposal_check",
)
def fund_proposal_check(request: HttpRequest, proposal_id: int, payload: CheckIn) -> dict[str, Any]:
    proposal = _proposal_for(request, proposal_id)
    services.proposal_check(
        actor=token_user(request),
        proposal=proposal,
        fields=services.CheckFields(
            complete=payload.complete,
            principles={k: (v.rating, v.note) for k, v in payload.principles.items()},
            gender_marker=payload.gender_marker,
            human_rights_marker=payload.human_rights_marker,
            whole_of_government=payload.whole_of_government,
            whole_of_society=payload.whole_of_society,
            note=payload.note,
        ),
    )
    return _proposal(_proposal_for(request, proposal_id), _reader(request))


@router.post(
    "/proposals/{proposal_id}/decision",
    response={200: ProposalOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Decide on a checked proposal, with the reason (steering committee members)",
    operation_id="fund_proposal_decide",
)
def fund_proposal_decide(
    request: HttpRequest, proposal_id: int, payload: DecisionIn
) -> dict[str, Any]:
    proposal = _proposal_for(request, proposal_id)
    services.proposal_decide(
        actor=token_user(request), proposal=proposal, approve=payload.approve, reason=payload.reason
    )
    return _proposal(_proposal_for(request, proposal_id), _reader(request))


@router.post(
    "/proposals/{proposal_id}/allocations",
    response={201: AllocationOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Allocate money to an approved proposal (fund managers; never beyond the pool)",
    operation_id="fund_allocation_create",
)
def fund_allocation_create(
    request: HttpRequest, proposal_id: int, payload: AllocationIn
) -> Status[Any]:
    proposal = _proposal_for(request, proposal_id)
    allocation = services.allocation_create(
        actor=token_user(request),
        proposal=proposal,
        amount=payload.amount,
        earmark=payload.earmark,
        date=payload.date,
    )
    return Status(201, _allocation(_allocation_get(request, allocation.pk)))


@router.post(
    "/allocations/{allocation_id}/disbursements",
    response={201: AllocationOut, **errors(401, 403, 404, 422)},
    auth=TokenAuth(),
    summary="Disburse a tranche of an allocation (fund managers; never beyond what remains)",
    operation_id="fund_disbursement_create",
)
def fund_disbursement_create(
    request: HttpRequest, allocation_id: int, payload: DisbursementIn
) -> Status[Any]:
    actor = token_user(request)
    permissions.require_manager(actor)
    allocation = _allocation_get(request, allocation_id)
    services.disbursement_create(
        actor=actor, allocation=allocation, amount=payload.amount, date=payload.date
    )
    return Status(201, _allocation(_allocation_get(request, allocation_id)))


@router.post(
    "/allocations/{allocation_id}/expenditure",
    response={201: AllocationOut, **errors(401, 403, 404, 422)},
    auth=TokenAuth(),
    summary="Report expenditure of disbursed money (the partnership's admins)",
    operation_id="fund_expenditure_report",
)
def fund_expenditure_report(
    request: HttpRequest, allocation_id: int, payload: ExpenditureIn
) -> Status[Any]:
    allocation = _allocation_get(request, allocation_id)
    services.expenditure_report(
        actor=token_user(request),
        allocation=allocation,
        amount=payload.amount,
        period_end=payload.period_end,
    )
    return Status(201, _allocation(_allocation_get(request, allocation_id)))


class TargetsIn(Schema):
    targets: dict[str, dict[str, str]] = Field(
        description="Per dimension (objective, area, region, stakeholder_type), code -> the "
        'share of allocations aimed at, in percent as a string ("12.5").'
    )


@router.put(
    "/targets",
    response={200: dict[str, dict[str, str]], **errors(401, 403, 422)},
    auth=TokenAuth(),
    summary="Set the portfolio's targets per objective, area, region, stakeholder type (managers)",
    operation_id="fund_targets_set",
)
def fund_targets_set(request: HttpRequest, payload: TargetsIn) -> dict[str, Any]:
    fund = services.fund_targets_set(actor=token_user(request), targets=payload.targets)
    return dict(fund.targets)


@router.post(
    "/movements/{movement_id}/reversal",
    response={201: MovementOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Correct a movement by its reversing movement, with a reason (fund managers)",
    operation_id="fund_movement_reverse",
)
def fund_movement_reverse(
    request: HttpRequest, movement_id: int, payload: ReversalIn
) -> Status[Any]:
    actor = token_user(request)
    permissions.require_manager(actor)
    movement = selectors.movement_get(movement_id)
    if movement is None:
        raise NotFound(_("No such movement."))
    reversal = services.movement_reverse(actor=actor, movement=movement, reason=payload.reason)
    found = selectors.movement_get(reversal.pk)
    assert found is not None
    return Status(201, _movement(found))
