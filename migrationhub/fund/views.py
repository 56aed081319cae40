"""Start-up fund pages: the public financial table (balances, contributions by contributor,
transfers, with charts and downloads), the proposal pipeline and each proposal's screening,
decision, allocations and tranches, the ledger, the portfolio's balance; and the forms of the
fund's roles. Views parse, call one service or selector, and render; service errors come back as
form errors."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from migrationhub.core.errors import ApplicationError, NotFound
from migrationhub.core.forms import add_service_errors
from migrationhub.core.page_cache import cached_page
from migrationhub.core.pagination import page_number, paginate
from migrationhub.organisations.selectors import organisation_choices
from migrationhub.partnerships import selectors as partnership_selectors

from . import charts, permissions, selectors, services
from .forms import (
    AllocationForm,
    CheckForm,
    ContributionForm,
    DecisionForm,
    DisbursementForm,
    ExpenditureForm,
    ProposalForm,
    ReversalForm,
    earmark_choices,
)
from .models import Proposal

DOMAINS = ("fund", "partnerships", "organisations", "taxonomy")
PAGE_SIZE = 25


def _roles(user: Any) -> dict[str, bool]:
    return {
        "is_manager": permissions.is_manager(user),
        "is_committee": permissions.is_committee(user),
    }


@cached_page(*DOMAINS)
def overview(request: HttpRequest) -> HttpResponse:
    """The public financial table, in the spirit of the MPTF Office Gateway."""
    fund = selectors.fund_get()
    pools = selectors.pool_balances()
    totals = selectors.totals_by_currency(pools)
    contributors = selectors.contributions_by_contributor()
    return render(
        request,
        "fund/overview.html",
        {
            "fund": fund,
            "pools": pools,
            "totals": totals,
            "contributors": contributors,
            "transfers": selectors.transfers(),
            "flow_charts": charts.flow_bars(totals),
            "contributor_charts": charts.contributor_bars(contributors),
            "earmark_labels": dict(earmark_choices()),
            **_roles(request.user),
        },
    )


@cached_page(*DOMAINS)
def contribution_list(request: HttpRequest) -> HttpResponse:
    page = paginate(selectors.contribution_list(), page_number(request.GET), PAGE_SIZE)
    return render(
        request,
        "fund/contribution_list.html",
        {"page": page, "earmark_labels": dict(earmark_choices()), **_roles(request.user)},
    )


@login_required
def contribution_new(request: HttpRequest) -> HttpResponse:
    if not permissions.is_manager(request.user):
        raise Http404
    form = ContributionForm(request.POST or None, organisations=organisation_choices())
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_record(actor=request.user, fields=form.fields_value())
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Contribution recorded."))
            return redirect("fund:contributions")
    return _form_page(request, form, _("Record a contribution"), _("Record"))


@login_required
@require_POST
def contribution_deposit(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = selectors.contribution_get(pk)
    if contribution is None or not permissions.is_manager(request.user):
        raise Http404
    try:
        services.contribution_deposit(actor=request.user, contribution=contribution)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Deposit recorded: the money is in the ledger."))
    return redirect("fund:contributions")


def proposal_list(request: HttpRequest) -> HttpResponse:
    """The public pipeline (approved, awaiting funds, by score then date), funded proposals,
    and, for the fund's roles and partnership admins, what else they may see."""
    user = request.user
    return render(
        request,
        "fund/proposal_list.html",
        {
            "pipeline": selectors.proposal_pipeline(),
            "funded": selectors.proposals_funded(),
            "awaiting": selectors.proposals_awaiting(user),
            "mine": selectors.proposals_in_screening_for(user),
            "my_partnerships": selectors.partnerships_to_propose_for(user),
            **_roles(user),
        },
    )


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    try:
        return permissions.proposal_for(request.user, selectors.proposal_get(pk))
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _pools(proposal: Proposal) -> list[tuple[str, str]]:
    labels = dict(earmark_choices())
    wanted = ["none"] if proposal.earmark == "none" else [proposal.earmark, "none"]
    return [(e, labels.get(e, e)) for e in wanted]


def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    user = request.user
    independent = not permissions.own_organisation_ids(user, proposal)
    roles = _roles(user)
    allocations = [
        {"allocation": a, "state": selectors.allocation_state(a)}
        for a in proposal.allocations.all()
    ]
    context: dict[str, Any] = {
        "proposal": proposal,
        "allocations": allocations,
        "earmark_labels": dict(earmark_choices()),
        "is_admin": permissions.is_partnership_admin(user, proposal.partnership),
        "hub_request": selectors.hub_request_for(user, proposal),
        "history": selectors.proposal_history(proposal),
        **roles,
    }
    if (
        roles["is_manager"]
        and independent
        and proposal.status in (Proposal.SUBMITTED, Proposal.CHECKED)
    ):
        context["check_url"] = True
    if roles["is_committee"] and independent and proposal.status == Proposal.CHECKED:
        context["decision_form"] = DecisionForm()
    if roles["is_manager"] and proposal.status in (Proposal.APPROVED, Proposal.FUNDED):
        context["allocation_form"] = AllocationForm(pools=_pools(proposal))
        context["disbursement_form"] = DisbursementForm()
    if context["is_admin"]:
        context["expenditure_form"] = ExpenditureForm()
    return render(request, "fund/proposal_detail.html", context)


@login_required
def proposal_new(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_selectors.partnership_get(slug)
    if partnership is None or not permissions.is_partnership_admin(request.user, partnership):
        raise Http404
    form = ProposalForm(
        request.POST or None, hub_requests=selectors.hub_request_choices(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_submit(
                actor=request.user, partnership=partnership, fields=form.fields_value()
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Concept note submitted to the fund."))
            return redirect("fund:proposal", pk=proposal.pk)
    return _form_page(
        request,
        form,
        _("Submit a concept note to the start-up fund"),
        _("Submit"),
        subtitle=partnership.name,
    )


@login_required
def proposal_check(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    if not permissions.is_manager(request.user):
        raise Http404
    form = CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_check(
                actor=request.user, proposal=proposal, fields=form.fields_value()
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Quality check recorded."))
            return redirect("fund:proposal", pk=pk)
    return render(request, "fund/proposal_check.html", {"form": form, "proposal": proposal})


@login_required
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    if not permissions.is_committee(request.user):
        raise Http404
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_decide(
                actor=request.user,
                proposal=proposal,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("fund:proposal", pk=pk)
    return _form_page(
        request,
        form,
        _("Decide on this proposal"),
        _("Record the decision"),
        subtitle=proposal.title,
    )


@login_required
def allocation_new(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    if not permissions.is_manager(request.user):
        raise Http404
    form = AllocationForm(request.POST or None, pools=_pools(proposal))
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_create(
                actor=request.user,
                proposal=proposal,
                amount=form.cleaned_data["amount"],
                earmark=form.cleaned_data["earmark"],
                date=form.cleaned_data["date"],
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Allocation recorded."))
            return redirect("fund:proposal", pk=pk)
    return _form_page(request, form, _("Allocate"), _("Allocate"), subtitle=proposal.title)


def _allocation(request: HttpRequest, pk: int) -> Any:
    allocation = selectors.allocation_get(pk)
    if allocation is None:
        raise Http404
    return allocation


@login_required
def disbursement_new(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = _allocation(request, pk)
    if not permissions.is_manager(request.user):
        raise Http404
    form = DisbursementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.disbursement_create(
                actor=request.user,
                allocation=allocation,
                amount=form.cleaned_data["amount"],
                date=form.cleaned_data["date"],
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Tranche disbursed."))
            return redirect("fund:proposal", pk=allocation.proposal_id)
    return _form_page(
        request, form, _("Disburse a tranche"), _("Disburse"), subtitle=allocation.proposal.title
    )


@login_required
def expenditure_new(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = _allocation(request, pk)
    if not permissions.is_partnership_admin(request.user, allocation.proposal.partnership):
        raise Http404
    form = ExpenditureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.expenditure_report(
                actor=request.user,
                allocation=allocation,
                amount=form.cleaned_data["amount"],
                period_end=form.cleaned_data["period_end"],
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Expenditure reported."))
            return redirect("fund:proposal", pk=allocation.proposal_id)
    return _form_page(
        request, form, _("Report expenditure"), _("Report"), subtitle=allocation.proposal.title
    )


@cached_page(*DOMAINS)
def ledger_page(request: HttpRequest) -> HttpResponse:
    page = paginate(selectors.movement_list(), page_number(request.GET), PAGE_SIZE)
    return render(request, "fund/ledger.html", {"page": page, **_roles(request.user)})


@login_required
def movement_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    movement = selectors.movement_get(pk)
    if movement is None or not permissions.is_manager(request.user):
        raise Http404
    form = ReversalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.movement_reverse(
                actor=request.user, movement=movement, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Reversing movement posted."))
            return redirect("fund:ledger")
    return _form_page(
        request,
        form,
        _("Reverse movement #%(id)s") % {"id": movement.pk},
        _("Post the reversal"),
        subtitle=movement.get_kind_display(),
    )


@cached_page(*DOMAINS)
def portfolio(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "currency": p.currency,
            "total": p.total,
            "dims": [
                {
                    "title": charts.DIMENSION_TITLES[d],
                    "shares": shares,
                    "bars": charts.share_bars(shares),
                }
                for d, shares in p.dimensions.items()
            ],
        }
        for p in selectors.portfolio()
    ]
    return render(request, "fund/portfolio.html", {"portfolios": rows})


def _form_page(
    request: HttpRequest, form: Any, title: str, submit: str, *, subtitle: str = ""
) -> HttpResponse:
    return render(
        request,
        "fund/form_page.html",
        {"form": form, "title": title, "submit": submit, "subtitle": subtitle},
    )
