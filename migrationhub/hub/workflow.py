"""The support request's workflow: one table of allowed transitions, who may make each, and
which need a reason. Pure (no Django): services consult it, tests read it, pages list it.

    submitted → screened → matching → proposed → accepted → in implementation → closed
    any open status → declined (a curator, with a reason) | withdrawn (the requester, with a reason)
    proposed → matching (the requester sets the proposal aside, or a curator revises it)

Curators screen, start matching and propose (a proposal moves the request to `proposed`); only
the requester accepts (accepting a proposal moves it to `accepted`). Implementation starts and
the request closes by either side. Declined, withdrawn and closed are final.
"""

from __future__ import annotations

from dataclasses import dataclass

SUBMITTED, SCREENED, MATCHING, PROPOSED = "submitted", "screened", "matching", "proposed"
ACCEPTED, IN_IMPLEMENTATION, CLOSED = "accepted", "in_implementation", "closed"
DECLINED, WITHDRAWN = "declined", "withdrawn"

CURATOR, REQUESTER = "curator", "requester"

# English labels; pages translate them (gettext_noop keeps them in the catalogue via models).
STATUS_LABELS: dict[str, str] = {
    SUBMITTED: "Submitted",
    SCREENED: "Screened",
    MATCHING: "Matching",
    PROPOSED: "Proposed",
    ACCEPTED: "Accepted",
    IN_IMPLEMENTATION: "In implementation",
    CLOSED: "Closed",
    DECLINED: "Declined",
    WITHDRAWN: "Withdrawn",
}
FINAL = frozenset({CLOSED, DECLINED, WITHDRAWN})
OPEN_BEFORE_ACCEPTANCE = (SUBMITTED, SCREENED, MATCHING, PROPOSED)


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    reason_required: bool = False
    # made by a dedicated service (screening, proposing, accepting), not the generic one
    dedicated: bool = False


def _r(*roles: str, reason: bool = False, dedicated: bool = False) -> Rule:
    return Rule(frozenset(roles), reason, dedicated)


TRANSITIONS: dict[tuple[str, str], Rule] = {
    (SUBMITTED, SCREENED): _r(CURATOR, dedicated=True),
    (SCREENED, MATCHING): _r(CURATOR),
    (MATCHING, PROPOSED): _r(CURATOR, dedicated=True),
    (PROPOSED, PROPOSED): _r(CURATOR, dedicated=True),  # a revised proposal replaces the last
    (PROPOSED, MATCHING): _r(REQUESTER, CURATOR, reason=True),
    (PROPOSED, ACCEPTED): _r(REQUESTER, dedicated=True),
    (ACCEPTED, IN_IMPLEMENTATION): _r(REQUESTER, CURATOR),
    (IN_IMPLEMENTATION, CLOSED): _r(REQUESTER, CURATOR),
    **{(s, DECLINED): _r(CURATOR, reason=True) for s in OPEN_BEFORE_ACCEPTANCE},
    **{(s, WITHDRAWN): _r(REQUESTER, reason=True) for s in (*OPEN_BEFORE_ACCEPTANCE, ACCEPTED)},
}


def rule(current: str, target: str) -> Rule | None:
    """The rule for moving from `current` to `target`, or None when the move is not allowed."""
    return TRANSITIONS.get((current, target))


def allowed(current: str, target: str, roles: set[str] | frozenset[str]) -> bool:
    found = rule(current, target)
    return found is not None and bool(found.roles & set(roles))


def next_steps(current: str, roles: set[str] | frozenset[str]) -> list[str]:
    """The statuses someone with `roles` may move a request to by the generic transition (the
    dedicated ones, screening, proposing and accepting, have their own forms)."""
    return [
        target
        for (source, target), r in TRANSITIONS.items()
        if source == current and not r.dedicated and r.roles & set(roles)
    ]
