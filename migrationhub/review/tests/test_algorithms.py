"""The pure algorithms on hand-built registries, where the right gap, broker and isolate must come
out (each test fails if the rule it names is broken)."""

import datetime as dt
import itertools

from migrationhub.review import coverage, gaps, network, trends
from migrationhub.review.coverage import WORLD, Filters, Geography, Record

# A small M49 tree: two regions, each with sub-regions; countries in each.
GEO = Geography.of(
    [
        ("002", "region", ""),
        ("011", "subregion", "002"),  # Western Africa
        ("014", "subregion", "002"),  # Eastern Africa
        ("015", "subregion", "002"),  # Northern Africa
        ("019", "region", ""),
        ("013", "subregion", "019"),  # Central America
        ("005", "subregion", "019"),  # South America
    ],
    [
        ("SEN", ("002", "011")),
        ("GHA", ("002", "011")),
        ("KEN", ("002", "014")),
        ("EGY", ("002", "015")),
        ("MEX", ("019", "013")),
        ("GTM", ("019", "013")),
        ("BRA", ("019", "005")),
    ],
)
LEVELS = ["local", "national", "regional", "global"]


def rec(kind, id, objectives, levels, countries, types=(), start=None, end=None, orgs=()):
    return Record(
        kind,
        id,
        frozenset(objectives),
        frozenset(levels),
        frozenset(countries),
        frozenset(types),
        start,
        end,
        frozenset(orgs),
    )


def test_a_record_counts_once_per_cell_and_once_in_each_total():
    # given a partnership on two objectives in two Central American countries
    records = [rec("partnership", 1, ["5", "6"], ["national"], ["MEX", "GTM"], ["csos"])]
    # when counted by objective × region
    table = coverage.table(
        records,
        GEO,
        rows="objective",
        cols="region",
        row_values=["5", "6"],
        col_values=["002", "019"],
    )
    # then it counts once in each objective's Americas cell, once in the Americas total
    assert table.count("5", "019") == 1 and table.count("6", "019") == 1
    assert table.count("5", "002") == 0
    assert table.col_totals["019"]["partnership"] == 1
    assert table.total["partnership"] == 1


def test_regions_at_every_depth_and_the_world():
    assert GEO.regions_of(["SEN"]) == {WORLD, "002", "011"}
    assert GEO.regions_of([]) == {WORLD}
    assert sorted(GEO.siblings("011")) == ["014", "015"]
    assert GEO.countries_in("013") == {"MEX", "GTM"}


def test_filters_by_country_period_and_kind():
    records = [
        rec("partnership", 1, ["5"], ["national"], ["MEX"], start=2019, end=2020),
        rec("partnership", 2, ["5"], ["national"], ["BRA"], start=2022),
        rec("practice", 3, ["5"], ["local"], ["MEX"], start=2023),
        rec("pledge", 4, ["5"], ["national"], ["MEX"]),
    ]
    assert [r.id for r in coverage.select(records, GEO, Filters(country="MEX"))] == [1, 3, 4]
    in_2021 = coverage.select(records, GEO, Filters(year_from=2021, year_to=2021))
    assert [r.id for r in in_2021] == []
    assert [r.id for r in coverage.select(records, GEO, Filters(year_from=2020))] == [1, 2, 3]
    assert [r.id for r in coverage.select(records, GEO, Filters(kinds=("practice",)))] == [3]
    assert [r.id for r in coverage.select(records, GEO, Filters(region="013"))] == [1, 3, 4]


def test_not_stated_is_counted_not_hidden():
    records = [rec("practice", 1, ["7"], [], ["KEN"])]
    table = coverage.table(
        records, GEO, rows="objective", cols="level", row_values=["7"], col_values=[*LEVELS, ""]
    )
    assert table.count("7", coverage.NOT_STATED) == 1


def test_the_cube_counts_every_depth():
    cube = coverage.cube([rec("partnership", 1, ["5"], ["national"], ["MEX"], ["csos"])], GEO)
    assert {key[2] for key in cube} == {WORLD, "019", "013"}


def test_the_most_isolated_gap_comes_first():
    # given objective 5 covered everywhere in the Americas and in Africa except Western Africa,
    # where nothing exists at any level, and Eastern Africa lacks only the local level
    records = []
    n = 0
    for sub, country in (("014", "KEN"), ("015", "EGY"), ("013", "MEX"), ("005", "BRA")):
        for level in LEVELS:
            if sub == "014" and level == "local":
                continue
            n += 1
            records.append(rec("partnership", n, ["5"], [level], [country]))
    regions = ["011", "014", "015", "013", "005"]
    # when gaps are found
    found = gaps.find_gaps(records, GEO, objectives=["5"], levels=LEVELS, regions=regions)
    # then every Western African cell is a gap, and the one whose neighbours are all empty comes
    # first; Eastern Africa's local gap is the least isolated
    cells = [(g.region, g.level) for g in found]
    assert set(cells) == {("011", lv) for lv in LEVELS} | {("014", "local")}
    first = found[0]
    assert first.region == "011"
    assert (
        first.level == "local"
    )  # local: neighbours national (empty) and 014-local (empty), 015-local (covered)
    assert found[-1].region == "014" or found[-1].isolation <= first.isolation
    eastern = next(g for g in found if g.region == "014")
    western_national = next(g for g in found if g.region == "011" and g.level == "national")
    assert eastern.isolation < western_national.isolation


def test_pledges_do_not_close_a_gap():
    records = [rec("pledge", 1, ["5"], ["national"], ["SEN"])]
    found = gaps.find_gaps(records, GEO, objectives=["5"], levels=["national"], regions=["011"])
    assert [(g.region, g.level) for g in found] == [("011", "national")]


def test_a_country_gap_is_an_objective_its_subregion_has_and_it_lacks():
    records = [
        rec("partnership", 1, ["5", "6"], ["national"], ["GHA"]),
        rec("practice", 2, ["6"], ["local"], ["SEN"]),
        rec("practice", 3, ["9"], ["local"], ["KEN"]),  # another sub-region: not a peer
    ]
    found = gaps.country_gaps(
        records, GEO, country="SEN", objectives=[str(i) for i in range(1, 24)]
    )
    assert [(g.objective, g.region, g.region_partnerships) for g in found] == [("5", "011", 1)]


NODES = [
    network.Node(1, "a", "A", "national_government", "national", "SEN"),
    network.Node(2, "b", "B", "civil_society", "local", "SEN"),
    network.Node(3, "c", "C", "un_entity", "global", ""),  # the broker
    network.Node(4, "d", "D", "civil_society", "local", "KEN"),
    network.Node(5, "e", "E", "national_government", "national", "KEN"),
    network.Node(6, "f", "F", "academia", "national", "EGY"),  # isolated
]


def test_the_broker_and_the_isolate_come_out():
    # given two clusters joined only through C, and F in no partnership
    memberships = [(10, 1), (10, 2), (10, 3), (11, 3), (11, 4), (12, 4), (12, 5), (13, 3), (13, 4)]
    facts = network.measures(NODES, memberships)
    assert facts.brokers[0].id == 3
    assert facts.isolates == [6]
    assert facts.components == [[1, 2, 3, 4, 5]]
    # C–D share two partnerships (11, 13): one link of weight 2
    assert network.edge_weights(memberships)[(3, 4)] == 2
    assert facts.links == 5
    assert facts.exact


def test_links_across_levels_and_types():
    facts = network.measures(NODES, [(1, 1), (1, 2), (2, 2), (2, 4)])
    # A–B: different levels and types; B–D: same level (local), same type
    assert facts.cross_level == 1 and facts.cross_type == 1 and facts.links == 2


def test_sampled_betweenness_is_flagged_as_an_estimate():
    facts = network.measures(NODES, [(10, 1), (10, 2), (10, 3), (11, 3), (11, 4)], samples=2)
    assert not facts.exact


def test_network_history_grows_year_by_year():
    memberships = [(10, 1), (10, 2), (11, 3), (11, 4), (12, 2), (12, 3)]
    history = network.history(
        NODES, memberships, {10: 2020, 11: 2021, 12: 2022}, [2020, 2021, 2022]
    )
    assert [(y.links, y.components, y.largest_component) for y in history] == [
        (1, 1, 2),
        (2, 2, 2),
        (3, 1, 4),
    ]


def _grown():
    # 1–2–3 a triangle in 2020; 3–4 and 4–5 in 2021 (3 joins the triangle to the pair); 5–6 and
    # 6–8 in 2022 (now 4 sits in the middle of the chain). 7 never joins, its year unknown.
    years = {1: 2019, 2: 2019, 3: 2019, 4: 2020, 5: 2020, 6: 2021, 7: None, 8: 2022}
    nodes = [
        network.Node(i, str(i), str(i), "civil_society", "local", "", registered=year)
        for i, year in years.items()
    ]
    memberships = [(10, 1), (10, 2), (10, 3), (11, 3), (11, 4), (12, 4), (12, 5)]
    memberships += [(13, 5), (13, 6), (14, 6), (14, 8)]
    started = {10: 2020, 11: 2021, 12: 2021, 13: 2022, 14: 2022}
    return nodes, memberships, started


def test_network_history_counts_the_isolated_registered_by_then():
    nodes, memberships, started = _grown()
    history = network.history(nodes, memberships, started, [2019, 2020, 2021, 2022])
    # 2019: 1, 2, 3 and 7 (year unknown: always counted); 2020: 4, 5, 7; 2021: 6, 7; 2022: 7
    assert [y.isolated for y in history] == [4, 3, 2, 1]


def test_network_history_finds_each_years_broker():
    nodes, memberships, started = _grown()
    history = network.history(nodes, memberships, started, [2019, 2020, 2021, 2022])
    by_year = {y.year: y for y in history}
    # 2019: no link, no broker; 2020: a triangle, where nobody stands between two others
    assert by_year[2019].brokers == [] and by_year[2019].brokers_exact is None
    assert by_year[2020].brokers == [] and by_year[2020].brokers_exact is True
    # 2021: 3 joins {1, 2} to {4, 5} (4 pairs), 4 joins {1, 2, 3} to 5 (3 pairs)
    assert [b.id for b in by_year[2021].brokers] == [3, 4]
    assert by_year[2021].brokers_exact is True and by_year[2021].brokers_sources == 5
    assert by_year[2021].brokers[0].error is None
    # 2022: 4 joins {1, 2, 3} to {5, 6, 8} (9 pairs); 3 and 5 join 8 each, 6 joins 5
    assert [b.id for b in by_year[2022].brokers] == [4, 3, 5]
    assert by_year[2022].brokers[0].degree == 2
    # the same as the whole-network measure on that year's links
    facts = network.measures(nodes, memberships)
    assert [b.id for b in facts.brokers[:3]] == [b.id for b in by_year[2022].brokers]


def test_network_history_reuses_the_whole_networks_betweenness_for_the_whole_network():
    nodes, memberships, started = _grown()
    # scores that are not the 2022 graph's own: 5 first, so reuse (and only reuse) puts 5 first
    fake = network.Scores({1: 0.0, 2: 0.0, 3: 0.1, 4: 0.2, 5: 0.9, 6: 0.05, 8: 0.0}, False, 3)
    history = network.history(nodes, memberships, started, [2021, 2022], latest=(fake, 7))
    assert [b.id for b in history[-1].brokers] == [5, 4, 3]
    assert history[-1].brokers_exact is False and history[-1].brokers_sources == 3
    assert [b.id for b in history[0].brokers] == [3, 4]  # 2021 is not the whole network
    stale = network.history(nodes, memberships, started, [2022], latest=(fake, 6))
    assert [b.id for b in stale[-1].brokers] == [4, 3, 5]  # other link count: computed


def test_network_history_brokers_are_flagged_when_sampled():
    nodes, memberships, started = _grown()
    history = network.history(nodes, memberships, started, [2022], samples=2)
    assert history[0].brokers_exact is False and history[0].brokers_sources == 2
    assert all(b.error is not None and b.error >= 0 for b in history[0].brokers)


def _bridged(n: int, start: int, bridge: int, year: int, pid: int):
    """Two groups of `n` organisations, each pair sharing a partnership, joined through
    `bridge` alone: its partnerships with one member of each group start in `year`."""
    left = list(range(start, start + n))
    right = list(range(start + n, start + 2 * n))
    memberships, started = [], {}
    for group in (left, right):
        for a, b in itertools.combinations(group, 2):
            memberships += [(pid, a), (pid, b)]
            started[pid] = year
            pid += 1
    for member in (left[0], right[0]):
        memberships += [(pid, bridge), (pid, member)]
        started[pid] = year
        pid += 1
    return memberships, started, pid


def test_an_early_years_broker_comes_out_of_a_large_later_network():
    # given an early network (2016) of two groups of 12 joined only through organisation 1, and
    # a much larger later one (2024) where 2 joins two groups of 40 and 1 no longer matters
    memberships, started, pid = _bridged(12, 100, 1, 2016, 1000)
    later, later_started, _ = _bridged(40, 500, 2, 2024, pid)
    memberships += later
    started.update(later_started)
    ids = {o for _p, o in memberships}
    nodes = [network.Node(i, str(i), str(i), "civil_society", "local", "") for i in sorted(ids)]
    # when the history is computed on a budget too small for the later network to be exact
    years = [2016, 2018, 2020, 2022, 2024]
    history = network.history(nodes, memberships, started, years, visits=20_000)
    by_year = {y.year: y for y in history}
    # then 2016's broker is 1, exactly (its small network fits the budget) ...
    assert by_year[2016].brokers[0].id == 1 and by_year[2016].brokers_exact is True
    assert by_year[2016].brokers_sources == 25
    assert by_year[2020].brokers[0].id == 1  # nothing new started in between
    # ... and 2024's is 2, estimated from a stated sample with its error
    assert by_year[2024].brokers[0].id == 2 and by_year[2024].brokers_exact is False
    assert by_year[2024].brokers_sources == network.HISTORY_SAMPLES
    assert by_year[2024].brokers[0].error is not None and by_year[2024].brokers[0].error < 0.5


def _light(*, today, since, last_report, closed):
    if closed:
        return "closed"
    reference = max(since, last_report) if last_report else since
    return "red" if (today - reference).days >= 730 else "green"


def test_trends_count_new_records_reporting_and_inactive():
    records = [
        trends.Tracked(
            "partnership", dt.date(2020, 3, 1), dt.date(2020, 3, 1), None, (dt.date(2022, 5, 1),)
        ),
        trends.Tracked("partnership", dt.date(2021, 1, 1), dt.date(2021, 1, 1), None, ()),
        trends.Tracked("pledge", dt.date(2021, 6, 1), dt.date(2021, 6, 1), None, ()),
    ]
    rows = trends.yearly(
        records, [2020, 2021, 2022, 2023], today=dt.date(2023, 12, 31), light_on=_light
    )
    assert [(r.new_partnerships, r.new_pledges, r.open) for r in rows] == [
        (1, 0, 1),
        (1, 1, 3),
        (0, 0, 3),
        (0, 0, 3),
    ]
    assert rows[1].reporting_rate == 0.0
    assert rows[2].reporting_rate == 33.3  # one of three reported in 2022
    # at the end of 2023: the 2021 partnership and pledge have never reported (24+ months)
    assert rows[3].inactive_share == 66.7
    assert rows[0].inactive_share == 0.0


def test_betweenness_equals_networkx_exactly_on_random_graphs():
    import random

    import networkx as nx

    rng = random.Random(5)
    for trial in range(8):
        g = nx.gnm_random_graph(rng.randint(5, 60), rng.randint(4, 150), seed=trial)
        g.add_node(999)  # an isolate
        scores = network.betweenness(g)
        ours = scores.values
        assert scores.exact and not scores.errors
        core = g.subgraph([n for n, d in g.degree() if d > 0])
        theirs = nx.betweenness_centrality(core)
        assert set(ours) == set(theirs)
        assert all(abs(ours[n] - theirs[n]) < 1e-9 for n in theirs), trial


def test_sampled_betweenness_finds_the_bridge():
    import networkx as nx

    # two dense clusters joined through one organisation (500) and their two members beside it
    g = nx.complete_graph(30)
    g.add_edges_from((a, b) for a in range(100, 130) for b in range(a + 1, 130))
    g.add_edges_from([(0, 500), (500, 100)])
    found = network.betweenness(g, samples=12)
    assert not found.exact and found.sources == 12
    scores = found.values
    assert set(sorted(scores, key=scores.get)[-3:]) == {0, 100, 500}


def test_connected_groups_equal_networkx_on_random_graphs():
    import random

    import networkx as nx

    rng = random.Random(11)
    graphs = [
        nx.gnm_random_graph(rng.randint(2, 80), rng.randint(1, 90), seed=t) for t in range(12)
    ]
    graphs.append(nx.path_graph(300))  # a long chain: many passes without pointer jumping
    graphs.append(nx.relabel_nodes(nx.path_graph(50), {i: 1000 - 7 * i for i in range(50)}))
    for trial, g in enumerate(graphs):
        links = sorted(tuple(sorted(e)) for e in g.edges())
        linked, counts, groups = network.connected_groups(links)
        theirs = sorted(
            (sorted(c) for c in nx.connected_components(g) if len(c) > 1),
            key=lambda c: (-len(c), c[0]),
        )
        assert groups == theirs, trial
        linked_graph = g.subgraph([n for n, d in g.degree() if d > 0])
        assert dict(zip(linked, counts, strict=True)) == dict(linked_graph.degree()), trial
    assert network.connected_groups([]) == ([], [], [])


def test_the_picture_draws_the_most_connected_of_the_largest_group():
    # a star around 1 (the largest group: 1 shares two partnerships with 2) and a pair 8–9
    weights = network.edge_weights(
        [
            (1, 1),
            (1, 2),
            (2, 1),
            (2, 2),
            (3, 1),
            (3, 3),
            (4, 1),
            (4, 4),
            (5, 8),
            (5, 9),
            (6, 8),
            (6, 9),
        ]
    )
    shape = network.picture(weights, [1, 2, 3, 4], limit=3)
    assert shape.ids == [1, 2, 3]  # 1 has three links; 2, 3 and 4 one each: the smallest ids
    assert shape.links == [(1, 2, 2), (1, 3, 1)]
    assert shape.degree == {1: 3, 2: 1, 3: 1} and shape.top == 3
    assert set(shape.positions) == {1, 2, 3}
    assert all(-1.0 <= c <= 1.0 for p in shape.positions.values() for c in p)
    assert (
        network.picture(weights, [1, 2, 3, 4], limit=3) == shape
    )  # the same data, the same picture
