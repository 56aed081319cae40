"""The fund's services end to end on the database: money in, screened, decided, allocated,
disbursed in tranches, reversed; the books always sum to zero; roles and conflicts of interest."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import DatabaseError, transaction

from migrationhub.accounts.tests.factories import make_user
from migrationhub.core.errors import Conflict, PermissionDenied, ValidationFailed
from migrationhub.core.models import AuditEvent
from migrationhub.fund import ledger, selectors, services
from migrationhub.fund.errors import Code
from migrationhub.fund.models import Contribution, Entry, Movement, Proposal
from migrationhub.organisations.models import Membership
from migrationhub.partnerships.tests.factories import make_partnership

from .factories import (
    check_fields,
    make_approved,
    make_committee,
    make_contribution,
    make_manager,
    make_proposal,
)

pytestmark = pytest.mark.django_db


def _books_balance() -> None:
    totals: dict[str, Decimal] = {}
    for (_account, currency), amount in selectors.account_balances().items():
        totals[currency] = totals.get(currency, Decimal(0)) + amount
    assert all(v == 0 for v in totals.values())


def test_a_deposited_contribution_enters_its_pool(reference):
    # when
    contribution = make_contribution(amount="1000.50", earmark="objective-6")
    # then
    assert contribution.status == Contribution.DEPOSITED
    pools = selectors.pool_balances()
    assert [(p.earmark, p.currency, p.unallocated) for p in pools] == [
        ("objective-6", "USD", Decimal("1000.50"))
    ]
    assert AuditEvent.objects.filter(action="contribution.record").count() == 1
    assert contribution.history.count() >= 1
    _books_balance()


def test_a_pledge_is_not_money_until_deposited(reference):
    manager = make_manager()
    pledge = make_contribution(manager=manager, deposited=False, currency="EUR", amount="50")
    assert selectors.pool_balances() == []
    services.contribution_deposit(actor=manager, contribution=pledge)
    assert selectors.pool_balances()[0].unallocated == Decimal("50")
    with pytest.raises(Conflict) as again:
        services.contribution_deposit(actor=manager, contribution=pledge)
    assert again.value.code == Code.ALREADY_DEPOSITED


@pytest.mark.parametrize(
    "amount,currency,earmark,field",
    [
        ("0", "USD", "none", "amount"),
        ("-5", "USD", "none", "amount"),
        ("1.001", "USD", "none", "amount"),
        ("1e20", "USD", "none", "amount"),
        ("NaN", "USD", "none", "amount"),
        ("10", "XXZ", "none", "currency"),
        ("10", "USD", "objective-99", "earmark"),
        ("10", "USD", "fund:1:none", "earmark"),
    ],
)
def test_bad_money_is_a_clear_422(reference, amount, currency, earmark, field):
    with pytest.raises(ValidationFailed) as refused:
        services.contribution_record(
            actor=make_manager(),
            fields=services.ContributionFields(
                contributor=make_partnership().lead.slug,
                amount=Decimal(amount),
                currency=currency,
                date=None,
                earmark=earmark,
            ),
        )
    assert field in refused.value.fields
    assert "date" in refused.value.fields
    assert Contribution.objects.count() == 0


def test_only_fund_managers_record_money(reference):
    with pytest.raises(PermissionDenied):
        make_contribution(manager=make_user())
    with pytest.raises(PermissionDenied):
        make_contribution(manager=make_committee())


def test_the_whole_pipeline_in_two_tranches(reference):
    # given
    manager, committee = make_manager(), make_committee()
    make_contribution(manager=manager, amount="300000")
    proposal = make_proposal()
    # when
    proposal = services.proposal_check(actor=manager, proposal=proposal, fields=check_fields())
    assert proposal.status == Proposal.CHECKED and proposal.score == 100
    proposal = services.proposal_decide(
        actor=committee, proposal=proposal, approve=True, reason="Strong and balanced."
    )
    assert proposal.decided_by == committee and proposal.status == Proposal.APPROVED
    assert list(selectors.proposal_pipeline()) == [proposal]
    allocation = services.allocation_create(actor=manager, proposal=proposal, amount="250000")
    services.disbursement_create(actor=manager, allocation=allocation, amount=Decimal("100000"))
    services.disbursement_create(actor=manager, allocation=allocation, amount=Decimal("150000"))
    # then
    assert selectors.allocation_state(allocation) == {
        "allocated": Decimal("250000"),
        "disbursed": Decimal("250000"),
        "remaining": Decimal("0"),
    }
    with pytest.raises(ValidationFailed) as over:
        services.disbursement_create(actor=manager, allocation=allocation, amount=Decimal("0.01"))
    assert over.value.code == Code.EXCEEDS_ALLOCATION
    [pool] = selectors.pool_balances()
    assert (pool.deposited, pool.unallocated, pool.disbursed) == (
        Decimal("300000"),
        Decimal("50000"),
        Decimal("250000"),
    )
    [transfer] = selectors.transfers()
    assert transfer.tranches == 2 and transfer.disbursed == Decimal("250000")
    assert list(selectors.proposal_pipeline()) == []
    _books_balance()


def test_no_allocation_beyond_the_pool_nor_the_request(reference):
    manager = make_manager()
    make_contribution(manager=manager, amount="100")
    proposal = make_approved(manager=manager, amount=Decimal("500"))
    with pytest.raises(ValidationFailed) as refused:
        services.allocation_create(actor=manager, proposal=proposal, amount="100.01")
    assert refused.value.code == Code.INSUFFICIENT_FUNDS
    make_contribution(manager=manager, amount="1000")
    with pytest.raises(ValidationFailed) as too_much:
        services.allocation_create(actor=manager, proposal=proposal, amount="500.01")
    assert too_much.value.code == Code.EXCEEDS_REQUEST
    assert Entry.objects.filter(account__startswith="allocation:").count() == 0


def test_an_earmarked_pool_funds_only_its_earmark(reference):
    manager = make_manager()
    make_contribution(manager=manager, amount="1000", earmark="objective-6")
    plain = make_approved(manager=manager)
    with pytest.raises(ValidationFailed):
        services.allocation_create(
            actor=manager, proposal=plain, amount="10", earmark="objective-6"
        )
    with pytest.raises(ValidationFailed) as empty:
        services.allocation_create(actor=manager, proposal=plain, amount="10")
    assert empty.value.code == Code.INSUFFICIENT_FUNDS
    earmarked = make_approved(manager=manager, earmark="objective-6")
    services.allocation_create(actor=manager, proposal=earmarked, amount="10")


def test_reversals_correct_without_editing(reference):
    manager = make_manager()
    contribution = make_contribution(manager=manager, amount="1000")
    proposal = make_approved(manager=manager)
    allocation = services.allocation_create(actor=manager, proposal=proposal, amount="400")
    deposit = Movement.objects.get(pk=contribution.deposit_id)
    # a deposit whose money is allocated cannot be reversed first
    with pytest.raises(Conflict) as first:
        services.movement_reverse(actor=manager, movement=deposit, reason="Entered twice.")
    assert first.value.code == Code.NOT_REVERSIBLE
    with pytest.raises(ValidationFailed):
        services.movement_reverse(actor=manager, movement=allocation.movement, reason="  ")
    services.movement_reverse(actor=manager, movement=allocation.movement, reason="Wrong pool.")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.APPROVED
    services.movement_reverse(actor=manager, movement=deposit, reason="Entered twice.")
    contribution.refresh_from_db()
    assert contribution.status == Contribution.PLEDGED
    with pytest.raises(Conflict) as twice:
        services.movement_reverse(actor=manager, movement=deposit, reason="Again.")
    assert twice.value.code == Code.ALREADY_REVERSED
    assert all(p.unallocated == 0 and p.allocated == 0 for p in selectors.pool_balances())
    assert Movement.objects.count() == 4
    _books_balance()


def test_the_database_refuses_to_edit_an_entry(reference):
    make_contribution(amount="10")
    entry = Entry.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(amount=Decimal("99"))
    assert Entry.objects.get(pk=entry.pk).amount == Decimal("10")


def test_nobody_decides_on_their_own_organisations_proposal(reference):
    partnership = make_partnership()
    proposal = make_proposal(partnership=partnership)
    manager, committee = make_manager(), make_committee()
    Membership.objects.create(user=committee, organisation=partnership.lead, role="member")
    proposal = services.proposal_check(actor=manager, proposal=proposal, fields=check_fields())
    with pytest.raises(PermissionDenied) as conflict:
        services.proposal_decide(actor=committee, proposal=proposal, approve=True, reason="Mine.")
    assert conflict.value.code == Code.CONFLICT_OF_INTEREST
    assert list(selectors.proposals_awaiting(committee)) == []
    assert list(selectors.proposals_awaiting(make_committee())) == [proposal]
    # and managers do not decide, committee members do not check
    with pytest.raises(PermissionDenied):
        services.proposal_decide(actor=manager, proposal=proposal, approve=True, reason="x")
    with pytest.raises(PermissionDenied):
        services.proposal_check(actor=make_committee(), proposal=proposal, fields=check_fields())


def test_a_check_rates_every_principle_with_a_note(reference):
    proposal = make_proposal()
    fields = check_fields()
    partial = services.CheckFields(
        complete=True,
        principles=dict(list(fields.principles.items())[:9]),
        gender_marker=3,
        human_rights_marker=None,
        note="",
    )
    with pytest.raises(ValidationFailed) as refused:
        services.proposal_check(actor=make_manager(), proposal=proposal, fields=partial)
    assert {"gender_marker", "human_rights_marker"} <= set(refused.value.fields)
    assert any(k.startswith("principle_") for k in refused.value.fields)


def test_an_incomplete_note_is_not_approved_and_a_decision_needs_a_reason(reference):
    proposal = make_proposal()
    proposal = services.proposal_check(
        actor=make_manager(),
        proposal=proposal,
        fields=check_fields(complete=False, rating="partly"),
    )
    assert proposal.score == 10 * 2 + 15 + 15 + 5 + 5
    committee = make_committee()
    with pytest.raises(ValidationFailed) as refused:
        services.proposal_decide(actor=committee, proposal=proposal, approve=True, reason="")
    assert {"reason", "approve"} <= set(refused.value.fields)
    services.proposal_decide(actor=committee, proposal=proposal, approve=False, reason="Gaps.")


def test_only_the_partnerships_admins_submit(reference):
    partnership = make_partnership()
    with pytest.raises(PermissionDenied):
        services.proposal_submit(
            actor=make_user(),
            partnership=partnership,
            fields=services.ProposalFields(
                title="x", summary="y", amount=Decimal("1"), currency="USD"
            ),
        )


def test_the_pipeline_orders_by_score_then_date(reference):
    manager, committee = make_manager(), make_committee()
    low = make_proposal()
    high = make_proposal()
    for proposal, rating in ((low, "partly"), (high, "meets")):
        proposal = services.proposal_check(
            actor=manager, proposal=proposal, fields=check_fields(rating=rating)
        )
        services.proposal_decide(actor=committee, proposal=proposal, approve=True, reason="Ok.")
    assert [p.pk for p in selectors.proposal_pipeline()] == [high.pk, low.pk]


def test_money_is_never_a_float_in_the_fund():
    """No float anywhere in the money path: no `float` call or float literal in the fund's
    modules, and the ledger refuses a float amount."""
    root = Path(__file__).resolve().parent.parent
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant):
                assert not isinstance(node.value, float), f"{path.name}:{node.lineno}"
            if isinstance(node, ast.Name) and node.id == "float":
                # only to refuse floats (isinstance checks)
                assert path.name in ("services.py",), f"{path.name}:{node.lineno}"
    with pytest.raises(ledger.LedgerError):
        ledger.check_amount(0.1)  # type: ignore[arg-type]


def test_a_proposal_may_answer_a_hub_request_its_submitter_can_see(reference):
    from migrationhub.hub.tests.factories import make_authority, make_request

    # given: a request of the lead organisation (not yet screened: private to it)
    authority = make_authority()
    partnership = make_partnership(lead=authority)
    hub_request = make_request(requester=authority)
    other = make_request()
    # when
    proposal = make_proposal(partnership=partnership, hub_request=hub_request.slug)
    # then
    assert proposal.hub_request_id == hub_request.pk
    assert selectors.hub_request_for(partnership.test_admin, proposal) == hub_request
    assert selectors.hub_request_for(make_user(), proposal) is None  # not public yet
    with pytest.raises(ValidationFailed) as refused:
        make_proposal(partnership=partnership, hub_request=other.slug)
    assert "hub_request" in refused.value.fields


def test_portfolio_balance_against_targets(reference):
    manager = make_manager()
    make_contribution(manager=manager, amount="1000")
    proposal = make_approved(manager=manager, amount=Decimal("400"))
    services.allocation_create(actor=manager, proposal=proposal, amount="400")
    with pytest.raises(ValidationFailed):
        services.fund_targets_set(actor=manager, targets={"objective": {"6": "60", "7": "50"}})
    with pytest.raises(ValidationFailed):
        services.fund_targets_set(actor=manager, targets={"objective": {"99": "10"}})
    services.fund_targets_set(actor=manager, targets={"objective": {"6": "30", "7": "20.5"}})
    [usd] = selectors.portfolio()
    shares = {s.code: s for s in usd.dimensions["objective"]}
    assert usd.total == Decimal("400")
    assert shares["6"].share == Decimal("100.00") and shares["6"].target == Decimal("30")
    assert shares["7"].share == Decimal("0.00") and shares["7"].target == Decimal("20.5")
    assert [s.code for s in usd.dimensions["region"]]  # the partnership's country's region


def test_a_period_close_keeps_every_balance_exact(reference):
    from django.core.management import call_command

    from migrationhub.fund.models import Close

    manager = make_manager()
    make_contribution(manager=manager, amount="1000")
    proposal = make_approved(manager=manager, amount=Decimal("600"))
    allocation = services.allocation_create(actor=manager, proposal=proposal, amount="600")
    # when: closed, then more movements, then closed again from the command line
    first = services.ledger_close(actor=manager)
    assert services.ledger_close(actor=manager) == first  # nothing new: the same close
    services.disbursement_create(actor=manager, allocation=allocation, amount=Decimal("250"))
    with pytest.raises(ValidationFailed):  # decided on the close's balance plus entries since
        services.disbursement_create(actor=manager, allocation=allocation, amount=Decimal("350.01"))
    make_contribution(manager=manager, amount="0.50", currency="EUR")
    full = selectors.account_balances(selectors.fund_get())
    assert selectors.account_balances() == full
    call_command("fund_close")
    # then
    assert Close.objects.count() == 2
    assert selectors.account_balances() == full
    [eur, usd] = selectors.pool_balances()
    assert (usd.unallocated, usd.disbursed, eur.unallocated) == (
        Decimal("400"),
        Decimal("250"),
        Decimal("0.50"),
    )
    with pytest.raises(PermissionDenied):
        services.ledger_close(actor=make_user())
