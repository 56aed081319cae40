"""Coverage of the Global Compact: how many partnerships, pledges and practices touch each GCM
objective × governance level × UN M49 region × stakeholder type (pure: no Django).

A *record* (`Record`) is a partnership, a pledge or a published practice reduced to the codes it
is tagged with. A record counts **once** in every cell it touches: a partnership on objectives 5
and 6 in Mexico and Guatemala counts once in (5, Central America) and once in (6, Central
America), not twice, and once in the row total of objective 5 however many regions it spans
(totals are of distinct records, not sums of cells).

Regions follow UN M49 at every depth (`Geography`): world (`001`) → region → sub-region →
intermediate region → country. A record counts in each region that contains one of its
countries, and always in the world: a global record with no country counts only there.

A record without a value on a dimension (a practice that names no level) counts under
`NOT_STATED` (""), so that totals add up and the gap is visible rather than hidden.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

WORLD = "001"
NOT_STATED = ""
KINDS = ("partnership", "pledge", "practice")
DIMENSIONS = ("objective", "level", "region", "type")


@dataclass(slots=True)  # not frozen: 26k of them are built per data change, twice as fast
class Record:
    kind: str  # one of KINDS
    id: int
    objectives: frozenset[str]
    levels: frozenset[str]
    countries: frozenset[str]  # ISO 3166-1 alpha-3
    types: frozenset[str]  # stakeholder type codes
    start_year: int | None = None
    end_year: int | None = None
    organisations: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Geography:
    """The UN M49 tree: each region's parent and kind, each country's regions."""

    parent: dict[str, str]  # m49 -> parent m49 (WORLD for the top regions; "" for the world)
    kind: dict[str, str]  # m49 -> "world" | "region" | "subregion" | "intermediate"
    country_regions: dict[str, tuple[str, ...]]  # iso3 -> (region, sub-region[, intermediate])
    _children: dict[str, list[str]] = field(default_factory=dict, compare=False)

    @staticmethod
    def of(
        regions: Iterable[tuple[str, str, str]], countries: Iterable[tuple[str, Sequence[str]]]
    ) -> Geography:
        """From `(m49, kind, parent m49)` rows and `(iso3, regions)` rows."""
        parent = {WORLD: ""}
        kind = {WORLD: "world"}
        for m49, k, up in regions:
            parent[m49] = up or WORLD
            kind[m49] = k
        children: dict[str, list[str]] = defaultdict(list)
        for m49, up in parent.items():
            if up:
                children[up].append(m49)
        for codes in children.values():
            codes.sort()
        country_regions = {iso3: tuple(r for r in codes if r) for iso3, codes in countries}
        return Geography(parent, kind, country_regions, dict(children))

    def children(self, m49: str) -> list[str]:
        return self._children.get(m49, [])

    def siblings(self, m49: str) -> list[str]:
        """The regions under the same parent: a region's neighbours for the gap finder."""
        return [r for r in self.children(self.parent.get(m49, "")) if r != m49]

    def of_kind(self, kind: str) -> list[str]:
        """The regions of one M49 depth, or with `"leaf"` the most specific ones (those without
        children: intermediate regions where M49 has them, sub-regions elsewhere)."""
        if kind == "leaf":
            return sorted(m for m, k in self.kind.items() if k != "world" and not self.children(m))
        return sorted(m for m, k in self.kind.items() if k == kind)

    def ancestors(self, m49: str) -> list[str]:
        """`m49` and every region above it, up to the world."""
        out = []
        while m49:
            out.append(m49)
            m49 = self.parent.get(m49, "")
        return out

    def regions_of(self, countries: Iterable[str]) -> set[str]:
        """Every region containing one of `countries`, and the world."""
        out = {WORLD}
        for iso3 in countries:
            out.update(self.country_regions.get(iso3, ()))
        return out

    def countries_in(self, m49: str) -> set[str]:
        if m49 == WORLD:
            return set(self.country_regions)
        return {c for c, regions in self.country_regions.items() if m49 in regions}


@dataclass(frozen=True)
class Filters:
    """What a coverage table is restricted to. Empty means everything."""

    country: str = ""
    region: str = ""
    objective: str = ""
    level: str = ""
    type: str = ""
    year_from: int | None = None
    year_to: int | None = None
    kinds: tuple[str, ...] = KINDS


def in_period(record: Record, year_from: int | None, year_to: int | None) -> bool:
    """Whether the record ran during the period: started by its end, not ended before its
    start. A record without a start year is in no bounded period."""
    if year_from is None and year_to is None:
        return True
    if record.start_year is None:
        return False
    if year_to is not None and record.start_year > year_to:
        return False
    return not (
        year_from is not None and record.end_year is not None and record.end_year < year_from
    )


def select(records: Iterable[Record], geo: Geography, filters: Filters) -> list[Record]:
    """The records that pass `filters`."""
    region_countries = geo.countries_in(filters.region) if filters.region else None
    out = []
    for r in records:
        if r.kind not in filters.kinds:
            continue
        if filters.country and filters.country not in r.countries:
            continue
        if (
            region_countries is not None
            and filters.region != WORLD
            and not (r.countries & region_countries)
        ):
            continue
        if filters.objective and filters.objective not in r.objectives:
            continue
        if filters.level and filters.level not in r.levels:
            continue
        if filters.type and filters.type not in r.types:
            continue
        if not in_period(r, filters.year_from, filters.year_to):
            continue
        out.append(r)
    return out


def values(record: Record, dimension: str, geo: Geography, regions: set[str] | None) -> set[str]:
    """The record's values on `dimension` (regions restricted to `regions` when given)."""
    if dimension == "objective":
        found = set(record.objectives)
    elif dimension == "level":
        found = set(record.levels)
    elif dimension == "type":
        found = set(record.types)
    elif dimension == "region":
        found = geo.regions_of(record.countries)
        return found & regions if regions is not None else found
    else:
        raise ValueError(dimension)
    return found or {NOT_STATED}


@dataclass
class Table:
    """Counts per (row, column) cell and kind, with distinct-record totals."""

    rows: list[str]
    cols: list[str]
    cells: dict[tuple[str, str], dict[str, int]]
    row_totals: dict[str, dict[str, int]]
    col_totals: dict[str, dict[str, int]]
    total: dict[str, int]

    def count(self, row: str, col: str, kinds: Sequence[str] = KINDS) -> int:
        cell = self.cells.get((row, col))
        return sum(cell.get(k, 0) for k in kinds) if cell else 0


def _zero() -> dict[str, int]:
    return {k: 0 for k in KINDS}


def table(
    records: Iterable[Record],
    geo: Geography,
    *,
    rows: str,
    cols: str,
    row_values: Sequence[str],
    col_values: Sequence[str],
) -> Table:
    """Cross-count `records` by two dimensions. `row_values`/`col_values` fix the order and
    which values appear (for regions: which regions, e.g. the five M49 regions, or the children
    of one); values a record has outside them are not counted in that table."""
    row_set, col_set = set(row_values), set(col_values)
    row_regions = row_set if rows == "region" else None
    col_regions = col_set if cols == "region" else None
    cells: dict[tuple[str, str], dict[str, int]] = defaultdict(_zero)
    row_totals: dict[str, dict[str, int]] = defaultdict(_zero)
    col_totals: dict[str, dict[str, int]] = defaultdict(_zero)
    total = _zero()
    for record in records:
        rs = values(record, rows, geo, row_regions) & row_set
        cs = values(record, cols, geo, col_regions) & col_set
        if not rs or not cs:
            continue
        total[record.kind] += 1
        for r in rs:
            row_totals[r][record.kind] += 1
            for c in cs:
                cells[(r, c)][record.kind] += 1
        for c in cs:
            col_totals[c][record.kind] += 1
    return Table(
        list(row_values), list(col_values), dict(cells), dict(row_totals), dict(col_totals), total
    )


def cube(
    records: Iterable[Record], geo: Geography
) -> dict[tuple[str, str, str, str], dict[str, int]]:
    """Every non-empty (objective, level, region, stakeholder type) cell with its counts per
    kind, regions at every depth: the open-data table. Counted as one flat tally of
    (cell, kind) keys, the cheapest way to count a million increments in Python."""
    tally: Counter[tuple[str, str, str, str, str]] = Counter()
    for record in records:
        objectives = values(record, "objective", geo, None)
        levels = values(record, "level", geo, None)
        types = values(record, "type", geo, None)
        regions = geo.regions_of(record.countries)
        kind = record.kind
        tally.update(
            (o, lv, g, t, kind) for o in objectives for lv in levels for g in regions for t in types
        )
    out: dict[tuple[str, str, str, str], dict[str, int]] = defaultdict(_zero)
    for (o, lv, g, t, kind), n in tally.items():
        out[(o, lv, g, t)][kind] = n
    return dict(out)
