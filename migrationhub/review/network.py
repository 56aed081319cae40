"""The partnership network: organisations as nodes, shared partnerships as weighted edges.

Two organisations are linked when both are active members of the same partnership; the edge's
`weight` is the number of partnerships they share. On that graph (networkx) the review reads:

- **components**: groups of organisations connected through chains of partnerships; the
  largest is the core of cooperation, the others are islands (`connected_groups`, in numpy:
  the refresh counts them for every region and objective, `selectors.report_networks`);
- **brokers**: betweenness centrality (Brandes 2001; the share of shortest paths between other
  organisations that pass through one): who connects whom. networkx's implementation visits
  links one at a time in Python: exact, it takes minutes at 5,000 organisations and 100,000
  links. Here the same algorithm runs a level of each breadth-first search at a time in numpy
  (`_brandes`; equal to networkx's to rounding, tests/test_algorithms.py), exactly while the
  whole computation fits `LINK_VISITS` link visits, else from as many source organisations as
  fit (at least `SAMPLES`) drawn with a fixed seed and scaled up (Brandes & Pich 2007; networkx's
  `k`), which ranks the top brokers as the exact measure does (bench/review_bench.py counts how
  many of the exact top ten the estimate finds); paths count hops, not weights, because a link
  is a link whether two organisations share one partnership or five;
- **isolated organisations**: in the directory but in no partnership with anyone;
- **links across governance levels and across stakeholder types** (whole-of-society,
  whole-of-government): the share of links between organisations of different levels, of
  different types, and the pairs that are most and least linked;
- **over time** (`history`): the same counts for the network as it stood at the end of each
  year (the partnerships started, or registered, by then), kept with a union-find so the whole
  history costs one pass over the links; with each year's isolated organisations (registered in
  the directory by then, no link then) and its top brokers: exact while the year's network fits
  `HISTORY_VISITS` link visits (the early, small years), else estimated from at least
  `HISTORY_SAMPLES` seeded sources.

An estimated betweenness states its accuracy: each broker carries the relative standard error
of its estimate (the spread of its per-source contributions over the square root of the number
of sources), and each year the number of sources it was estimated from.

Nothing here reads the database: `selectors.py` feeds it plain rows.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

LINK_VISITS = 10_000_000
SAMPLES = 32
# The history's brokers, every year: a year whose network is the whole network reuses its
# betweenness (`latest`, no cost); each other year is exact within HISTORY_VISITS link visits,
# else estimated from as many sources as fit, at least HISTORY_SAMPLES (at 20k partnerships,
# 100 sources put the top broker's relative standard error near 0.3 where 12 left it near 0.9;
# 3–11 ms a source there). The history is computed after a write by the facts' refresh on the
# task queue (selectors.refresh), not by a visitor's request.
HISTORY_VISITS = LINK_VISITS // 2
HISTORY_SAMPLES = 100
HISTORY_TOP = 3
SEED = 17


@dataclass(frozen=True)
class Node:
    id: int
    slug: str
    name: str
    type: str
    level: str
    country: str
    registered: int | None = None  # the year it entered the directory (None: not known)


@dataclass(frozen=True)
class Broker:
    id: int
    betweenness: float
    degree: int
    error: float | None = None  # relative standard error of an estimate (None: exact)


@dataclass(frozen=True)
class Facts:
    organisations: int
    links: int
    connected: int  # organisations with at least one link
    components: list[list[int]]  # of connected organisations, largest first
    isolates: list[int]
    brokers: list[Broker]
    cross_level: int
    cross_type: int
    level_pairs: list[tuple[tuple[str, str], int]]
    type_pairs: list[tuple[tuple[str, str], int]]
    exact: bool  # betweenness computed exactly (not estimated)
    betweenness: dict[int, float] = field(default_factory=dict, repr=False, compare=False)
    errors: dict[int, float] = field(default_factory=dict, repr=False, compare=False)
    sources: int = 0  # organisations the betweenness was computed from (all of them if exact)

    @property
    def cross_level_share(self) -> float:
        return self.cross_level / self.links if self.links else 0.0

    @property
    def cross_type_share(self) -> float:
        return self.cross_type / self.links if self.links else 0.0

    @property
    def largest_component(self) -> int:
        return len(self.components[0]) if self.components else 0


def edge_weights(memberships: Iterable[tuple[int, int]]) -> Counter[tuple[int, int]]:
    """`(partnership, organisation)` pairs → shared-partnership count per organisation pair."""
    members: dict[int, set[int]] = defaultdict(set)
    for pid, oid in memberships:
        members[pid].add(oid)
    weights: Counter[tuple[int, int]] = Counter()
    for group in members.values():
        if len(group) > 1:
            weights.update(itertools.combinations(sorted(group), 2))
    return weights


def graph(nodes: Sequence[Node], weights: Counter[tuple[int, int]]) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(n.id for n in nodes)
    g.add_weighted_edges_from((a, b, w) for (a, b), w in weights.items())
    return g


def _csr(g: nx.Graph) -> tuple[list[Any], np.ndarray, np.ndarray]:
    """The graph as compressed sparse rows (both directions of every link)."""
    order = list(g.nodes())
    index = {n: i for i, n in enumerate(order)}
    degree = np.fromiter((len(g[n]) for n in order), dtype=np.int64, count=len(order))
    indptr = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(degree, out=indptr[1:])
    indices = np.fromiter(
        (index[m] for n in order for m in g[n]), dtype=np.int64, count=int(indptr[-1])
    )
    return order, indptr, indices


def _brandes(
    indptr: np.ndarray, indices: np.ndarray, sources: Any, squares: np.ndarray | None = None
) -> np.ndarray:
    """Unnormalised betweenness (Brandes 2001, unweighted) accumulated over `sources`, one
    breadth-first search per source done a level at a time with numpy: every link of a level is
    handled in one vectorised step, so a search costs a few array passes over the links instead
    of a Python loop per link (networkx's). `squares`, if given, accumulates the square of each
    source's contribution (for the estimate's standard error)."""
    n = len(indptr) - 1
    total = np.zeros(n)
    degree = np.diff(indptr)
    for s in sources:
        dist = np.full(n, -1, dtype=np.int64)
        sigma = np.zeros(n)
        dist[s], sigma[s] = 0, 1.0
        frontier = np.array([s], dtype=np.int64)
        levels: list[tuple[np.ndarray, np.ndarray]] = []
        depth = 0
        while frontier.size:
            counts = degree[frontier]
            if not counts.sum():
                break
            starts = np.repeat(
                indptr[frontier] - np.concatenate(([0], np.cumsum(counts)[:-1])), counts
            )
            targets = indices[starts + np.arange(int(counts.sum()))]
            origins = np.repeat(frontier, counts)
            unseen = dist[targets] == -1
            fresh = np.unique(targets[unseen])
            dist[fresh] = depth + 1
            forward = dist[targets] == depth + 1
            v, w = origins[forward], targets[forward]
            sigma += np.bincount(w, weights=sigma[v], minlength=n)
            levels.append((v, w))
            frontier = fresh
            depth += 1
        delta = np.zeros(n)
        for v, w in reversed(levels):
            delta += np.bincount(v, weights=sigma[v] / sigma[w] * (1.0 + delta[w]), minlength=n)
        delta[s] = 0.0
        total += delta
        if squares is not None:
            squares += delta * delta
    return total


@dataclass(frozen=True)
class Scores:
    """Normalised betweenness of every connected node, and how it was computed."""

    values: dict[Any, float]
    exact: bool
    sources: int  # the source organisations used (every one when exact)
    errors: dict[Any, float] = field(default_factory=dict)  # relative standard errors (estimates)


def betweenness(g: nx.Graph, *, samples: int | None = None) -> Scores:
    """Normalised betweenness of every connected node (networkx's scale: the share of ordered
    pairs of other nodes). Exact when every source fits the budget (`LINK_VISITS`), else
    estimated from `samples` (or as many as the budget allows, at least `SAMPLES`) sources drawn
    with a fixed seed and scaled by n / k, as networkx's `k` does."""
    core = g.subgraph([n for n, d in g.degree() if d > 0])
    if core.number_of_nodes() == 0:
        return Scores({}, True, 0)
    order, indptr, indices = _csr(core)
    return _scaled(order, indptr, indices, samples, LINK_VISITS, SAMPLES)


def _scaled(
    order: Sequence[Any],
    indptr: np.ndarray,
    indices: np.ndarray,
    samples: int | None,
    visits: int,
    least: int,
) -> Scores:
    """`betweenness` on a graph already in compressed sparse rows: exact within `visits` link
    visits, else from `samples` (or as many as fit, at least `least`) seeded sources, each
    estimate with its relative standard error (the standard deviation of the sources'
    contributions over √k, relative to their mean)."""
    n = len(order)
    links = max(1, int(indptr[-1]))
    k = samples if samples is not None else max(least, visits // links)
    exact = k >= n
    sources = range(n) if exact else random.Random(SEED).sample(range(n), k)
    squares = None if exact else np.zeros(n)
    raw = _brandes(indptr, indices, sources, squares)
    scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    values = {node: float(raw[i] * scale * (1 if exact else n / k)) for i, node in enumerate(order)}
    if exact or squares is None:
        return Scores(values, True, n)
    mean = raw / k
    spread = np.sqrt(np.maximum(squares / k - mean * mean, 0.0) / max(1, k - 1))
    errors = {node: float(spread[i] / mean[i]) for i, node in enumerate(order) if mean[i] > 0}
    return Scores(values, False, k, errors)


def connected_groups(
    weights: Iterable[tuple[int, int]],
) -> tuple[list[int], list[int], list[list[int]]]:
    """The organisations with at least one of these links (by id), the number of links of
    each, and the connected groups (each by id; largest first, then by smallest id), with
    numpy (no graph: label propagation with pointer jumping, each pass a few array steps over
    the links, a handful of passes)."""
    flat = list(itertools.chain.from_iterable(weights))
    if not flat:
        return [], [], []
    ends = np.asarray(flat, dtype=np.int64).reshape(-1, 2)
    order, inverse = np.unique(ends, return_inverse=True)
    inverse = inverse.reshape(-1, 2)
    src, dst = inverse[:, 0], inverse[:, 1]
    n = len(order)
    labels = np.arange(n)  # each a member of its organisation's group, the smallest at the end
    while True:
        low = np.minimum(labels[src], labels[dst])
        hooked = labels.copy()
        for side in (src, dst):
            np.minimum.at(hooked, side, low)
            np.minimum.at(hooked, labels[side], low)
        while True:
            jumped = hooked[hooked]
            if np.array_equal(jumped, hooked):
                break
            hooked = jumped
        if np.array_equal(hooked, labels):
            break
        labels = hooked
    by_label = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[by_label])) + 1
    groups = [order[part].tolist() for part in np.split(by_label, cuts)]
    counts = np.bincount(src, minlength=n) + np.bincount(dst, minlength=n)
    return (
        order.tolist(),
        counts.tolist(),
        sorted(groups, key=lambda c: (-len(c), c[0])),
    )


def _pairs(raw: Counter[tuple[str, str]]) -> tuple[list[tuple[tuple[str, str], int]], int]:
    """Links counted by the (level or type) of each end → by unordered pair, most first, and
    how many join different ones."""
    pairs: Counter[tuple[str, str]] = Counter()
    across = 0
    for (a, b), count in raw.items():
        pairs[(a, b) if a <= b else (b, a)] += count
        across += count if a != b else 0
    return sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])), across


def measures(
    nodes: Sequence[Node],
    memberships: Iterable[tuple[int, int]],
    *,
    top: int = 10,
    samples: int | None = None,
    scores: Scores | None = None,
    weights: Counter[tuple[int, int]] | None = None,
) -> Facts:
    """Every fact of the network of `nodes` linked by `memberships`. With `scores` (the
    betweenness of a larger network, and whether it is exact), brokers are ranked by those
    instead of being computed on this one: a country's brokers by what they connect in the
    whole network, at the cost of a lookup. `weights`: `edge_weights(memberships)` if the
    caller has counted them already."""
    by_id = {n.id: n for n in nodes}
    weights = Counter(
        {
            pair: w
            for pair, w in (edge_weights(memberships) if weights is None else weights).items()
            if pair[0] in by_id and pair[1] in by_id
        }
    )
    linked, link_counts, components = connected_groups(weights)
    degree = dict.fromkeys(by_id, 0)
    degree.update(zip(linked, link_counts, strict=True))
    isolates = sorted(oid for oid, d in degree.items() if d == 0)
    if scores is None:
        wide = betweenness(graph(nodes, weights), samples=samples)
        found = wide.values
    else:
        wide = scores
        found = {oid: wide.values.get(oid, 0.0) for oid in linked}
    exact = wide.exact
    brokers = [
        Broker(oid, score, degree[oid], None if exact else wide.errors.get(oid))
        for oid, score in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
        if score > 0
    ][:top]
    level_pairs, cross_level = _pairs(Counter((by_id[a].level, by_id[b].level) for a, b in weights))
    type_pairs, cross_type = _pairs(Counter((by_id[a].type, by_id[b].type) for a, b in weights))
    return Facts(
        organisations=len(nodes),
        links=len(weights),
        connected=sum(len(c) for c in components),
        components=components,
        isolates=isolates,
        brokers=brokers,
        cross_level=cross_level,
        cross_type=cross_type,
        level_pairs=level_pairs,
        type_pairs=type_pairs,
        exact=exact,
        betweenness=found,
        errors=wide.errors,
        sources=wide.sources,
    )


@dataclass(frozen=True)
class YearFacts:
    year: int
    organisations_linked: int
    links: int
    components: int
    largest_component: int
    cross_level_share: float
    cross_type_share: float
    isolated: int = 0  # registered by the end of the year, and with no link then
    brokers: list[Broker] = field(default_factory=list)  # the year's top brokers, best first
    brokers_exact: bool | None = None  # None: no link that year, no broker to compute
    brokers_sources: int = 0  # organisations the year's betweenness was computed from


def _edge_csr(pairs: Sequence[tuple[int, int]]) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Compressed sparse rows (both directions) of the graph made of `pairs`, straight from the
    links with numpy (no networkx graph per year)."""
    ends = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    order, inverse = np.unique(ends, return_inverse=True)
    inverse = inverse.reshape(-1, 2)
    src = np.concatenate((inverse[:, 0], inverse[:, 1]))
    dst = np.concatenate((inverse[:, 1], inverse[:, 0]))
    by_src = np.argsort(src, kind="stable")
    indptr = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=len(order)), out=indptr[1:])
    return [int(o) for o in order], indptr, dst[by_src]


def year_brokers(
    pairs: Sequence[tuple[int, int]],
    *,
    visits: int = LINK_VISITS,
    least: int = SAMPLES,
    top: int = HISTORY_TOP,
    samples: int | None = None,
) -> tuple[list[Broker], Scores]:
    """The `top` brokers of the network made of `pairs` (distinct links), by betweenness exact
    within `visits` link visits or estimated from seeded sources (with their errors), as
    `betweenness`."""
    if not pairs:
        return [], Scores({}, True, 0)
    order, indptr, indices = _edge_csr(pairs)
    scores = _scaled(order, indptr, indices, samples, visits, least)
    degree = np.diff(indptr)
    index = {node: i for i, node in enumerate(order)}
    ranked = sorted(scores.values.items(), key=lambda kv: (-kv[1], kv[0]))
    return [
        Broker(node, score, int(degree[index[node]]), scores.errors.get(node))
        for node, score in ranked
        if score > 0
    ][:top], scores


def history(
    nodes: Sequence[Node],
    memberships: Iterable[tuple[int, int]],
    started: dict[int, int],
    years: Sequence[int],
    *,
    visits: int = HISTORY_VISITS,
    samples: int | None = None,
    latest: tuple[Scores, int] | None = None,
) -> list[YearFacts]:
    """The network at the end of each of `years`, from the partnerships started by then
    (`started`: partnership id → year). One pass over the links with a union-find for the
    counts. `isolated`: the organisations registered by the end of the year (`Node.registered`
    ≤ year, or not known: counted every year) with no link then. `brokers`: the top
    `HISTORY_TOP` by betweenness on the network as it stood, every year: exact when the year's
    network fits `visits` link visits, else estimated from as many seeded sources as fit (at
    least `HISTORY_SAMPLES`, or `samples`), each broker with its relative standard error.
    `latest`: the whole network's betweenness and its number of links; a year that has all
    those links is the whole network and takes its brokers from it instead."""
    by_id = {n.id: n for n in nodes}
    members: dict[int, set[int]] = defaultdict(set)
    for pid, oid in memberships:
        if oid in by_id and pid in started:
            members[pid].add(oid)
    pairs_by_year: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pid, group in members.items():
        if len(group) > 1:
            pairs_by_year[started[pid]].extend(itertools.combinations(sorted(group), 2))
    parent: dict[int, int] = {}
    size: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    seen: set[tuple[int, int]] = set()
    cross_level = cross_type = components = 0
    largest = 0
    out = []
    first = min(years) if years else 0
    total_links = len({pair for pairs in pairs_by_year.values() for pair in pairs})
    reuse = latest is not None and latest[1] == total_links
    registered = sorted(n.registered if n.registered is not None else -1 for n in nodes)
    pending = sorted(y for y in pairs_by_year if y < first)
    for year in [*pending, *years]:
        for a, b in pairs_by_year.get(year, ()):
            if (a, b) in seen:
                continue
            seen.add((a, b))
            cross_level += by_id[a].level != by_id[b].level
            cross_type += by_id[a].type != by_id[b].type
            for x in (a, b):
                if x not in parent:
                    parent[x], size[x] = x, 1
                    components += 1
            ra, rb = find(a), find(b)
            if ra != rb:
                if size[ra] < size[rb]:
                    ra, rb = rb, ra
                parent[rb] = ra
                size[ra] += size[rb]
                components -= 1
                largest = max(largest, size[ra])
            else:
                largest = max(largest, size[ra])
        if year >= first:
            links = len(seen)
            known = bisect.bisect_right(registered, year)
            linked_known = sum(
                1
                for x in parent
                if by_id[x].registered is None or by_id[x].registered <= year  # type: ignore[operator]
            )
            brokers: list[Broker] = []
            scores: Scores | None = None
            if reuse and links == total_links:
                assert latest is not None
                scores = latest[0]
                degrees: Counter[int] = Counter()
                for a, b in seen:
                    degrees[a] += 1
                    degrees[b] += 1
                brokers = [
                    Broker(oid, score, degrees[oid], scores.errors.get(oid))
                    for oid, score in sorted(scores.values.items(), key=lambda kv: (-kv[1], kv[0]))
                    if score > 0 and oid in degrees
                ][:HISTORY_TOP]
            elif links:
                brokers, scores = year_brokers(
                    list(seen), visits=visits, least=HISTORY_SAMPLES, samples=samples
                )
            out.append(
                YearFacts(
                    year=year,
                    organisations_linked=len(parent),
                    links=links,
                    components=components,
                    largest_component=largest,
                    cross_level_share=cross_level / links if links else 0.0,
                    cross_type_share=cross_type / links if links else 0.0,
                    isolated=known - linked_known,
                    brokers=brokers,
                    brokers_exact=scores.exact if scores else None,
                    brokers_sources=scores.sources if scores else 0,
                )
            )
    return out


@dataclass(frozen=True)
class Picture:
    """A network picture's shape, in no language: the organisations drawn, where, and how."""

    ids: list[int]  # the most connected organisations of the largest connected group, by id
    positions: dict[int, tuple[float, float]]  # in [-1, 1]²
    links: list[tuple[int, int, int]]  # (id, id, shared partnerships) among them, sorted
    degree: dict[int, int]  # each one's links in the whole network pictured
    top: int  # the most links any organisation of that network has


def picture(weights: Counter[tuple[int, int]], core: Iterable[int], limit: int) -> Picture:
    """The `limit` organisations with the most links among `core` (the largest connected
    group, `Facts.components[0]`), the links among them and their layout."""
    degree = Counter(itertools.chain.from_iterable(weights))
    inside = set(core)
    ranked = sorted(
        ((o, d) for o, d in degree.items() if o in inside), key=lambda kv: (-kv[1], kv[0])
    )
    ids = sorted(o for o, _d in ranked[:limit])
    chosen = set(ids)
    links = sorted((a, b, w) for (a, b), w in weights.items() if a in chosen and b in chosen)
    return Picture(
        ids,
        layout(ids, links),
        links,
        {o: degree[o] for o in ids},
        max(degree.values(), default=1),
    )


def layout(
    ids: Sequence[int], links: Sequence[tuple[int, int, int]]
) -> dict[int, tuple[float, float]]:
    """Positions in [-1, 1]² for a picture of `ids` joined by `links` (a force-directed layout
    with a fixed seed: the same data draws the same picture)."""
    if not ids:
        return {}
    g = nx.Graph()
    g.add_nodes_from(ids)
    g.add_weighted_edges_from(links)
    if len(ids) == 1:
        return {ids[0]: (0.0, 0.0)}
    positions = nx.spring_layout(g, seed=SEED, iterations=80, k=1.5 / len(ids) ** 0.5)
    xs = [float(p[0]) for p in positions.values()]
    ys = [float(p[1]) for p in positions.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {
        n: ((float(p[0]) - cx) * 2 / span, (float(p[1]) - cy) * 2 / span)
        for n, p in positions.items()
    }
