"""Start-up fund writes: contributions (pledged, deposited), the proposal pipeline (submission,
quality check, decision), allocations, disbursements in tranches, reversals, expenditure
reports, and the all-or-nothing import of contributions.

Every service checks permissions first (`permissions`), runs in one transaction, records
history (django-simple-history, with the actor) and an audit event, and retires the cached
public pages (`page_cache.changed("fund")`). Money moves only through `_post`, which writes a
movement whose entries `ledger.py` built and checked.

**No read–decide–write race.** A writer first takes the lock of the pool it touches (one
`PoolLock` row per fund, earmark and currency) with an UPDATE: on PostgreSQL that row lock
queues concurrent writers of the same pool until the first commits; on SQLite the UPDATE takes
the database's write lock at once. Only then does it read the balances, decide (ledger.py) and
write. Every movement touches exactly one pool (a disbursement or a reversal locks the pool of
its allocation), so writers never wait on each other in a cycle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from migrationhub.core import audit, page_cache
from migrationhub.core.errors import ApplicationError, Conflict, ValidationFailed
from migrationhub.core.imports import run_import, text_problem
from migrationhub.hub import selectors as hub_selectors
from migrationhub.organisations import selectors as org_selectors
from migrationhub.taxonomy import selectors as taxonomy_selectors

from . import ledger, permissions, screening
from .errors import Code
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
    PoolLock,
    Proposal,
    Screening,
)

DOMAIN = "fund"
# The partnerships' cached IATI activities carry the fund's transactions (sections.py).
PARTNERSHIPS = "partnerships"
DEFAULT_FUND = "startup-fund"
TITLE_MAX = 300
LEDGER_REASONS = {
    ledger.INSUFFICIENT_FUNDS: Code.INSUFFICIENT_FUNDS,
    ledger.EXCEEDS_ALLOCATION: Code.EXCEEDS_ALLOCATION,
    ledger.NOT_REVERSIBLE: Code.NOT_REVERSIBLE,
    ledger.ALREADY_REVERSED: Code.ALREADY_REVERSED,
}


# --- typed inputs --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ContributionFields:
    """A contribution: the contributing organisation's slug, amount (Decimal) and ISO 4217
    currency, date, earmark (`none`, `objective-<n>`, `area-<code>`, `region-<M49>`), whether
    it is only pledged or already deposited, and the contributor's reference."""

    contributor: str
    amount: Decimal | str | None
    currency: str
    date: dt.date | None
    earmark: str = "none"
    deposited: bool = False
    reference: str = ""


@dataclass(frozen=True, kw_only=True)
class ProposalFields:
    """A concept note: what it is for, the amount requested, the earmark it asks funds from,
    and the evidence of whole-of-government and whole-of-society participation."""

    title: str
    summary: str
    amount: Decimal | str | None
    currency: str
    earmark: str = "none"
    whole_of_government: str = ""
    whole_of_society: str = ""
    hub_request: str = ""  # the slug of the connection hub's support request it answers


@dataclass(frozen=True, kw_only=True)
class CheckFields:
    """A fund manager's quality check: completeness, a rating and a note for each of the ten
    guiding principles (code -> (meets|partly|not_met, note)), the gender and human-rights
    markers (0, 1, 2), and whether the note evidences whole-of-government and whole-of-society
    participation."""

    complete: bool
    principles: Mapping[str, tuple[str, str]]
    gender_marker: int | None
    human_rights_marker: int | None
    whole_of_government: bool = False
    whole_of_society: bool = False
    note: str = ""


# --- checks --------------------------------------------------------------------------------------


def _money(errors: dict[str, list[str]], amount: Any, currency: str) -> tuple[Decimal, str]:
    """A positive amount with at most two decimals, and a known ISO 4217 currency."""
    currency = (currency or "").strip().upper()
    value = Decimal(0)
    if amount is None or amount == "":
        errors["amount"] = [_("required")]
    else:
        try:
            if isinstance(amount, float):  # binary fractions are not money
                raise InvalidOperation
            value = ledger.check_amount(
                Decimal(str(amount)) if isinstance(amount, str | int) else amount
            )
        except (InvalidOperation, ledger.LedgerError):
            errors["amount"] = [_("a positive amount with at most 16 digits and 2 decimals")]
    if not currency:
        errors["currency"] = [_("required")]
    elif currency not in taxonomy_selectors.currency_codes():
        errors["currency"] = [_("not an ISO 4217 currency code: %(code)s") % {"code": currency}]
    return value, currency


def _earmark(errors: dict[str, list[str]], earmark: str) -> str:
    """`none`, or an objective, area of cooperation or UN M49 region that exists."""
    earmark = (earmark or "none").strip()
    try:
        ledger.check_earmark(earmark)
    except ledger.LedgerError:
        errors["earmark"] = [_("unknown earmark: %(code)s") % {"code": earmark[:80]}]
        return earmark
    if earmark == "none":
        return earmark
    kind, _sep, code = earmark.partition("-")
    vocabulary = {"objective": "objectives", "area": "areas", "region": "regions"}[kind]
    try:
        taxonomy_selectors.resolve_many(vocabulary, [code])
    except ValidationFailed:
        errors["earmark"] = [_("unknown earmark: %(code)s") % {"code": earmark}]
    return earmark


def _text(errors: dict[str, list[str]], name: str, value: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = [_("required")]
    problem = text_problem(value)
    if problem:
        errors[name] = [problem]
    return value


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), fields=errors)


def _ledger_error(exc: ledger.LedgerError, field_name: str = "amount") -> ApplicationError:
    code = LEDGER_REASONS.get(exc.reason)
    messages = {
        ledger.INSUFFICIENT_FUNDS: _("The allocation exceeds the unallocated balance."),
        ledger.EXCEEDS_ALLOCATION: _("The disbursement exceeds what remains of the allocation."),
        ledger.NOT_REVERSIBLE: _("Reverse what followed this movement first."),
        ledger.ALREADY_REVERSED: _("This movement was already reversed."),
    }
    message = messages.get(exc.reason, _("This movement is not valid."))
    if exc.reason in (ledger.INSUFFICIENT_FUNDS, ledger.EXCEEDS_ALLOCATION):
        return ValidationFailed(message, fields={field_name: [message]}, code=code)
    return Conflict(message, code=code)


# --- the ledger's writes -------------------------------------------------------------------------


def fund_default() -> Fund:
    """The start-up fund (created on first use: one fund per installation by default)."""
    found, _created = Fund.objects.get_or_create(
        slug=DEFAULT_FUND,
        defaults={
            "name": "Start-up fund for migration",
            "description": "Initial financing of project-oriented solutions (GCM §43).",
        },
    )
    return found


def _lock_pool(fund: Fund, earmark: str, currency: str) -> None:
    """Take the pool's lock (an UPDATE) before reading any balance of it (module docstring)."""
    lock, _created = PoolLock.objects.get_or_create(fund=fund, earmark=earmark, currency=currency)
    PoolLock.objects.filter(pk=lock.pk).update(writes=F("writes") + 1)


def _balance(account: str, currency: str) -> Decimal:
    """One account's balance: its balance at the latest period close plus its entries since
    (an index range), read under the pool's lock."""
    close = Close.objects.order_by("-last_entry_id").values_list("pk", "last_entry_id").first()
    base, since = Decimal(0), 0
    if close is not None:
        since = close[1]
        found = (
            CloseBalance.objects.filter(close_id=close[0], account=account, currency=currency)
            .values_list("amount", flat=True)
            .first()
        )
        base = found if found is not None else Decimal(0)
    total = Entry.objects.filter(account=account, currency=currency, pk__gt=since).aggregate(
        s=Sum("amount")
    )["s"]
    return base + (total if total is not None else Decimal(0))


def _post(
    fund: Fund,
    kind: str,
    postings: Sequence[ledger.Posting],
    *,
    actor: Any,
    date: dt.date,
    reverses: Movement | None = None,
    reason: str = "",
) -> Movement:
    """Write one movement and its entries (checked balanced by `ledger`)."""
    ledger.check_balanced(postings)
    movement = Movement.objects.create(
        fund=fund,
        kind=kind,
        date=date,
        reverses=reverses,
        reason=reason,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    Entry.objects.bulk_create(
        [
            Entry(movement=movement, account=p.account, currency=p.currency, amount=p.amount)
            for p in postings
        ]
    )
    return movement


def _deposit(contribution: Contribution, *, actor: Any, date: dt.date) -> Movement:
    _lock_pool(contribution.fund, contribution.earmark, contribution.currency)
    postings = ledger.deposit(
        fund_id=contribution.fund_id,
        earmark=contribution.earmark,
        contribution_id=contribution.pk,
        currency=contribution.currency,
        amount=contribution.amount,
    )
    movement = _post(contribution.fund, ledger.DEPOSIT, postings, actor=actor, date=date)
    contribution.status = Contribution.DEPOSITED
    contribution.deposited_on = date
    contribution.deposit = movement
    audit.by(contribution, actor)
    contribution.save(update_fields=["status", "deposited_on", "deposit", "updated_at"])
    return movement


# --- contributions -------------------------------------------------------------------------------


def _contribution_values(fields: ContributionFields) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    contributor = org_selectors.organisation_get((fields.contributor or "").strip())
    if contributor is None:
        errors["contributor"] = [_("unknown organisation: %(slug)s") % {"slug": fields.contributor}]
    amount, currency = _money(errors, fields.amount, fields.currency)
    earmark = _earmark(errors, fields.earmark)
    if fields.date is None:
        errors["date"] = [_("required")]
    elif fields.date > timezone.localdate() + dt.timedelta(days=366 * 10):
        errors["date"] = [_("a date within the next ten years")]
    reference = _text(errors, "reference", fields.reference, required=False)[:100]
    _raise(errors)
    return {
        "contributor": contributor,
        "amount": amount,
        "currency": currency,
        "date": fields.date,
        "earmark": earmark,
        "reference": reference,
    }


def _create_contribution(
    fund: Fund, values: dict[str, Any], *, actor: Any, deposited: bool
) -> Contribution:
    contribution = Contribution(
        fund=fund, recorded_by=actor if getattr(actor, "pk", None) else None, **values
    )
    audit.by(contribution, actor)
    contribution.save()
    if deposited:
        _deposit(contribution, actor=actor, date=contribution.date)
    audit.record(
        actor=actor,
        action="contribution.record",
        target=contribution,
        amount=str(contribution.amount),
        currency=contribution.currency,
        earmark=contribution.earmark,
        status=contribution.status,
    )
    return contribution


@transaction.atomic
def contribution_record(*, actor: Any, fields: ContributionFields) -> Contribution:
    """Record a contribution, pledged or already deposited (then it enters the ledger)."""
    permissions.require_manager(actor)
    values = _contribution_values(fields)
    contribution = _create_contribution(
        fund_default(), values, actor=actor, deposited=fields.deposited
    )
    page_cache.changed(DOMAIN)
    return contribution


@transaction.atomic
def contribution_deposit(
    *, actor: Any, contribution: Contribution, date: dt.date | None = None
) -> Contribution:
    """A pledge received: its money enters its earmark's pool."""
    permissions.require_manager(actor)
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.status == Contribution.DEPOSITED:
        raise Conflict(_("This contribution is already deposited."), code=Code.ALREADY_DEPOSITED)
    day = date or timezone.localdate()
    _deposit(contribution, actor=actor, date=day)
    audit.record(actor=actor, action="contribution.deposit", target=contribution)
    page_cache.changed(DOMAIN)
    return contribution


# --- proposals -----------------------------------------------------------------------------------


@transaction.atomic
def proposal_submit(*, actor: Any, partnership: Any, fields: ProposalFields) -> Proposal:
    """A partnership's concept note, submitted by its admins in the name of its lead."""
    permissions.require_partnership_admin(actor, partnership)
    errors: dict[str, list[str]] = {}
    title = _text(errors, "title", fields.title, required=True)
    if len(title) > TITLE_MAX:
        errors["title"] = [_("at most %(n)d characters") % {"n": TITLE_MAX}]
    summary = _text(errors, "summary", fields.summary, required=True)
    amount, currency = _money(errors, fields.amount, fields.currency)
    earmark = _earmark(errors, fields.earmark)
    wog = _text(errors, "whole_of_government", fields.whole_of_government, required=False)
    wos = _text(errors, "whole_of_society", fields.whole_of_society, required=False)
    hub_request_id = _hub_request(errors, actor, fields.hub_request)
    _raise(errors)
    proposal = Proposal(
        fund=fund_default(),
        partnership=partnership,
        organisation=partnership.lead,
        hub_request_id=hub_request_id,
        title=title,
        summary=summary,
        amount=amount,
        currency=currency,
        earmark=earmark,
        whole_of_government=wog,
        whole_of_society=wos,
        submitted_by=actor,
    )
    audit.by(proposal, actor)
    proposal.save()
    audit.record(actor=actor, action="proposal.submit", target=proposal)
    page_cache.changed(DOMAIN)
    return proposal


def _hub_request(errors: dict[str, list[str]], actor: Any, slug: str) -> int | None:
    """The id of the support request `slug` names, if `actor` may see it (hub.selectors)."""
    slug = (slug or "").strip()
    if not slug:
        return None
    found = hub_selectors.support_request_get(slug[:200])
    if (
        found is None
        or not hub_selectors.support_requests_visible(actor).filter(pk=found.pk).exists()
    ):
        errors["hub_request"] = [_("unknown support request: %(slug)s") % {"slug": slug[:200]}]
        return None
    return found.pk


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_related("partnership__lead", "organisation")
        .select_for_update(of=("self",))
        .get(pk=proposal.pk)
    )


def _stage(proposal: Proposal, *allowed: str) -> None:
    if proposal.status not in allowed:
        raise Conflict(
            _("This proposal is %(status)s: not at this stage.")
            % {"status": proposal.get_status_display()},
            code=Code.WRONG_STAGE,
        )


@transaction.atomic
def proposal_check(*, actor: Any, proposal: Proposal, fields: CheckFields) -> Proposal:
    """The fund manager's quality check: every guiding principle rated with a note, both
    markers, the evidence of participation; the score follows (`screening.py`). A check may be
    redone until the committee decides."""
    permissions.require_manager(actor)
    proposal = _locked(proposal)
    permissions.require_independent(actor, proposal)
    _stage(proposal, Proposal.SUBMITTED, Proposal.CHECKED)
    errors: dict[str, list[str]] = {}
    principles = {p.code: p for p in taxonomy_selectors.principle_list()}
    ratings: dict[str, str] = {}
    notes: dict[str, str] = {}
    unknown = sorted(set(fields.principles) - set(principles))
    if unknown:
        errors["principles"] = [_("unknown: %(codes)s") % {"codes": ", ".join(unknown)[:200]}]
    for code in principles:
        rating, note = fields.principles.get(code, ("", ""))
        if rating not in screening.PRINCIPLE_POINTS:
            errors[f"principle_{code}"] = [_("rate every guiding principle")]
        note = _text(errors, f"note_{code}", note, required=True)
        ratings[code], notes[code] = rating, note
    for name, marker in (
        ("gender_marker", fields.gender_marker),
        ("human_rights_marker", fields.human_rights_marker),
    ):
        if marker not in (0, 1, 2):
            errors[name] = [_("0, 1 or 2")]
    note = _text(errors, "note", fields.note, required=False)
    _raise(errors)
    assert fields.gender_marker is not None and fields.human_rights_marker is not None
    total, _parts = screening.score(
        screening.Check(
            complete=fields.complete,
            ratings=ratings,
            gender_marker=fields.gender_marker,
            human_rights_marker=fields.human_rights_marker,
            whole_of_government=fields.whole_of_government,
            whole_of_society=fields.whole_of_society,
        )
    )
    existing = {s.principle.code: s for s in proposal.screenings.select_related("principle")}
    for code, principle in principles.items():
        row = existing.get(code) or Screening(proposal=proposal, principle=principle)
        row.rating, row.note = ratings[code], notes[code]
        audit.by(row, actor)
        row.save()
    proposal.complete = fields.complete
    proposal.gender_marker = fields.gender_marker
    proposal.human_rights_marker = fields.human_rights_marker
    proposal.wog_evidence = fields.whole_of_government
    proposal.wos_evidence = fields.whole_of_society
    proposal.check_note = note
    proposal.checked_by = actor
    proposal.checked_at = timezone.now()
    proposal.score = total
    proposal.status = Proposal.CHECKED
    audit.by(proposal, actor)
    proposal.save()
    audit.record(actor=actor, action="proposal.check", target=proposal, score=total)
    page_cache.changed(DOMAIN)
    return proposal


@transaction.atomic
def proposal_decide(*, actor: Any, proposal: Proposal, approve: bool, reason: str) -> Proposal:
    """The steering committee's decision on a checked proposal, with who decided and why. An
    incomplete note is not approved."""
    permissions.require_committee(actor)
    proposal = _locked(proposal)
    permissions.require_independent(actor, proposal)
    _stage(proposal, Proposal.CHECKED)
    errors: dict[str, list[str]] = {}
    reason = _text(errors, "reason", reason, required=True)
    if approve and not proposal.complete:
        errors["approve"] = [_("an incomplete concept note cannot be approved")]
    _raise(errors)
    proposal.status = Proposal.APPROVED if approve else Proposal.REJECTED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_reason = reason
    audit.by(proposal, actor)
    proposal.save()
    audit.record(
        actor=actor,
        action="proposal.approve" if approve else "proposal.reject",
        target=proposal,
        reason=reason,
    )
    page_cache.changed(DOMAIN)
    return proposal


# --- allocations and disbursements ---------------------------------------------------------------


def _live_allocated(proposal: Proposal) -> Decimal:
    """What is allocated to `proposal` and not reversed."""
    total = Decimal(0)
    for allocation in proposal.allocations.select_related("movement"):
        if (
            allocation.movement_id
            and not Movement.objects.filter(reverses_id=allocation.movement_id).exists()
        ):
            total += allocation.amount
    return total


@transaction.atomic
def allocation_create(
    *,
    actor: Any,
    proposal: Proposal,
    amount: Any,
    earmark: str | None = None,
    date: dt.date | None = None,
) -> Allocation:
    """Allocate money of an earmark's pool (the proposal's own by default) to an approved
    proposal: never beyond the pool's unallocated balance, nor beyond what was requested."""
    permissions.require_manager(actor)
    errors: dict[str, list[str]] = {}
    value, _currency = _money(errors, amount, proposal.currency)
    pool = _earmark(errors, earmark if earmark is not None else proposal.earmark)
    if pool not in ("none", proposal.earmark):
        errors["earmark"] = [_("the unearmarked pool or the proposal's own earmark")]
    _raise(errors)
    _lock_pool(proposal.fund, pool, proposal.currency)  # first: writers queue here
    proposal = _locked(proposal)
    _stage(proposal, Proposal.APPROVED, Proposal.FUNDED)
    if _live_allocated(proposal) + value > proposal.amount:
        message = _("Allocations would exceed the amount requested.")
        raise ValidationFailed(message, fields={"amount": [message]}, code=Code.EXCEEDS_REQUEST)
    day = date or timezone.localdate()
    allocation = Allocation(
        fund=proposal.fund,
        proposal=proposal,
        earmark=pool,
        currency=proposal.currency,
        amount=value,
        date=day,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.by(allocation, actor)
    allocation.save()
    unallocated = _balance(ledger.unallocated_account(proposal.fund_id, pool), proposal.currency)
    try:
        postings = ledger.allocate(
            fund_id=proposal.fund_id,
            earmark=pool,
            allocation_id=allocation.pk,
            currency=proposal.currency,
            amount=value,
            unallocated=unallocated,
        )
    except ledger.LedgerError as exc:
        raise _ledger_error(exc) from exc
    allocation.movement = _post(proposal.fund, ledger.ALLOCATION, postings, actor=actor, date=day)
    allocation.save(update_fields=["movement", "updated_at"])
    proposal.status = Proposal.FUNDED
    audit.by(proposal, actor)
    proposal.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="allocation.create",
        target=proposal,
        amount=str(value),
        currency=proposal.currency,
        earmark=pool,
    )
    page_cache.changed(DOMAIN, PARTNERSHIPS)
    return allocation


@transaction.atomic
def disbursement_create(
    *, actor: Any, allocation: Allocation, amount: Any, date: dt.date | None = None
) -> Disbursement:
    """A tranche transferred to the partnership: never beyond what remains of the allocation."""
    permissions.require_manager(actor)
    errors: dict[str, list[str]] = {}
    value, _currency = _money(errors, amount, allocation.currency)
    _raise(errors)
    _lock_pool(allocation.fund, allocation.earmark, allocation.currency)
    remaining = _balance(ledger.allocation_account(allocation.pk), allocation.currency)
    try:
        postings = ledger.disburse(
            allocation_id=allocation.pk,
            currency=allocation.currency,
            amount=value,
            remaining=remaining,
        )
    except ledger.LedgerError as exc:
        raise _ledger_error(exc) from exc
    day = date or timezone.localdate()
    movement = _post(allocation.fund, ledger.DISBURSEMENT, postings, actor=actor, date=day)
    disbursement = Disbursement(
        allocation=allocation,
        amount=value,
        date=day,
        movement=movement,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.by(disbursement, actor)
    disbursement.save()
    audit.record(
        actor=actor,
        action="disbursement.create",
        target=allocation.proposal,
        amount=str(value),
        currency=allocation.currency,
    )
    page_cache.changed(DOMAIN, PARTNERSHIPS)
    return disbursement


def _pool_of(movement: Movement) -> tuple[str, str]:
    """The (earmark, currency) pool a movement touches (each touches exactly one)."""
    for entry in movement.entries.all():
        parts = ledger.parse_account(entry.account)
        if parts[0] == "fund":
            return parts[2], entry.currency
        if parts[0] in ("allocation", "disbursed"):
            allocation = Allocation.objects.get(pk=int(parts[1]))
            return allocation.earmark, allocation.currency
    raise Conflict(_("This movement cannot be reversed."), code=Code.NOT_REVERSIBLE)


@transaction.atomic
def movement_reverse(*, actor: Any, movement: Movement, reason: str) -> Movement:
    """Correct a movement by its reversing movement (never by editing it), with a reason. A
    deposit whose money was allocated, or an allocation already disbursed, is reversed only
    after what followed it."""
    permissions.require_manager(actor)
    errors: dict[str, list[str]] = {}
    reason = _text(errors, "reason", reason, required=True)
    _raise(errors)
    if movement.kind == ledger.REVERSAL:
        raise Conflict(_("A reversal is not reversed."), code=Code.NOT_REVERSIBLE)
    earmark, currency = _pool_of(movement)
    _lock_pool(movement.fund, earmark, currency)
    if Movement.objects.filter(reverses=movement).exists():
        raise Conflict(_("This movement was already reversed."), code=Code.ALREADY_REVERSED)
    original = [
        ledger.Posting(e.account, e.currency, e.amount) for e in movement.entries.order_by("pk")
    ]
    current = {(p.account, p.currency): _balance(p.account, p.currency) for p in original}
    try:
        postings = ledger.reverse(original, balances=current)
    except ledger.LedgerError as exc:
        raise _ledger_error(exc) from exc
    reversal = _post(
        movement.fund,
        ledger.REVERSAL,
        postings,
        actor=actor,
        date=timezone.localdate(),
        reverses=movement,
        reason=reason,
    )
    _after_reversal(movement, actor)
    audit.record(
        actor=actor, action="movement.reverse", target=movement, reason=reason, kind=movement.kind
    )
    page_cache.changed(DOMAIN, PARTNERSHIPS)
    return reversal


def _after_reversal(movement: Movement, actor: Any) -> None:
    """The records a reversed movement stood for follow it: a reversed deposit is a pledge
    again; a proposal whose every allocation is reversed is approved-unfunded again."""
    if movement.kind == ledger.DEPOSIT:
        contribution = Contribution.objects.select_for_update().get(deposit=movement)
        contribution.status = Contribution.PLEDGED
        contribution.deposit = None
        contribution.deposited_on = None
        audit.by(contribution, actor)
        contribution.save(update_fields=["status", "deposit", "deposited_on", "updated_at"])
    elif movement.kind == ledger.ALLOCATION:
        allocation = Allocation.objects.select_related("proposal").get(movement=movement)
        proposal = _locked(allocation.proposal)
        if _live_allocated(proposal) == 0 and proposal.status == Proposal.FUNDED:
            proposal.status = Proposal.APPROVED
            audit.by(proposal, actor)
            proposal.save(update_fields=["status", "updated_at"])


# --- period close --------------------------------------------------------------------------------


@transaction.atomic
def ledger_close(*, actor: Any) -> Close:
    """Close the period: store every account's balance over the entries written so far, so that
    reading every balance sums only the entries after it (selectors.account_balances). The close
    is taken while no entry can be written (PostgreSQL: the entries table locked against
    writers, who queue; SQLite: the database's write lock), so no entry below the close's last
    one commits after it. Fund managers close (the platform itself from the command line)."""
    if actor is not None:
        permissions.require_manager(actor)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE fund_entry IN EXCLUSIVE MODE")
    else:
        PoolLock.objects.update(writes=F("writes"))  # any write takes SQLite's write lock
    previous = Close.objects.order_by("-last_entry_id").first()
    last = Entry.objects.aggregate(m=Max("pk"))["m"] or 0
    if previous is not None and previous.last_entry_id == last:
        return previous
    balances: dict[tuple[str, str], Decimal] = {}
    since = 0
    if previous is not None:
        since = previous.last_entry_id
        balances = {
            (a, c): amount
            for a, c, amount in previous.balances.values_list("account", "currency", "amount")
        }
    delta = (
        Entry.objects.filter(pk__gt=since, pk__lte=last)
        .values_list("account", "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for account, currency, total in delta:
        balances[(account, currency)] = balances.get((account, currency), Decimal(0)) + total
    close = Close.objects.create(
        fund=fund_default(),
        last_entry_id=last,
        entries=Entry.objects.filter(pk__lte=last).count(),
        actor=actor if getattr(actor, "pk", None) else None,
    )
    CloseBalance.objects.bulk_create(
        [
            CloseBalance(close=close, account=a, currency=c, amount=amount)
            for (a, c), amount in balances.items()
        ],
        batch_size=5000,
    )
    audit.record(actor=actor, action="ledger.close", target=close, last_entry=last)
    return close


# --- portfolio targets ---------------------------------------------------------------------------

TARGET_VOCABULARIES = {
    "objective": "objectives",
    "area": "areas",
    "region": "regions",
    "stakeholder_type": "stakeholder_types",
}


@transaction.atomic
def fund_targets_set(*, actor: Any, targets: Mapping[str, Mapping[str, Any]]) -> Fund:
    """The fund's portfolio targets: per dimension (objective, area, region, stakeholder_type),
    the share of allocations (percent, exact, at most two decimals) it aims at per code; each
    dimension's shares sum to at most 100. Fund managers set them; the portfolio page compares."""
    permissions.require_manager(actor)
    errors: dict[str, list[str]] = {}
    clean: dict[str, dict[str, str]] = {}
    for dimension, shares in targets.items():
        if dimension not in TARGET_VOCABULARIES:
            errors[str(dimension)[:40]] = [_("unknown dimension")]
            continue
        codes = [str(c) for c in shares]
        try:
            taxonomy_selectors.resolve_many(TARGET_VOCABULARIES[dimension], codes)
        except ValidationFailed as exc:
            errors[dimension] = [m for ms in exc.fields.values() for m in ms]
            continue
        total = Decimal(0)
        clean[dimension] = {}
        for code, share in shares.items():
            try:
                if isinstance(share, float):
                    raise InvalidOperation
                value = Decimal(str(share))
            except InvalidOperation:
                value = Decimal(-1)
            exponent = value.as_tuple().exponent if value.is_finite() else 0
            if (
                not value.is_finite()
                or value < 0
                or value > 100
                or (isinstance(exponent, int) and exponent < -2)
            ):
                errors[dimension] = [_("shares are exact percentages from 0 to 100")]
                break
            total += value
            clean[dimension][str(code)] = f"{value:f}"
        if total > 100:
            errors[dimension] = [_("the shares sum to more than 100")]
    _raise(errors)
    fund = Fund.objects.select_for_update().get(pk=fund_default().pk)
    fund.targets = clean
    audit.by(fund, actor)
    fund.save(update_fields=["targets", "updated_at"])
    audit.record(actor=actor, action="fund.targets", target=fund, targets=clean)
    page_cache.changed(DOMAIN)
    return fund


# --- expenditure -------------------------------------------------------------------------------


@transaction.atomic
def expenditure_report(
    *, actor: Any, allocation: Allocation, amount: Any, period_end: dt.date | None
) -> Expenditure:
    """The partnership's admins report what they spent of the money disbursed to them (never
    more than was disbursed and not reversed)."""
    permissions.require_partnership_admin(actor, allocation.proposal.partnership)
    errors: dict[str, list[str]] = {}
    value, _currency = _money(errors, amount, allocation.currency)
    if period_end is None:
        errors["period_end"] = [_("required")]
    _raise(errors)
    assert period_end is not None
    _lock_pool(allocation.fund, allocation.earmark, allocation.currency)
    disbursed = _balance(ledger.disbursed_account(allocation.pk), allocation.currency)
    spent = allocation.expenditures.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if spent + value > disbursed:
        message = _("Expenditure cannot exceed what was disbursed (%(amount)s %(currency)s).") % {
            "amount": disbursed,
            "currency": allocation.currency,
        }
        raise ValidationFailed(message, fields={"amount": [message]})
    expenditure = Expenditure(
        allocation=allocation, amount=value, period_end=period_end, reported_by=actor
    )
    audit.by(expenditure, actor)
    expenditure.save()
    audit.record(
        actor=actor, action="expenditure.report", target=allocation.proposal, amount=str(value)
    )
    page_cache.changed(DOMAIN)
    return expenditure


# --- import of contributions -----------------------------------------------------------------


def contribution_validate(record: dict[str, Any]) -> dict[str, Any]:
    """One row of an import checked as `contribution_record` would (columns: contributor (an
    organisation's slug), amount, currency, date (YYYY-MM-DD), earmark, status (pledged or
    deposited), reference); ValidationFailed names the fields at fault."""
    errors: dict[str, list[str]] = {}
    day = None
    try:
        day = dt.date.fromisoformat(str(record.get("date") or "").strip())
    except ValueError:
        errors["date"] = [_("a date as YYYY-MM-DD")]
    status = str(record.get("status") or Contribution.PLEDGED).strip().lower()
    if status not in (Contribution.PLEDGED, Contribution.DEPOSITED):
        errors["status"] = [_("pledged or deposited")]
    try:
        values = _contribution_values(
            ContributionFields(
                contributor=str(record.get("contributor") or ""),
                amount=str(record.get("amount") or "").strip() or None,
                currency=str(record.get("currency") or ""),
                date=day or timezone.localdate(),
                earmark=str(record.get("earmark") or "none"),
                reference=str(record.get("reference") or ""),
            )
        )
    except ValidationFailed as exc:
        errors = {**exc.fields, **errors}
        values = {}
    _raise(errors)
    return {"values": values, "deposited": status == Contribution.DEPOSITED}


def contributions_import(*, actor: Any, records: list[dict[str, Any]]) -> list[Contribution]:
    """Record every contribution of a file, or none (core.imports.run_import): every row is
    checked first; one transaction writes them all."""
    if actor is not None:
        permissions.require_manager(actor)

    def write(rows: list[dict[str, Any]]) -> list[Contribution]:
        fund = fund_default()
        made = [
            _create_contribution(fund, row["values"], actor=actor, deposited=row["deposited"])
            for row in rows
        ]
        page_cache.changed(DOMAIN)
        return made

    return run_import(records, validate=contribution_validate, write=write)
