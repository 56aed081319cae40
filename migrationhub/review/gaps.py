"""The gap finder: where the Compact has neither a partnership nor a practice (pure: no Django).

A **gap** is an (objective, governance level, region) cell that no partnership and no published
practice covers (pledges are promises, not work under way, so they do not close a gap). Regions
are taken at one M49 depth (by default the most specific: intermediate regions where M49 has
them, such as Western Africa, sub-regions elsewhere: fine enough to act on, coarse enough that an
empty cell means something).

Gaps are ranked by how **isolated** they are: a cell whose neighbours are also empty is a hole
in the map, not a missing corner, and nobody nearby can lend a hand. A cell's neighbours are
- the same objective and region at the adjacent governance levels (local ↔ national ↔ regional
  ↔ global, in `levels` order), and
- the same objective and level in its sibling regions (the other children of its M49 parent:
  Western Africa's neighbours are the other sub-regions of Africa).
`isolation` = empty neighbours / neighbours (0 when it has none); ties are broken by the number
of empty neighbours, then by objective, level and region, so the order is stable.

For a **country**, `country_gaps` lists the objectives on which it has neither a partnership nor
a practice while its region (the most specific, `home_region`) has at least one (what peers nearby already do), with those
counts: the review's "who to learn from".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .coverage import Geography, Record

CLOSING_KINDS = ("partnership", "practice")


@dataclass(frozen=True)
class Gap:
    objective: str
    level: str
    region: str
    neighbours: int
    empty_neighbours: int

    @property
    def isolation(self) -> float:
        return self.empty_neighbours / self.neighbours if self.neighbours else 0.0


def covered_cells(
    records: Iterable[Record], geo: Geography, regions: set[str]
) -> set[tuple[str, str, str]]:
    """The (objective, level, region) cells, for `regions`, that a partnership or practice
    covers."""
    covered: set[tuple[str, str, str]] = set()
    for record in records:
        if record.kind not in CLOSING_KINDS:
            continue
        touched = geo.regions_of(record.countries) & regions
        for o in record.objectives:
            for lv in record.levels:
                for g in touched:
                    covered.add((o, lv, g))
    return covered


def find_gaps(
    records: Iterable[Record],
    geo: Geography,
    *,
    objectives: Sequence[str],
    levels: Sequence[str],
    regions: Sequence[str],
) -> list[Gap]:
    """Every empty cell of `objectives` × `levels` × `regions`, most isolated first."""
    region_set = set(regions)
    covered = covered_cells(records, geo, region_set)
    level_index = {lv: i for i, lv in enumerate(levels)}
    region_index = {g: i for i, g in enumerate(regions)}
    siblings = {g: [s for s in geo.siblings(g) if s in region_set] for g in regions}
    gaps = []
    for o in objectives:
        for lv in levels:
            i = level_index[lv]
            adjacent = [levels[j] for j in (i - 1, i + 1) if 0 <= j < len(levels)]
            for g in regions:
                if (o, lv, g) in covered:
                    continue
                neighbours = [(o, a, g) for a in adjacent] + [(o, lv, s) for s in siblings[g]]
                empty = sum(1 for cell in neighbours if cell not in covered)
                gaps.append(Gap(o, lv, g, len(neighbours), empty))
    objective_index = {o: i for i, o in enumerate(objectives)}
    gaps.sort(
        key=lambda gap: (
            -gap.isolation,
            -gap.empty_neighbours,
            objective_index[gap.objective],
            level_index[gap.level],
            region_index[gap.region],
        )
    )
    return gaps


@dataclass(frozen=True)
class CountryGap:
    objective: str
    region: str
    region_partnerships: int
    region_practices: int


DEPTH = {"intermediate": 3, "subregion": 2, "region": 1}


def home_region(geo: Geography, country: str) -> str:
    """The region a country is compared with: its most specific M49 region (the intermediate
    region where M49 has one, as Western Africa for Senegal; else its sub-region)."""
    regions = geo.country_regions.get(country, ())
    return max(regions, key=lambda m49: DEPTH.get(geo.kind.get(m49, ""), 0), default="")


def country_gaps(
    records: Iterable[Record], geo: Geography, *, country: str, objectives: Sequence[str]
) -> list[CountryGap]:
    """The objectives on which `country` has neither a partnership nor a practice while its
    sub-region has one, in objective order."""
    region = home_region(geo, country)
    if not region:
        return []
    peers = geo.countries_in(region)
    own: set[str] = set()
    nearby: dict[str, dict[str, int]] = defaultdict(lambda: {k: 0 for k in CLOSING_KINDS})
    for record in records:
        if record.kind not in CLOSING_KINDS:
            continue
        if country in record.countries:
            own.update(record.objectives)
        if record.countries & peers:
            for o in record.objectives:
                nearby[o][record.kind] += 1
    return [
        CountryGap(o, region, nearby[o]["partnership"], nearby[o]["practice"])
        for o in objectives
        if o not in own and o in nearby
    ]
