"""The fund's double-entry ledger (pure: no Django), the rules every movement of money obeys.

**Method.** Every movement of money is a *movement*: an immutable set of entries (account,
currency, amount) whose amounts sum to zero in each currency. An account's balance is the sum of
its entries, never a stored number, so the books cannot drift: they sum to zero by construction.
A correction is never an edit: it is a *reversing* movement whose entries are the original's
negated (each movement may be reversed once, and a reversal is never reversed).

**Accounts** (a name is `<kind>:<id>[:<part>]`):

| account | holds | balance |
| --- | --- | --- |
| `contributor:<contribution id>` | where a deposit came from | negative: what was given |
| `fund:<fund id>:<earmark>:unallocated` | deposited money not yet allocated, per earmark | ≥ 0 |
| `allocation:<allocation id>` | money allocated to a proposal, not yet disbursed | ≥ 0 |
| `disbursed:<allocation id>` | money transferred to the partnership | ≥ 0 |

An earmark is `none` (unearmarked), `objective-<number>`, `area-<code>` or `region-<M49 code>`.

**Movements**: a *deposit* moves a contribution into its earmark's unallocated pool; an
*allocation* moves money from a pool to an allocation; a *disbursement* (a tranche) moves money
from an allocation to `disbursed`.

**Invariants** (checked before a movement is written, by `deposit`, `allocate`, `disburse`,
`reverse`, from the balances the caller read under a lock):

1. every movement sums to zero per currency, its amounts are non-zero Decimals with at most two
   decimals, below 10^16, its currency three capital letters;
2. an allocation never exceeds the unallocated balance of its earmark and currency;
3. a disbursement never exceeds what remains of its allocation;
4. a reversal never makes an unallocated pool or an allocation negative (a deposit already
   allocated, or an allocation already disbursed, cannot be reversed before what followed it);
5. hence every balance but the contributors' stays ≥ 0, and the books sum to zero.

`Ledger` is an in-memory ledger with the same rules, used by the property tests (a hypothesis
state machine over random sequences of movements) and the benchmark; the services apply the same
functions to the balances they read from the database under a row lock.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0")
AMOUNT_MAX = Decimal("1e16")
CURRENCY = re.compile(r"^[A-Z]{3}$")
EARMARK = re.compile(r"^(none|objective-[0-9]{1,3}|area-[a-z0-9-]{1,60}|region-[0-9]{3})$")

DEPOSIT, ALLOCATION, DISBURSEMENT, REVERSAL = "deposit", "allocation", "disbursement", "reversal"
KINDS = (DEPOSIT, ALLOCATION, DISBURSEMENT, REVERSAL)


class LedgerError(ValueError):
    """A movement that would break an invariant; `reason` is a stable code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


# reasons
UNBALANCED = "unbalanced"
BAD_AMOUNT = "bad_amount"
BAD_CURRENCY = "bad_currency"
BAD_EARMARK = "bad_earmark"
INSUFFICIENT_FUNDS = "insufficient_funds"
EXCEEDS_ALLOCATION = "exceeds_allocation"
ALREADY_REVERSED = "already_reversed"
NOT_REVERSIBLE = "not_reversible"


@dataclass(frozen=True)
class Posting:
    """One entry of a movement: `amount` added to `account`'s balance in `currency`."""

    account: str
    currency: str
    amount: Decimal


# --- accounts ------------------------------------------------------------------------------------


def contributor_account(contribution_id: int) -> str:
    return f"contributor:{contribution_id}"


def unallocated_account(fund_id: int, earmark: str) -> str:
    return f"fund:{fund_id}:{earmark}:unallocated"


def allocation_account(allocation_id: int) -> str:
    return f"allocation:{allocation_id}"


def disbursed_account(allocation_id: int) -> str:
    return f"disbursed:{allocation_id}"


def must_stay_positive(account: str) -> bool:
    """Every account but a contributor's holds money and may never go below zero."""
    return not account.startswith("contributor:")


# --- checks --------------------------------------------------------------------------------------


def check_amount(amount: object) -> Decimal:
    """A positive Decimal with at most two decimals, below 10^16 (never a float: binary
    fractions are not money)."""
    if not isinstance(amount, Decimal) or isinstance(amount, bool):
        raise LedgerError(BAD_AMOUNT, "an amount is a Decimal")
    if not amount.is_finite() or amount <= 0:
        raise LedgerError(BAD_AMOUNT, "an amount is positive")
    exponent = amount.as_tuple().exponent
    if amount >= AMOUNT_MAX or (isinstance(exponent, int) and exponent < -2):
        raise LedgerError(BAD_AMOUNT, "at most 16 digits and 2 decimals")
    return amount


def check_currency(currency: str) -> str:
    if not isinstance(currency, str) or not CURRENCY.match(currency):
        raise LedgerError(BAD_CURRENCY, "a currency is an ISO 4217 code")
    return currency


def check_earmark(earmark: str) -> str:
    if not isinstance(earmark, str) or not EARMARK.match(earmark):
        raise LedgerError(BAD_EARMARK, "unknown earmark")
    return earmark


def check_balanced(postings: Iterable[Posting]) -> tuple[Posting, ...]:
    """Invariant 1: the postings sum to zero in each currency, none is zero."""
    postings = tuple(postings)
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for p in postings:
        if not isinstance(p.amount, Decimal) or not p.amount.is_finite() or p.amount == 0:
            raise LedgerError(BAD_AMOUNT, "an entry is a non-zero Decimal")
        check_currency(p.currency)
        totals[p.currency] += p.amount
    if len(postings) < 2 or any(total != 0 for total in totals.values()):
        raise LedgerError(UNBALANCED, "a movement sums to zero in each currency")
    return postings


# --- movements -----------------------------------------------------------------------------------


def deposit(
    *, fund_id: int, earmark: str, contribution_id: int, currency: str, amount: Decimal
) -> tuple[Posting, ...]:
    """A contribution deposited into its earmark's unallocated pool."""
    check_earmark(earmark)
    check_currency(currency)
    check_amount(amount)
    return check_balanced(
        (
            Posting(unallocated_account(fund_id, earmark), currency, amount),
            Posting(contributor_account(contribution_id), currency, -amount),
        )
    )


def allocate(
    *,
    fund_id: int,
    earmark: str,
    allocation_id: int,
    currency: str,
    amount: Decimal,
    unallocated: Decimal,
) -> tuple[Posting, ...]:
    """Money allocated from a pool whose balance (read under the pool's lock) is `unallocated`.
    Invariant 2: never more than the pool holds."""
    check_earmark(earmark)
    check_currency(currency)
    check_amount(amount)
    if amount > unallocated:
        raise LedgerError(
            INSUFFICIENT_FUNDS,
            f"the allocation exceeds the unallocated balance ({unallocated} {currency})",
        )
    return check_balanced(
        (
            Posting(unallocated_account(fund_id, earmark), currency, -amount),
            Posting(allocation_account(allocation_id), currency, amount),
        )
    )


def disburse(
    *, allocation_id: int, currency: str, amount: Decimal, remaining: Decimal
) -> tuple[Posting, ...]:
    """A tranche paid out of an allocation whose undisbursed balance (read under the
    allocation's lock) is `remaining`. Invariant 3: never more than remains."""
    check_currency(currency)
    check_amount(amount)
    if amount > remaining:
        raise LedgerError(
            EXCEEDS_ALLOCATION,
            f"the disbursement exceeds what remains of the allocation ({remaining} {currency})",
        )
    return check_balanced(
        (
            Posting(allocation_account(allocation_id), currency, -amount),
            Posting(disbursed_account(allocation_id), currency, amount),
        )
    )


def reverse(
    postings: Iterable[Posting], *, balances: Mapping[tuple[str, str], Decimal]
) -> tuple[Posting, ...]:
    """The reversing movement of `postings`: each entry negated. `balances` are the current
    balances (account, currency) of the accounts involved, read under their locks. Invariant 4:
    no account that holds money may go below zero."""
    original = check_balanced(postings)
    reversal = tuple(Posting(p.account, p.currency, -p.amount) for p in original)
    for p in reversal:
        held = balances.get((p.account, p.currency), ZERO)
        if p.amount < 0 and must_stay_positive(p.account) and held + p.amount < 0:
            raise LedgerError(
                NOT_REVERSIBLE,
                f"reversing would overdraw {p.account}: reverse what followed it first",
            )
    return check_balanced(reversal)


def balances(entries: Iterable[tuple[str, str, Decimal]]) -> dict[tuple[str, str], Decimal]:
    """Every (account, currency) balance: the sum of its entries."""
    totals: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for account, currency, amount in entries:
        totals[(account, currency)] += amount
    return dict(totals)


def parse_account(account: str) -> tuple[str, ...]:
    """`fund:3:objective-2:unallocated` → ("fund", "3", "objective-2", "unallocated")."""
    return tuple(account.split(":"))


# --- an in-memory ledger with the same rules -----------------------------------------------------


@dataclass
class Movement:
    id: int
    kind: str
    postings: tuple[Posting, ...]
    reverses: int | None = None


@dataclass
class Ledger:
    """The ledger in memory: the services' rules without a database (tests, benchmark)."""

    movements: list[Movement] = field(default_factory=list)
    reversed: set[int] = field(default_factory=set)
    _balances: dict[tuple[str, str], Decimal] = field(default_factory=dict)

    def balance(self, account: str, currency: str) -> Decimal:
        return self._balances.get((account, currency), ZERO)

    def _post(self, kind: str, postings: tuple[Posting, ...], reverses: int | None = None) -> int:
        check_balanced(postings)
        movement = Movement(len(self.movements) + 1, kind, postings, reverses)
        self.movements.append(movement)
        for p in postings:
            key = (p.account, p.currency)
            self._balances[key] = self._balances.get(key, ZERO) + p.amount
        return movement.id

    def deposit(
        self, fund_id: int, earmark: str, contribution_id: int, currency: str, amount: Decimal
    ) -> int:
        return self._post(
            DEPOSIT,
            deposit(
                fund_id=fund_id,
                earmark=earmark,
                contribution_id=contribution_id,
                currency=currency,
                amount=amount,
            ),
        )

    def allocate(
        self, fund_id: int, earmark: str, allocation_id: int, currency: str, amount: Decimal
    ) -> int:
        pool = self.balance(unallocated_account(fund_id, earmark), currency)
        return self._post(
            ALLOCATION,
            allocate(
                fund_id=fund_id,
                earmark=earmark,
                allocation_id=allocation_id,
                currency=currency,
                amount=amount,
                unallocated=pool,
            ),
        )

    def disburse(self, allocation_id: int, currency: str, amount: Decimal) -> int:
        remaining = self.balance(allocation_account(allocation_id), currency)
        return self._post(
            DISBURSEMENT,
            disburse(
                allocation_id=allocation_id, currency=currency, amount=amount, remaining=remaining
            ),
        )

    def reverse(self, movement_id: int) -> int:
        movement = self.movements[movement_id - 1]
        if movement.kind == REVERSAL:
            raise LedgerError(NOT_REVERSIBLE, "a reversal is not reversed")
        if movement_id in self.reversed:
            raise LedgerError(ALREADY_REVERSED, "this movement was already reversed")
        current = {
            (p.account, p.currency): self.balance(p.account, p.currency) for p in movement.postings
        }
        new = self._post(REVERSAL, reverse(movement.postings, balances=current), movement_id)
        self.reversed.add(movement_id)
        return new

    def all_balances(self) -> dict[tuple[str, str], Decimal]:
        return balances(
            (p.account, p.currency, p.amount) for m in self.movements for p in m.postings
        )
