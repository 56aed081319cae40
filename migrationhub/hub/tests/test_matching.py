"""Matching and the consortium builder on hand-built cases and random inputs (no database)."""

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from migrationhub.hub import matching as m
from migrationhub.hub.matching import OrganisationRow, RequestFacts

REQUEST = RequestFacts(
    country="SEN",
    subregion="011",
    region="002",
    objectives=frozenset({6, 18}),
    levels=frozenset({"local"}),
    partner_types=frozenset({"civil-society", "academia"}),
    languages=frozenset({"fr"}),
    kinds=frozenset({"technical"}),
    requester_id=1,
)


def org(i, **kw):
    base = dict(
        id=i,
        name=f"Org {i}",
        type="private-sector",
        level="national",
        countries=frozenset(),
        subregions=frozenset(),
        regions=frozenset(),
        objectives=frozenset(),
        languages=frozenset({"en"}),
    )
    base.update(kw)
    return OrganisationRow(**base)


def ranked(rows, request=REQUEST, text=None):
    table = m.OrganisationTable(rows)
    result = table.rank(request, text, limit=len(rows))
    reference = m.rank_reference(request, rows, text, limit=len(rows))
    # the vectorised ranking and the brute-force reference agree exactly
    assert [(x.id, x.score) for x in result] == [(x.id, x.score) for x in reference]
    return [x.id for x in result]


def test_the_right_partner_ranks_first():
    # given a Senegalese civil-society organisation working in French on objectives 6 and 18 at
    # the local level, with a record there, among plausible but weaker candidates
    right = org(
        2,
        type="civil-society",
        level="local",
        countries=frozenset({"SEN"}),
        subregions=frozenset({"011"}),
        regions=frozenset({"002"}),
        objectives=frozenset({6, 18}),
        languages=frozenset({"fr"}),
        active={6: 2},
        completed={18: 1},
        score=70,
    )
    rows = [
        org(3, objectives=frozenset({6, 18}), level="global"),
        org(4, type="civil-society", countries=frozenset({"SEN"}), languages=frozenset({"fr"})),
        org(5, type="academia", objectives=frozenset({6}), regions=frozenset({"002"})),
        right,
        org(1, type="civil-society", objectives=frozenset({6, 18}), countries=frozenset({"SEN"})),
    ]
    # when ranked; then it is first, and the requester itself is never suggested
    order = ranked(rows)
    assert order[0] == 2
    assert 1 not in order


def _base():
    return org(10, type="trade-union", level="regional", objectives=frozenset({6}))


def _moves_up(changed: OrganisationRow, request=REQUEST, text_before=None, text_after=None):
    """`changed` (a variant of the base organisation) ranks above the base, all else equal."""
    base = _base()
    other = dataclasses.replace(changed, id=11)
    rows = [base, other]
    text = None
    if text_before is not None:
        text = {10: text_before, 11: text_after}
    order = ranked(rows, request, text)
    assert order == [11, 10], order


def test_each_component_moves_the_ranking_in_its_documented_direction():
    base = _base()
    r = dataclasses.replace
    _moves_up(r(base, objectives=frozenset({6, 18})))  # more of the request's objectives
    _moves_up(r(base, countries=frozenset({"SEN"})))  # same country
    _moves_up(r(base, subregions=frozenset({"011"})))  # same sub-region
    _moves_up(r(base, regions=frozenset({"002"})))  # same region
    _moves_up(r(base, level="local"))  # the request's level
    _moves_up(r(base, type="academia"))  # a preferred stakeholder type
    _moves_up(r(base, active={6: 1}))  # a partnership on the objectives
    _moves_up(r(base, practices={18: 2}))  # published practices on them
    _moves_up(r(base, score=80))  # better scorecards
    _moves_up(r(base, languages=frozenset({"fr"})))  # the requester's language
    _moves_up(base, text_before=1.0, text_after=3.0)  # text closer to the request
    # and in the other direction: load and inactive partnerships push down
    busy = r(base, id=11, load=9)
    assert ranked([base, busy]) == [10, 11]
    stale = r(base, id=11, active={6: 1}, inactive={6: 3})
    fresh = r(base, active={6: 1})
    assert ranked([fresh, stale]) == [10, 11]
    completed = r(base, id=11, completed={6: 1})
    active = r(base, active={6: 1})
    assert ranked([active, completed]) == [11, 10]  # completed counts more than ongoing


def test_geography_orders_country_then_subregion_then_region_then_global():
    base = _base()
    r = dataclasses.replace
    rows = [
        r(base, id=20, level="global"),
        r(base, id=21, regions=frozenset({"002"})),
        r(base, id=22, subregions=frozenset({"011"})),
        r(base, id=23, countries=frozenset({"SEN"})),
    ]
    parts = m.OrganisationTable(rows).components(REQUEST)
    geo = list(parts["geography"])
    assert geo == [m.GEO_GLOBAL, m.GEO_REGION, m.GEO_SUBREGION, m.GEO_COUNTRY]


def test_weights_sum_to_one_and_every_component_is_shown():
    assert abs(sum(m.WEIGHTS.values()) - 1) < 1e-9
    match = m.OrganisationTable([_base()]).rank(REQUEST)[0]
    explained = match.explained()
    assert [c for c, *_ in explained] == list(m.COMPONENTS)
    assert abs(sum(contribution for *_, contribution in explained) - match.score) < 1e-5


# --- random inputs ---------------------------------------------------------------------------

TYPES = [
    "civil-society",
    "migrant-diaspora",
    "academia",
    "private-sector",
    "philanthropy",
    "trade-union",
]
LEVELS = list(m.LEVEL_ORDER)
objectives = st.frozensets(st.integers(1, 8), max_size=4)


@st.composite
def orgs(draw, n_max=9):
    n = draw(st.integers(0, n_max))
    rows = []
    for i in range(n):
        rows.append(
            org(
                100 + i,
                type=draw(st.sampled_from(TYPES)),
                level=draw(st.sampled_from(LEVELS)),
                countries=draw(st.frozensets(st.sampled_from(["SEN", "MLI"]), max_size=1)),
                subregions=draw(st.frozensets(st.sampled_from(["011"]), max_size=1)),
                objectives=draw(objectives),
                languages=draw(st.frozensets(st.sampled_from(["fr", "en"]), max_size=2)),
                active=draw(st.dictionaries(st.integers(1, 8), st.integers(0, 3), max_size=2)),
                inactive=draw(st.dictionaries(st.integers(1, 8), st.integers(0, 3), max_size=2)),
                score=draw(st.floats(0, 100)),
                load=draw(st.integers(0, 10)),
                funder=draw(st.booleans()),
            )
        )
    return rows


@st.composite
def requests(draw):
    return RequestFacts(
        country="SEN",
        subregion="011",
        region="002",
        objectives=draw(objectives.filter(bool)),
        levels=draw(st.frozensets(st.sampled_from(LEVELS), min_size=1, max_size=3)),
        partner_types=draw(st.frozensets(st.sampled_from(TYPES), max_size=2)),
        languages=draw(st.frozensets(st.sampled_from(["fr", "en"]), max_size=1)),
        kinds=draw(st.frozensets(st.sampled_from(["funding", "technical"]), max_size=2)),
        requester_id=draw(st.sampled_from([None, 100])),
    )


@settings(max_examples=80, deadline=None)
@given(rows=orgs(), request=requests())
def test_vectorised_ranking_equals_the_reference(rows, request):
    table = m.OrganisationTable(rows)
    fast = table.rank(request, limit=5)
    slow = m.rank_reference(request, rows, limit=5)
    assert [(x.id, x.score) for x in fast] == [(x.id, x.score) for x in slow]
    for match in fast:
        assert 0 <= match.score <= 1
        assert all(0 <= v <= 1 for v in match.components.values())


@settings(max_examples=100, deadline=None)
@given(rows=orgs(), request=requests(), size=st.integers(1, 6))
def test_consortium_guarantees_hold(rows, request, size):
    candidates = m.rank_reference(request, rows, limit=len(rows))
    result = m.build_consortium(request, candidates, size)
    ids = [x.id for x in result.members]
    # at most `size` members, each once, from the candidates, never the requester
    assert len(ids) <= size and len(set(ids)) == len(ids)
    assert set(ids) <= {c.id for c in candidates}
    assert request.requester_id not in ids
    # the requirements are met whenever some consortium of that size could meet them
    feasible = m.feasible_reference(request, candidates, size)
    assert result.feasible == feasible
    chosen = [c for c in candidates if c.id in set(ids)]
    assert result.requirements == m.requirements_met(request, chosen)
    if feasible:
        # given its core, objective coverage within (1 - 1/e) of the best completion
        core = list(result.members[: result.core_size])
        core_ids = {mm.id for mm in core}
        rest = [c for c in candidates if c.id not in core_ids]
        core_cover = frozenset().union(*(mm.objectives for mm in core)) if core else frozenset()
        places = size - len(core)
        if places > 0:
            best = len(core_cover) + max(
                0,
                m.coverage_optimum(
                    dataclasses.replace(request, objectives=request.objectives - core_cover),
                    rest,
                    places,
                ),
            )
            assert len(result.covered) >= m.GREEDY_BOUND * best - 1e-9
    # what each member brings is told, and the covered objectives add up
    assert result.covered | result.missing == request.objectives
    assert result.covered == frozenset().union(*(x.new_objectives for x in result.members))


def test_consortium_on_a_hand_built_case_meets_every_requirement():
    request = dataclasses.replace(
        REQUEST, kinds=frozenset({"funding"}), levels=frozenset({"local", "national"})
    )
    rows = [
        org(2, type="private-sector", level="national", objectives=frozenset({6, 18})),
        org(3, type="philanthropy", level="global", funder=True),
        org(4, type="migrant-diaspora", level="local", objectives=frozenset({18})),
        org(5, type="academia", level="national", objectives=frozenset({6})),
    ]
    candidates = m.OrganisationTable(rows).rank(request, limit=10)
    result = m.build_consortium(request, candidates, 4)
    assert result.feasible, result.requirements
    assert result.missing == frozenset()
    by_id = {x.id: x for x in result.members}
    assert "funder" in by_id[3].fulfils and by_id[3].roles == ("funding",)
    assert "whole_of_society" in by_id[4].fulfils
