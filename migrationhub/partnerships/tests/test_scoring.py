"""The scorecard (scoring.py, pure): each dimension within 0–100 and the sum of its reasons, moving
in the documented direction; exact scores on hand-built cases; and the same card whether computed
for one partnership (pages) or for all at once (the daily refresh, the benchmark)."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from migrationhub.partnerships import scoring, selectors
from migrationhub.partnerships.scoring import (
    CommitmentFacts,
    GoalFacts,
    MemberFacts,
    PartnershipFacts,
    scorecard,
)

D = dt.date
TYPES = (
    "national-government",
    "local-authority",
    "parliament",
    "civil-society",
    "private-sector",
    "trade-union",
    "academia",
    "migrant-diaspora",
    "international-organisation",
    "",  # a claimed public body: counts under no type
)
LEVELS = ("local", "national", "regional", "global")
ROLES = ("funding", "accountable", "implementing", "technical", "migrant_representative")

keys = st.text("abcdefgh", min_size=1, max_size=4)


@st.composite
def members(draw):
    kind = draw(st.sampled_from(TYPES))
    return MemberFacts(
        key=draw(keys),
        stakeholder_type=kind,
        level=draw(st.sampled_from(LEVELS)),
        roles=frozenset(draw(st.lists(st.sampled_from(ROLES), max_size=3))),
        government=kind in scoring.GOVERNMENT_TYPES and draw(st.booleans()),
    )


numbers = st.none() | st.decimals(-1000, 1000, places=2, allow_nan=False, allow_infinity=False)
dates = st.none() | st.dates(min_value=D(2018, 1, 1), max_value=D(2035, 12, 31))


@st.composite
def goals(draw):
    return GoalFacts(
        indicator=draw(st.sampled_from(["", "Workers", "Workers recruited fairly"])),
        unit=draw(st.sampled_from(["", " ", "workers", "%"])),
        baseline=draw(numbers),
        target=draw(numbers),
        due=draw(dates),
        linked=draw(st.booleans()),
    )


def smart_goal(start, end):
    due = end or start or D(2030, 1, 1)
    return GoalFacts(
        indicator="Workers recruited fairly",
        unit="workers",
        baseline=Decimal(0),
        target=Decimal(100),
        due=due,
        linked=True,
    )


@st.composite
def facts(draw):
    ms = tuple(draw(st.lists(members(), max_size=8, unique_by=lambda m: m.key)))
    member_keys = [m.key for m in ms] + ["outsider"]
    commitments = tuple(
        CommitmentFacts(
            member=draw(st.sampled_from(member_keys)),
            kind=draw(st.sampled_from(["financial", "in_kind", "expertise"])),
            amount=draw(st.none() | st.decimals(0, 10**9, places=2, allow_nan=False)),
        )
        for _ in range(draw(st.integers(0, 6)))
    )
    start, end = draw(dates), draw(dates)
    return PartnershipFacts(
        members=ms,
        levels=frozenset(draw(st.lists(st.sampled_from(LEVELS), max_size=4))),
        goals=tuple(draw(st.lists(goals(), max_size=6))),
        commitments=commitments,
        objectives=frozenset(draw(st.lists(st.integers(1, 23), max_size=12))),
        start=start,
        end=end,
        published_outputs=draw(st.integers(0, 6)),
    )


def _fresh_key(f: PartnershipFacts) -> str:
    return "new-" + "".join(sorted(m.key for m in f.members))


# --- invariants --------------------------------------------------------------------------------


@given(facts())
def test_every_dimension_is_within_0_and_100_and_the_sum_of_its_reasons(f):
    card = scorecard(f)
    for dimension in card.dimensions:
        assert 0 <= dimension.score <= 100
        assert dimension.score == sum(r.points for r in dimension.reasons)
        assert sum(r.max_points for r in dimension.reasons) == 100
        for reason in dimension.reasons:
            assert 0 <= reason.points <= reason.max_points
    assert 0 <= card.overall <= 100
    assert card.overall == scoring.round_half_up(
        Fraction(card.breadth.score + card.focus.score + card.resources.score, 3)
    )


def test_the_formula_has_100_points_per_dimension():
    for name in scoring.DIMENSIONS:
        assert sum(points for d, _c, points in scoring.CRITERIA if d == name) == 100


@given(facts(), members())
def test_a_member_joining_never_lowers_breadth(f, member):
    member = replace(member, key=_fresh_key(f))
    more = replace(f, members=(*f.members, member))
    assert scorecard(more).breadth.score >= scorecard(f).breadth.score


@given(facts(), st.sampled_from([t for t in TYPES if t]), st.sampled_from(LEVELS))
def test_a_member_of_a_new_stakeholder_type_raises_breadth_until_five_types(f, kind, level):
    present = {m.stakeholder_type for m in f.members if m.stakeholder_type}
    assume(kind not in present and len(present) < 5)
    member = MemberFacts(key=_fresh_key(f), stakeholder_type=kind, level=level)
    assert (
        scorecard(replace(f, members=(*f.members, member))).breadth.score
        > scorecard(f).breadth.score
    )


@given(facts(), st.sampled_from(LEVELS))
def test_linking_a_level_never_lowers_breadth_and_a_new_one_raises_it(f, level):
    more = replace(f, levels=f.levels | {level})
    before, after = scorecard(f).breadth.score, scorecard(more).breadth.score
    assert after >= before
    linked = set(f.levels) | {m.level for m in f.members if m.level}
    if level not in linked:
        assert after > before


@given(facts(), st.booleans())
def test_a_migrant_or_diaspora_organisation_never_lowers_breadth(f, by_role):
    member = (
        MemberFacts(
            key=_fresh_key(f),
            stakeholder_type="civil-society",
            roles=frozenset({scoring.MIGRANT_ROLE}),
        )
        if by_role
        else MemberFacts(key=_fresh_key(f), stakeholder_type=scoring.MIGRANT_TYPE)
    )
    after = scorecard(replace(f, members=(*f.members, member)))
    assert after.breadth.score >= scorecard(f).breadth.score
    migrants = next(r for r in after.breadth.reasons if r.code == "migrants")
    assert migrants.points == 20


@given(facts())
def test_more_smart_goals_never_lower_focus(f):
    goal = smart_goal(f.start, f.end)
    assume(scoring.is_smart(goal, f.start, f.end))
    more = replace(f, goals=(*f.goals, goal))
    assert scorecard(more).focus.score >= scorecard(f).focus.score


@given(facts(), goals())
def test_a_goal_that_is_not_smart_never_raises_focus(f, goal):
    assume(not scoring.is_smart(goal, f.start, f.end))
    more = replace(f, goals=(*f.goals, goal))
    assert scorecard(more).focus.score <= scorecard(f).focus.score


@given(facts(), st.integers(1, 23))
def test_objectives_beyond_three_never_raise_focus(f, number):
    assume(len(f.objectives) >= 3)
    more = replace(f, objectives=f.objectives | {number})
    assert scorecard(more).focus.score <= scorecard(f).focus.score


@given(facts(), st.sampled_from(["financial", "in_kind", "expertise"]), st.integers(1, 10**7))
def test_committing_never_lowers_resources(f, kind, amount):
    assume(f.members)
    member = f.members[0].key
    commitment = CommitmentFacts(
        member=member, kind=kind, amount=Decimal(amount) if kind != "expertise" else None
    )
    more = replace(f, commitments=(*f.commitments, commitment))
    before, after = scorecard(f).resources, scorecard(more).resources
    assert after.score >= before.score
    if kind == "financial":
        assert next(r for r in after.reasons if r.code == "financial").points == 25


@given(facts(), st.integers(1, 10**7))
def test_committing_money_never_lowers_resources(f, amount):
    assume(f.members)
    for m in f.members:
        money = CommitmentFacts(member=m.key, kind="financial", amount=Decimal(amount))
        assert (
            scorecard(replace(f, commitments=(*f.commitments, money))).resources.score
            >= scorecard(f).resources.score
        )


@given(facts())
def test_sharing_a_published_practice_never_lowers_resources(f):
    more = replace(f, published_outputs=f.published_outputs + 1)
    assert scorecard(more).resources.score >= scorecard(f).resources.score


@given(facts())
def test_money_from_an_organisation_that_is_not_a_member_counts_for_nothing(f):
    outsider = CommitmentFacts(member="not-a-member", kind="financial", amount=Decimal(10**6))
    assert scorecard(replace(f, commitments=(*f.commitments, outsider))) == scorecard(f)


# --- hand-built cases --------------------------------------------------------------------------


def _points(dimension) -> dict[str, int]:
    return {r.code: r.points for r in dimension.reasons}


def test_an_empty_partnership_scores_zero_everywhere():
    card = scorecard(PartnershipFacts())
    assert (card.breadth.score, card.focus.score, card.resources.score, card.overall) == (
        0,
        0,
        0,
        0,
    )


def test_a_hand_built_partnership_scores_exactly_as_documented():
    ministry = MemberFacts(
        key="ministry", stakeholder_type="national-government", level="national", government=True
    )
    ngo = MemberFacts(key="ngo", stakeholder_type="civil-society", level="national")
    diaspora = MemberFacts(
        key="diaspora",
        stakeholder_type="migrant-diaspora",
        level="local",
        roles=frozenset({"migrant_representative"}),
    )
    smart = GoalFacts(
        indicator="Workers recruited fairly",
        unit="workers",
        baseline=Decimal(0),
        target=Decimal(1000),
        due=D(2026, 12, 31),
        linked=True,
    )
    vague = GoalFacts(indicator="Awareness", due=D(2026, 1, 1))
    f = PartnershipFacts(
        members=(ministry, ngo, diaspora),
        levels=frozenset({"regional"}),
        goals=(smart, vague),
        commitments=(
            CommitmentFacts(member="ministry", kind="financial", amount=Decimal("50000")),
            CommitmentFacts(member="diaspora", kind="expertise"),
            CommitmentFacts(member="outsider", kind="in_kind"),
        ),
        objectives=frozenset({6, 22}),
        start=D(2024, 1, 1),
        end=D(2027, 12, 31),
        published_outputs=1,
    )
    card = scorecard(f)
    assert _points(card.breadth) == {
        "stakeholder_types": 21,  # 3 types × 7
        "levels": 15,  # national, local, regional: 3 of 4
        "migrants": 20,
        "government": 15,
        "whole_of_government": 0,  # one national body only
    }
    assert _points(card.focus) == {"smart_goals": 25, "timeframe": 25, "objectives": 25}
    assert _points(card.resources) == {
        "financial": 25,
        "in_kind": 0,  # the outsider's in-kind does not count
        "expertise": 15,
        "contributing_members": 20,  # 2 of 3
        "knowledge_shared": 5,
    }
    assert (card.breadth.score, card.focus.score, card.resources.score) == (71, 75, 65)
    assert card.overall == 70  # 211 / 3 = 70.33
    reasons = {r.code: r.facts for r in card.breadth.reasons}
    assert reasons["stakeholder_types"]["types"] == [
        "civil-society",
        "migrant-diaspora",
        "national-government",
    ]
    assert reasons["migrants"]["members"] == ["diaspora"]
    assert scoring.smart_problems(vague, f.start, f.end) == ["specific", "measurable", "relevant"]


def test_whole_of_government_needs_two_verified_bodies_or_a_local_authority():
    national = MemberFacts(key="a", stakeholder_type="national-government", government=True)
    city = MemberFacts(key="b", stakeholder_type="local-authority", government=True)
    parliament = MemberFacts(key="c", stakeholder_type="parliament", government=True)
    claimed = MemberFacts(key="d", stakeholder_type="", government=False)

    def whole(*ms):
        return _points(scorecard(PartnershipFacts(members=ms)).breadth)["whole_of_government"]

    assert whole(national) == 0
    assert whole(national, claimed) == 0
    assert whole(city) == 10
    assert whole(national, parliament) == 10


@pytest.mark.parametrize(
    ("count", "points"), [(0, 0), (1, 25), (3, 25), (4, 15), (6, 15), (7, 5), (9, 5), (10, 0)]
)
def test_the_objectives_criterion_rewards_a_focused_set(count, points):
    f = PartnershipFacts(objectives=frozenset(range(1, count + 1)))
    assert _points(scorecard(f).focus)["objectives"] == points


@pytest.mark.parametrize(
    ("start", "end", "points"),
    [
        (D(2024, 1, 1), D(2025, 1, 1), 25),
        (D(2024, 1, 1), None, 10),
        (None, D(2025, 1, 1), 10),
        (None, None, 0),
    ],
)
def test_the_timeframe_criterion(start, end, points):
    assert _points(scorecard(PartnershipFacts(start=start, end=end)).focus)["timeframe"] == points


def test_contributing_members_round_half_up():
    ms = tuple(MemberFacts(key=k) for k in "abcd")
    f = PartnershipFacts(members=ms, commitments=(CommitmentFacts(member="a", kind="expertise"),))
    assert _points(scorecard(f).resources)["contributing_members"] == 8  # 7.5 → 8


def test_a_goal_due_outside_the_partnerships_period_is_not_time_bound():
    goal = replace(smart_goal(None, None), due=D(2031, 1, 1))
    assert scoring.smart_problems(goal, D(2024, 1, 1), D(2030, 12, 31)) == ["time_bound"]
    assert scoring.smart_problems(goal, D(2024, 1, 1), None) == []
    same = replace(goal, target=goal.baseline)
    assert "measurable" in scoring.smart_problems(same, None, None)


@pytest.mark.parametrize(
    ("score", "band"), [(0, "00"), (9, "00"), (10, "10"), (99, "90"), (100, "90")]
)
def test_bands_for_the_facet(score, band):
    assert scoring.band(score) == band


# --- the card from the database ----------------------------------------------------------------


@pytest.mark.django_db
def test_pages_and_the_daily_refresh_compute_the_same_card(reference):
    from migrationhub.knowledge.tests.factories import make_published
    from migrationhub.partnerships import services

    from .factories import commit, join, make_goal, make_org, make_partnership

    ministry = make_org(stakeholder_type="national-government")
    p = make_partnership(lead=ministry, levels=["national", "regional"])
    city = make_org(stakeholder_type="local-authority", level="local")
    claimed = make_org(stakeholder_type="parliament", verified=False)
    diaspora = make_org(stakeholder_type="civil-society")
    join(p, city)
    join(p, claimed, roles=["advisory"])
    join(p, diaspora, roles=["migrant_representative"])
    make_goal(p)
    make_goal(p, unit="")
    commit(p, ministry)
    commit(p, city, kind="in_kind")
    practice = make_published(organisation=ministry, member=ministry.test_admin)
    services.output_add(actor=p.test_admin, partnership=p, practice_slug=practice.slug)
    other = make_partnership()

    fresh = selectors.partnership_get(p.slug)
    card = selectors.partnership_scorecard(fresh)
    everything = selectors.scorecards_all()
    assert everything[p.pk] == card
    assert everything[other.pk] == selectors.partnership_scorecard(
        selectors.partnership_get(other.slug)
    )
    types = next(r for r in card.breadth.reasons if r.code == "stakeholder_types").facts["types"]
    assert "parliament" not in types  # claimed, not verified: counts under no type
    assert _points(card.breadth)["whole_of_government"] == 10  # a verified city
    assert _points(card.resources)["knowledge_shared"] == 5
    assert fresh.score == card.overall  # stored by the services
    assert (fresh.score_breadth, fresh.score_focus, fresh.score_resources) == (
        card.breadth.score,
        card.focus.score,
        card.resources.score,
    )
