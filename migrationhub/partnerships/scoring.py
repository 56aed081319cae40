"""The partnership scorecard: seed 003 §4's three questions, answered from the data (pure: no Django).

"In designing partnerships for action at all levels, it is necessary to consider: whether they are
sufficiently broad and inclusive […]; whether they are focused on achieving specific policy goals,
with clear timeframes; and whether they are able to mobilize and share knowledge, expertise and
financial resources" (seed 003, paragraph 4). Each question is a *dimension* scored 0–100 from
what the registry holds, never from what a partnership says of itself, and every point comes with
its reason. The overall score is the mean of the three, rounded half up.

Each dimension is a sum of criteria; each criterion's points are rounded half up to a whole
number, so the reasons listed always add up to the dimension's score.

**Breadth and inclusiveness** (100; whole-of-society and whole-of-government, GCM §15 (i)–(j),
seed 000 I–II)
- `stakeholder_types` (35): 7 points per distinct stakeholder type among the active members, up
  to 5 types. An unverified organisation of a public-body type counts under no type: it only
  claims to be one (ADR 0004).
- `levels` (20): 5 points per governance level linked (local, national, regional, global): the
  partnership's own levels and its active members' levels.
- `migrants` (20): a migrant or diaspora organisation is an active member (its stakeholder type,
  or the role "migrant or diaspora representative", which the organisation itself accepted).
- `government` (15): a verified government body is an active member (national government, local
  or regional authority, parliament).
- `whole_of_government` (10): more than one verified government body, or a verified local or
  regional authority.

**Focus** (100; "specific policy goals, with clear timeframes")
- `smart_goals` (50): 50 × the share of goals that are SMART. A goal is SMART when it is
  *specific* (an indicator of at least two words and a unit), *measurable* (a baseline and a
  target, which differ), *relevant* (linked to a GCM objective or an SDG target) and *time-bound*
  (a due date, within the partnership's period when it has one). Whether a target is *achievable*
  cannot be read from data: it is not claimed. No goal: 0.
- `timeframe` (25): a start and an end (not before the start): 25; only one of them: 10.
- `objectives` (25): a focused set of GCM objectives (the partnership's and its goals'): 1–3
  objectives 25, 4–6 15, 7–9 5, none or 10 and more 0.

**Resources** ("mobilize and share knowledge, expertise and financial resources")
- `financial` (25): money committed (a financial commitment of a positive amount).
- `in_kind` (15): an in-kind commitment.
- `expertise` (15): an expertise commitment.
- `contributing_members` (30): 30 × the share of active members that commit something.
- `knowledge_shared` (15): 5 points per published practice of the knowledge platform linked as an
  output, up to 3.

Invariants (tests/test_scoring.py, with hypothesis): every score is within 0–100 and equals the
sum of its reasons' points; breadth never falls when a member of a new stakeholder type or
level joins; focus never rises when a goal that is not SMART is added, nor when objectives are
added beyond three; resources never fall when a commitment or a published output is added.
Amounts in different currencies are never added up: only whether money is committed counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

BREADTH, FOCUS, RESOURCES = "breadth", "focus", "resources"
DIMENSIONS = (BREADTH, FOCUS, RESOURCES)

# Stakeholder-type codes of the reference vocabulary (data/reference/stakeholder_types.csv).
GOVERNMENT_TYPES = frozenset({"national-government", "local-authority", "parliament"})
LOCAL_AUTHORITY = "local-authority"
MIGRANT_TYPE = "migrant-diaspora"
MIGRANT_ROLE = "migrant_representative"
FINANCIAL, IN_KIND, EXPERTISE = "financial", "in_kind", "expertise"
LEVEL_COUNT = 4  # local, national, regional, global

CRITERIA: tuple[tuple[str, str, int], ...] = (
    (BREADTH, "stakeholder_types", 35),
    (BREADTH, "levels", 20),
    (BREADTH, "migrants", 20),
    (BREADTH, "government", 15),
    (BREADTH, "whole_of_government", 10),
    (FOCUS, "smart_goals", 50),
    (FOCUS, "timeframe", 25),
    (FOCUS, "objectives", 25),
    (RESOURCES, "financial", 25),
    (RESOURCES, "in_kind", 15),
    (RESOURCES, "expertise", 15),
    (RESOURCES, "contributing_members", 30),
    (RESOURCES, "knowledge_shared", 15),
)
"""(dimension, criterion, maximum points): the formula, which the "about the scorecard" page
shows from here so that the page and the code cannot disagree."""
MAX_POINTS = {code: points for _dimension, code, points in CRITERIA}


@dataclass(frozen=True)
class MemberFacts:
    """An active member organisation. `stakeholder_type` is empty when the type is only claimed
    (an unverified organisation of a public-body type); `government` means a *verified* body of
    a government type."""

    key: str
    stakeholder_type: str = ""
    level: str = ""
    roles: frozenset[str] = frozenset()
    government: bool = False

    @property
    def local_authority(self) -> bool:
        return self.government and self.stakeholder_type == LOCAL_AUTHORITY


@dataclass(frozen=True)
class GoalFacts:
    indicator: str = ""
    unit: str = ""
    baseline: Decimal | None = None
    target: Decimal | None = None
    due: dt.date | None = None
    linked: bool = False  # to a GCM objective or an SDG target


@dataclass(frozen=True)
class CommitmentFacts:
    member: str  # MemberFacts.key of the committing organisation
    kind: str  # financial, in_kind, expertise
    amount: Decimal | None = None


@dataclass(frozen=True)
class PartnershipFacts:
    members: tuple[MemberFacts, ...] = ()
    levels: frozenset[str] = frozenset()
    goals: tuple[GoalFacts, ...] = ()
    commitments: tuple[CommitmentFacts, ...] = ()
    objectives: frozenset[int] = frozenset()
    start: dt.date | None = None
    end: dt.date | None = None
    published_outputs: int = 0


@dataclass(frozen=True)
class Reason:
    """One criterion: the points earned out of `max_points`, and the facts that earned them
    (`code` names a sentence the pages translate, filled in with `facts`)."""

    code: str
    points: int
    max_points: int
    facts: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Dimension:
    name: str
    score: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Scorecard:
    breadth: Dimension
    focus: Dimension
    resources: Dimension

    @property
    def overall(self) -> int:
        return round_half_up(
            Fraction(self.breadth.score + self.focus.score + self.resources.score, 3)
        )

    @property
    def dimensions(self) -> tuple[Dimension, Dimension, Dimension]:
        return (self.breadth, self.focus, self.resources)


def round_half_up(value: Fraction) -> int:
    return int((value + Fraction(1, 2)) // 1)


def _reason(code: str, share: Fraction | int, **facts: Any) -> Reason:
    """The criterion `code` earning `share` (0–1) of its maximum points."""
    if isinstance(share, int):
        return _ratio(code, share, 1, **facts)
    return _ratio(code, share.numerator, share.denominator, **facts)


def _ratio(code: str, num: int, den: int, **facts: Any) -> Reason:
    """The criterion `code` earning the share `num`/`den` (den > 0, clamped to 0–1) of its
    maximum points: `round_half_up(points × num / den)`, in integers (the daily refresh scores
    every partnership: 20k scorecards are 260k criteria, and Fraction arithmetic was most of
    their cost)."""
    points = MAX_POINTS[code]
    if num <= 0:
        earned = 0
    elif num >= den:
        earned = points
    else:  # floor(points × num / den + 1/2)
        earned = (2 * points * num + den) // (2 * den)
    return Reason(code, earned, points, facts)


def _dimension(name: str, reasons: Iterable[Reason]) -> Dimension:
    reasons = tuple(reasons)
    return Dimension(name, sum(r.points for r in reasons), reasons)


# --- breadth ---------------------------------------------------------------------------------


def breadth(facts: PartnershipFacts) -> Dimension:
    members = facts.members
    types = sorted({m.stakeholder_type for m in members if m.stakeholder_type})
    levels = sorted(set(facts.levels) | {m.level for m in members if m.level})
    migrants = sorted(
        m.key for m in members if m.stakeholder_type == MIGRANT_TYPE or MIGRANT_ROLE in m.roles
    )
    government = [m for m in members if m.government]
    local = [m for m in government if m.local_authority]
    return _dimension(
        BREADTH,
        (
            _ratio("stakeholder_types", min(len(types), 5), 5, types=types),
            _ratio("levels", min(len(levels), LEVEL_COUNT), LEVEL_COUNT, levels=levels),
            _reason("migrants", 1 if migrants else 0, members=migrants),
            _reason("government", 1 if government else 0, count=len(government)),
            _reason(
                "whole_of_government",
                1 if len(government) > 1 or local else 0,
                count=len(government),
                local=len(local),
            ),
        ),
    )


# --- focus -----------------------------------------------------------------------------------


def smart_problems(goal: GoalFacts, start: dt.date | None, end: dt.date | None) -> list[str]:
    """What keeps `goal` from being SMART (empty when it is): specific, measurable, relevant,
    time-bound."""
    problems = []
    if len(goal.indicator.split()) < 2 or not goal.unit.strip():
        problems.append("specific")
    if goal.baseline is None or goal.target is None or goal.baseline == goal.target:
        problems.append("measurable")
    if not goal.linked:
        problems.append("relevant")
    if (
        goal.due is None
        or (end is not None and goal.due > end)
        or (start is not None and goal.due < start)
    ):
        problems.append("time_bound")
    return problems


def is_smart(goal: GoalFacts, start: dt.date | None = None, end: dt.date | None = None) -> bool:
    return not smart_problems(goal, start, end)


def _objectives_share(count: int) -> Fraction:
    if 1 <= count <= 3:
        return Fraction(1)
    if 4 <= count <= 6:
        return Fraction(15, 25)
    if 7 <= count <= 9:
        return Fraction(5, 25)
    return Fraction(0)


def focus(facts: PartnershipFacts) -> Dimension:
    goals = facts.goals
    smart = sum(1 for g in goals if is_smart(g, facts.start, facts.end))
    start, end = facts.start, facts.end
    if start and end and end >= start:
        timeframe = Fraction(1)
    elif start or end:
        timeframe = Fraction(10, 25)
    else:
        timeframe = Fraction(0)
    count = len(facts.objectives)
    return _dimension(
        FOCUS,
        (
            _ratio("smart_goals", smart, len(goals) or 1, smart=smart, goals=len(goals)),
            _reason(
                "timeframe",
                timeframe,
                start=start.isoformat() if start else None,
                end=end.isoformat() if end else None,
            ),
            _reason("objectives", _objectives_share(count), count=count),
        ),
    )


# --- resources -------------------------------------------------------------------------------


def resources(facts: PartnershipFacts) -> Dimension:
    members = {m.key for m in facts.members}
    commitments = [c for c in facts.commitments if c.member in members]
    kinds = {c.kind for c in commitments if c.kind != FINANCIAL or (c.amount or 0) > 0}
    contributing = {c.member for c in commitments}
    outputs = facts.published_outputs
    return _dimension(
        RESOURCES,
        (
            _reason("financial", 1 if FINANCIAL in kinds else 0),
            _reason("in_kind", 1 if IN_KIND in kinds else 0),
            _reason("expertise", 1 if EXPERTISE in kinds else 0),
            _ratio(
                "contributing_members",
                len(contributing),
                len(members) or 1,
                contributing=len(contributing),
                members=len(members),
            ),
            _ratio("knowledge_shared", min(outputs, 3), 3, outputs=outputs),
        ),
    )


def scorecard(facts: PartnershipFacts) -> Scorecard:
    """The three dimensions of `facts`, each 0–100 with its reasons."""
    return Scorecard(breadth(facts), focus(facts), resources(facts))


def band(score: int, width: int = 10) -> str:
    """The band of `score` as a two-digit code of its lower bound ("00" … "90"; 100 is in "90"):
    what the search index facets and sorts by."""
    return f"{min(score, 99) // width * width:02d}"
