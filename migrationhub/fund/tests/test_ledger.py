"""The pure ledger: random sequences of deposits, allocations, disbursements and reversals never
break an invariant (hypothesis state machine), against a plain model of what should be held."""

from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from migrationhub.fund import ledger

EARMARKS = ("none", "objective-2", "region-002")
CURRENCIES = ("USD", "EUR")
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.books = ledger.Ledger()
        self.next_id = 1
        self.allocations: dict[int, tuple[str, str]] = {}  # id -> (earmark, currency)
        # the plain model: what each pool and allocation should hold
        self.pool: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        self.left: dict[int, Decimal] = defaultdict(Decimal)
        self.refused = 0

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    @rule(earmark=st.sampled_from(EARMARKS), currency=st.sampled_from(CURRENCIES), amount=amounts)
    def deposit(self, earmark: str, currency: str, amount: Decimal) -> None:
        self.books.deposit(1, earmark, self._id(), currency, amount)
        self.pool[(earmark, currency)] += amount

    @rule(earmark=st.sampled_from(EARMARKS), currency=st.sampled_from(CURRENCIES), amount=amounts)
    def allocate(self, earmark: str, currency: str, amount: Decimal) -> None:
        allocation_id = self._id()
        if amount > self.pool[(earmark, currency)]:
            with pytest.raises(ledger.LedgerError) as refused:
                self.books.allocate(1, earmark, allocation_id, currency, amount)
            assert refused.value.reason == ledger.INSUFFICIENT_FUNDS
            self.refused += 1
            return
        self.books.allocate(1, earmark, allocation_id, currency, amount)
        self.allocations[allocation_id] = (earmark, currency)
        self.pool[(earmark, currency)] -= amount
        self.left[allocation_id] += amount

    @precondition(lambda self: self.allocations)
    @rule(data=st.data(), amount=amounts)
    def disburse(self, data: st.DataObject, amount: Decimal) -> None:
        allocation_id = data.draw(st.sampled_from(sorted(self.allocations)))
        _earmark, currency = self.allocations[allocation_id]
        if amount > self.left[allocation_id]:
            with pytest.raises(ledger.LedgerError) as refused:
                self.books.disburse(allocation_id, currency, amount)
            assert refused.value.reason == ledger.EXCEEDS_ALLOCATION
            return
        self.books.disburse(allocation_id, currency, amount)
        self.left[allocation_id] -= amount

    @precondition(lambda self: self.books.movements)
    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        movement_id = data.draw(st.integers(1, len(self.books.movements)))
        movement = self.books.movements[movement_id - 1]
        before = self.books.all_balances()
        try:
            self.books.reverse(movement_id)
        except ledger.LedgerError as exc:
            assert exc.reason in (ledger.ALREADY_REVERSED, ledger.NOT_REVERSIBLE)
            assert self.books.all_balances() == before  # nothing half-written
            return
        for p in movement.postings:
            parts = ledger.parse_account(p.account)
            if parts[0] == "fund":
                self.pool[(parts[2], p.currency)] -= p.amount
            elif parts[0] == "allocation":
                self.left[int(parts[1])] -= p.amount

    @invariant()
    def books_sum_to_zero(self) -> None:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for (_account, currency), amount in self.books.all_balances().items():
            totals[currency] += amount
        assert all(total == 0 for total in totals.values())

    @invariant()
    def no_account_overdrawn(self) -> None:
        for (account, _currency), amount in self.books.all_balances().items():
            if ledger.must_stay_positive(account):
                assert amount >= 0, account

    @invariant()
    def balances_match_the_model(self) -> None:
        for (earmark, currency), amount in self.pool.items():
            assert self.books.balance(ledger.unallocated_account(1, earmark), currency) == amount
        for allocation_id, amount in self.left.items():
            _e, currency = self.allocations[allocation_id]
            assert self.books.balance(ledger.allocation_account(allocation_id), currency) == amount

    @invariant()
    def every_movement_balanced_and_decimal(self) -> None:
        for movement in self.books.movements[-3:]:
            ledger.check_balanced(movement.postings)
            assert all(type(p.amount) is Decimal for p in movement.postings)


LedgerMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)
TestLedgerMachine = LedgerMachine.TestCase


def test_an_amount_must_be_a_decimal_with_cents():
    for bad in (1.5, 10, Decimal("0"), Decimal("-1"), Decimal("0.001"), Decimal("NaN"), True):
        with pytest.raises(ledger.LedgerError):
            ledger.check_amount(bad)
    assert ledger.check_amount(Decimal("0.01")) == Decimal("0.01")


def test_an_unbalanced_movement_is_refused():
    with pytest.raises(ledger.LedgerError) as refused:
        ledger.check_balanced(
            [ledger.Posting("a", "USD", Decimal("1")), ledger.Posting("b", "USD", Decimal("-2"))]
        )
    assert refused.value.reason == ledger.UNBALANCED
    with pytest.raises(ledger.LedgerError):
        ledger.check_balanced(
            [ledger.Posting("a", "USD", Decimal("1")), ledger.Posting("b", "EUR", Decimal("-1"))]
        )


def test_a_deposit_already_allocated_cannot_be_reversed_first():
    # given
    books = ledger.Ledger()
    deposited = books.deposit(1, "none", 7, "USD", Decimal("100"))
    allocated = books.allocate(1, "none", 8, "USD", Decimal("60"))
    # when / then
    with pytest.raises(ledger.LedgerError) as refused:
        books.reverse(deposited)
    assert refused.value.reason == ledger.NOT_REVERSIBLE
    books.reverse(allocated)
    books.reverse(deposited)
    assert all(v == 0 for k, v in books.all_balances().items() if ledger.must_stay_positive(k[0]))
    with pytest.raises(ledger.LedgerError) as again:
        books.reverse(deposited)
    assert again.value.reason == ledger.ALREADY_REVERSED


def test_earmarks_are_a_closed_language():
    for good in ("none", "objective-23", "area-labour-migration", "region-002"):
        assert ledger.check_earmark(good) == good
    for bad in ("", "objective-x", "region-2", "fund:1", "none:unallocated", "area-A"):
        with pytest.raises(ledger.LedgerError):
            ledger.check_earmark(bad)
