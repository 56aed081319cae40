"""The review's reads: the registry, the knowledge platform, the directory and the reference
vocabularies reduced to plain facts once, then coverage, gaps, the network, trends and reports
computed from them by the pure modules (`coverage`, `gaps`, `network`, `trends`).

Other apps are read only through their narrow "facts" selectors (plain rows, a fixed number of
queries). The facts are a `Snapshot` labelled with the version of the data it was read from (the
generations that retire cached pages, `core.page_cache`); network measures are memoised per
scope on it. Reading them takes seconds at 20k partnerships, so no visitor waits for it after a
write (stale-while-revalidate, ADR 0011):
- a request that finds the data changed keeps answering from the facts it has, marked stale
  (`served_stale`: such answers are not stored by the page cache), and queues `refresh` on the
  task queue once (`review.tasks.review_facts_refresh`); the task reads the facts with the
  whole network's measures and history, and the network measures and picture layout of every
  region that has records and every objective (what a region's or objective's report costs
  most the first time, nothing in a language), and shares them in the shared cache; every
  process then loads them in a background thread and swaps them in (a country's network,
  smaller, is still computed on its report's first render);
- only a process that has no facts at all, and finds none shared, reads them in the request.
In development and tests the queue runs tasks at once, so the request that finds the data
changed gets the new facts.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import gc
import logging
import pickle
import threading
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from migrationhub.core import page_cache
from migrationhub.core.errors import NotFound, ValidationFailed
from migrationhub.core.i18n import pick
from migrationhub.knowledge import selectors as knowledge_selectors
from migrationhub.organisations import selectors as org_selectors
from migrationhub.partnerships import selectors as partnership_selectors
from migrationhub.taxonomy import selectors as taxonomy_selectors

from . import coverage, gaps, network, trends
from .coverage import WORLD, Filters, Geography, Record

logger = logging.getLogger(__name__)

DOMAINS = ("partnerships", "practices", "organisations", "taxonomy")
"""What the review shows: its pages are retired, and its facts re-read, when one changes."""

REGION_KINDS = ("region", "subregion", "intermediate")
EVERYTHING = Filters()
NETWORK_MEMO = 384
KEPT = ("cube",)  # what a full memo keeps, with what the refresh computes (`_shared_memo`)
PICTURE_LIMIT = 40  # organisations in a network picture
SHARED_LATEST = "review:facts:latest"  # the version of the newest shared facts
SHARED_FACTS = "review:facts:{version}"  # zlib(pickle(Snapshot)) of that version
REFRESHING = "review:facts:refreshing"  # a refresh is queued or running (expires if it dies)
REFRESH_SECONDS = 300
SHARED_SECONDS = 7 * 24 * 3600


@dataclass(slots=True)
class PartnershipRow:
    id: int
    slug: str
    name: str
    status: str
    start: dt.date | None
    end: dt.date | None
    registered: dt.date
    since: dt.date
    light: str
    score: int
    last_report: dt.date | None
    breadth: int
    focus: int
    resources: int
    goals: int = 0
    goals_reported: int = 0  # goals with a progress report in the last 12 months


@dataclass(slots=True)
class PledgeRow:
    id: int
    slug: str
    title: str
    status: str
    pledged_on: dt.date
    light: str
    partnership_id: int | None


@dataclass(slots=True)
class PracticeRow:
    id: int
    slug: str
    title: str
    period_start: int | None


@dataclass
class Snapshot:
    """Everything the review computes from, as plain values."""

    records: list[Record]
    geo: Geography
    nodes: dict[int, network.Node]
    memberships: list[tuple[int, int]]
    partnerships: dict[int, PartnershipRow]
    pledges: dict[int, PledgeRow]
    practices: dict[int, PracticeRow]
    tracked: list[trends.Tracked]
    started: dict[int, int]
    names: dict[str, dict[str, tuple[str, dict[str, str]]]]  # vocabulary -> code -> (title, names)
    order: dict[str, list[str]]  # vocabulary -> codes in order
    memo: dict[Any, Any] = field(default_factory=dict)
    version: str = ""  # the data version (`data_version()`) it was read at


_lock = threading.Lock()
_current: Snapshot | None = None
_loading: str | None = None  # the version a background thread is loading from the shared cache
_stale: contextvars.ContextVar[bool] = contextvars.ContextVar("review_stale", default=False)


def data_version() -> str:
    """Changes whenever a domain the review reads changes."""
    gens = page_cache.generations(DOMAINS)
    return "|".join(f"{d}={g}" for d, g in sorted(gens.items()))


def snapshot() -> Snapshot:
    """The facts: the current ones, or while they are being refreshed after a write the last
    ones this process has (and `served_stale()` says so); read in the request only when there
    are none at all."""
    global _current
    key = data_version()
    current = _current
    if current is not None and current.version == key:
        return current
    if current is None:
        with _lock:
            if _current is None:
                _current = _shared(None) or _build(key, share=True)
            current = _current
        if current.version == key:
            return current
    _revalidate(key)
    current = _current
    assert current is not None
    if current.version != key:
        _stale.set(True)
    return current


def served_stale() -> bool:
    """Whether this request (context) was answered from facts older than the data."""
    return _stale.get()


def reset_stale() -> None:
    _stale.set(False)


def _revalidate(key: str) -> None:
    """The data changed: load the new facts if they are shared already (in the background),
    else queue their refresh unless one is under way."""
    latest = cache.get(SHARED_LATEST)
    if latest == key:
        _load_in_background(key)
    elif cache.add(REFRESHING, key, timeout=REFRESH_SECONDS):
        from .tasks import review_facts_refresh

        result = review_facts_refresh.enqueue()
        for error in result.errors:  # a queue that runs tasks at once (development, tests)
            logger.error("review: refreshing the facts failed\n%s", error.traceback)


def refresh() -> str:
    """Read the facts of the current data with the whole network's measures and history and
    every region's and objective's network (the costliest parts of the pages), share them and
    keep them here: the task queue's work after a write."""
    try:
        key = data_version()
        if cache.get(SHARED_LATEST) != key:
            snap = _build(key, share=False)
            with _paused_gc():
                network_facts(snap=snap)
                network_history(trend_years(snap), snap=snap)
                report_networks(snap)
            _share(snap)
            _install(snap)
        return key
    finally:
        cache.delete(REFRESHING)


def settle() -> None:
    """Make this process's facts the current ones, waiting for them (background tasks, never
    requests): the shared ones if they are current, else read now."""
    key = data_version()
    current = _current
    if current is not None and current.version == key:
        return
    shared = _shared(key) if cache.get(SHARED_LATEST) == key else None
    if shared is not None:
        _install(shared)
    else:
        refresh()


def _install(snap: Snapshot) -> None:
    global _current
    with _lock:
        _current = snap


@contextlib.contextmanager
def _paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused: the facts are a million small objects without
    cycles, and its passes over them took a third of the time of reading them."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _build(key: str, *, share: bool) -> Snapshot:
    with _paused_gc():
        snap = build_snapshot()
    snap.version = key
    if share:
        _share(snap)
    return snap


def _shared_memo(key: Any) -> bool:
    """What the refresh computes and every process may reuse (nothing in a language): the
    whole network's measures and history, and the network measures and picture layout of the
    world, every region and every objective (not of countries: `report_networks`)."""
    if not isinstance(key, tuple):
        return False
    if key[0] == "history":
        return True
    return key[0] in ("network", "layout") and key[1][0] in ("world", "region", "objective")


def _share(snap: Snapshot) -> None:
    """Put `snap` (with its network measures, nothing in a language) in the shared cache."""
    memo = {k: v for k, v in snap.memo.items() if _shared_memo(k)}
    kept, snap.memo = snap.memo, memo
    try:
        with _paused_gc():
            blob = zlib.compress(pickle.dumps(snap, protocol=pickle.HIGHEST_PROTOCOL), 1)
    finally:
        snap.memo = kept
    try:
        cache.set(SHARED_FACTS.format(version=snap.version), blob, timeout=SHARED_SECONDS)
        previous = cache.get(SHARED_LATEST)
        cache.set(SHARED_LATEST, snap.version, timeout=SHARED_SECONDS)
        if previous and previous != snap.version:
            cache.delete(SHARED_FACTS.format(version=previous))
    except Exception:  # the cache is down: each process reads its own facts
        logger.exception("review: could not share the facts")


def _shared(version: str | None) -> Snapshot | None:
    """The shared facts of `version` (None: the newest shared, whatever its version)."""
    try:
        version = version or cache.get(SHARED_LATEST)
        blob = cache.get(SHARED_FACTS.format(version=version)) if version else None
        if blob is None:
            return None
        with _paused_gc():
            # the shared cache is trusted: Django's backends pickle every entry anyway
            snap = pickle.loads(zlib.decompress(blob))  # noqa: S301
    except Exception:
        logger.exception("review: could not load the shared facts")
        return None
    return snap if isinstance(snap, Snapshot) and snap.version == version else None


def _load_in_background(key: str) -> None:
    global _loading
    with _lock:
        if _loading == key:
            return
        _loading = key
    threading.Thread(target=_load, args=(key,), name="review-facts", daemon=True).start()


def _load(key: str) -> None:
    global _loading
    try:
        snap = _shared(key)
        if snap is not None:
            _install(snap)
    finally:
        _loading = None
        connections.close_all()  # this thread's connections (the database cache's)


def forget() -> None:
    """Drop the facts, here and shared (tests that change data without a service)."""
    global _current
    _current = None
    cache.delete_many([SHARED_LATEST, REFRESHING])


def _pairs(rows: Sequence[tuple[Any, Any]]) -> dict[Any, set[str]]:
    out: dict[Any, set[str]] = defaultdict(set)
    for key, code in rows:
        if code is not None:
            out[key].add(str(code))
    return out


def build_snapshot() -> Snapshot:
    """Read every fact (a fixed number of queries) and reduce it to records."""
    regions = taxonomy_selectors.region_facts()
    countries = taxonomy_selectors.country_facts()
    geo = Geography.of(
        ((m49, kind, parent) for m49, kind, parent, _t, _n in regions),
        ((iso3, (r, s, i)) for iso3, _t, _n, r, s, i in countries),
    )
    names: dict[str, dict[str, tuple[str, dict[str, str]]]] = {
        "regions": {m49: (title, n) for m49, _k, _p, title, n in regions},
        "countries": {iso3: (title, n) for iso3, title, n, *_rest in countries},
    }
    order: dict[str, list[str]] = {}
    for vocabulary in ("objectives", "levels", "stakeholder_types"):
        rows = taxonomy_selectors.vocabulary_facts(vocabulary)
        names[vocabulary] = {code: (title, n) for code, title, n in rows}
        order[vocabulary] = [code for code, _t, _n in rows]
    names["regions"][WORLD] = ("World", {})  # `label` translates it

    nodes: dict[int, network.Node] = {}
    registered = org_selectors.organisation_registration_years()
    for (
        oid,
        slug,
        name,
        _acronym,
        type_code,
        level,
        iso3,
    ) in org_selectors.organisation_review_facts():
        nodes[oid] = network.Node(
            oid, slug, name, type_code, level, iso3, registered=registered.get(oid)
        )

    facts = partnership_selectors.partnership_review_facts()
    p_objectives = _pairs(facts["objectives"])
    p_levels = _pairs(facts["levels"])
    p_countries = _pairs(facts["countries"])
    members: dict[int, set[int]] = defaultdict(set)
    for pid, oid in facts["members"]:
        members[pid].add(oid)
    reports: dict[tuple[str, int], list[dt.date]] = defaultdict(list)
    year_ago = timezone.localdate() - dt.timedelta(days=365)
    fresh_goals: set[int] = set()
    for pid, plid, day, goal in facts["reports"]:
        if pid:
            reports[("partnership", pid)].append(day)
        if plid:
            reports[("pledge", plid)].append(day)
        if goal and day >= year_ago:
            fresh_goals.add(goal)
    goals_of: dict[int, list[int]] = defaultdict(list)
    for pid, goal in facts["goals"]:
        goals_of[pid].append(goal)

    records: list[Record] = []
    partnerships: dict[int, PartnershipRow] = {}
    tracked: list[trends.Tracked] = []
    started: dict[int, int] = {}
    for row in facts["partnerships"]:
        pid, slug, name, status, start, end, registered, as_of, light, score, last, lead = row[:12]
        breadth, focus, resources = row[12:15]
        orgs = members.get(pid, set()) | {lead}
        since = as_of or registered
        since = max(since, start) if start else since
        began = start or as_of or registered
        own_goals = goals_of.get(pid, [])
        partnerships[pid] = PartnershipRow(
            pid,
            slug,
            name,
            status,
            start,
            end,
            registered,
            since,
            light,
            score,
            last,
            breadth,
            focus,
            resources,
            len(own_goals),
            sum(1 for g in own_goals if g in fresh_goals),
        )
        started[pid] = began.year
        records.append(
            Record(
                "partnership",
                pid,
                frozenset(p_objectives.get(pid, ())),
                frozenset(p_levels.get(pid, ())),
                frozenset(p_countries.get(pid, ())),
                frozenset(nodes[o].type for o in orgs if o in nodes),
                began.year,
                end.year if end else None,
                frozenset(orgs),
            )
        )
        closed_on = end if status in ("completed", "cancelled") and end else None
        if status in ("completed", "cancelled") and not end:
            closed_on = timezone.localdate()
        tracked.append(
            trends.Tracked(
                "partnership",
                began,
                since,
                closed_on,
                tuple(sorted(reports.get(("partnership", pid), ()))),
            )
        )

    pl_objectives = _pairs(facts["pledge_objectives"])
    pledgers: dict[int, set[int]] = defaultdict(set)
    for plid, oid in facts["pledgers"]:
        pledgers[plid].add(oid)
    pledges: dict[int, PledgeRow] = {}
    for plid, slug, title, status, pledged_on, light, lead, partnership_id, as_of, _last in facts[
        "pledges"
    ]:
        pledges[plid] = PledgeRow(plid, slug, title, status, pledged_on, light, partnership_id)
        lead_node = nodes.get(lead)
        countries_ = p_countries.get(partnership_id, set()) if partnership_id else set()
        if not countries_ and lead_node and lead_node.country:
            countries_ = {lead_node.country}
        orgs = pledgers.get(plid, set()) | {lead}
        records.append(
            Record(
                "pledge",
                plid,
                frozenset(pl_objectives.get(plid, ())),
                frozenset({lead_node.level} if lead_node else ()),
                frozenset(countries_),
                frozenset(nodes[o].type for o in orgs if o in nodes),
                pledged_on.year,
                None,
                frozenset(orgs),
            )
        )
        since = max(as_of or pledged_on, pledged_on) if as_of else pledged_on
        closed_on = timezone.localdate() if status in ("fulfilled", "withdrawn") else None
        tracked.append(
            trends.Tracked(
                "pledge",
                pledged_on,
                since,
                closed_on,
                tuple(sorted(reports.get(("pledge", plid), ()))),
            )
        )

    k = knowledge_selectors.practice_review_facts()
    k_objectives = _pairs(k["objectives"])
    k_levels = _pairs(k["levels"])
    k_countries = _pairs(k["countries"])
    k_types = _pairs(k["stakeholder_types"])
    k_orgs: dict[int, set[int]] = defaultdict(set)
    for prid, oid in k["organisations"]:
        k_orgs[prid].add(oid)
    practices: dict[int, PracticeRow] = {}
    for prid, slug, title, period_start, period_end, published_at in k["practices"]:
        practices[prid] = PracticeRow(prid, slug, title, period_start)
        types = k_types.get(prid) or {nodes[o].type for o in k_orgs.get(prid, ()) if o in nodes}
        first = period_start or (published_at.year if published_at else None)
        records.append(
            Record(
                "practice",
                prid,
                frozenset(k_objectives.get(prid, ())),
                frozenset(k_levels.get(prid, ())),
                frozenset(k_countries.get(prid, ())),
                frozenset(types),
                first,
                period_end,
                frozenset(k_orgs.get(prid, ())),
            )
        )
    return Snapshot(
        records=records,
        geo=geo,
        nodes=nodes,
        memberships=[(pid, oid) for pid, orgs in members.items() for oid in orgs],
        partnerships=partnerships,
        pledges=pledges,
        practices=practices,
        tracked=tracked,
        started=started,
        names=names,
        order=order,
    )


# --- labels ------------------------------------------------------------------------------------


def label(snap: Snapshot, vocabulary: str, code: str) -> str:
    """The name of `code` in the active language ("Not stated" for coverage.NOT_STATED)."""
    if code == coverage.NOT_STATED:
        return _("Not stated")
    if vocabulary == "regions" and code == WORLD:
        return _("World")  # in the reader's language, not the one the facts were read in
    title, names = snap.names.get(vocabulary, {}).get(code, (code, {}))
    if vocabulary == "objectives":
        return f"{code}. {pick(names, title)}"
    return pick(names, title)


def short_label(snap: Snapshot, vocabulary: str, code: str) -> str:
    if vocabulary == "objectives":
        return code
    return label(snap, vocabulary, code)


# --- coverage ----------------------------------------------------------------------------------

AXES = ("objective", "level", "region", "type")
VOCABULARY_OF = {
    "objective": "objectives",
    "level": "levels",
    "region": "regions",
    "type": "stakeholder_types",
}


def region_exists(snap: Snapshot, m49: str) -> bool:
    return m49 in snap.geo.kind


def country_exists(snap: Snapshot, iso3: str) -> bool:
    return iso3 in snap.geo.country_regions


def objective_exists(snap: Snapshot, number: str) -> bool:
    return number in snap.names["objectives"]


def axis_values(snap: Snapshot, axis: str, within: str = WORLD) -> list[str]:
    """The values an axis shows: every objective, level or type (and "not stated" when a record
    lacks one); for regions the children of `within` (the five M49 regions under the world)."""
    if axis == "region":
        return snap.geo.children(within) or [within]
    codes = list(snap.order[VOCABULARY_OF[axis] if axis != "objective" else "objectives"])
    return [*codes, coverage.NOT_STATED]


@dataclass
class CoverageView:
    rows: str
    cols: str
    within: str
    filters: Filters
    table: coverage.Table
    row_labels: list[tuple[str, str]]
    col_labels: list[tuple[str, str]]


def coverage_view(
    *,
    rows: str = "objective",
    cols: str = "region",
    within: str = WORLD,
    filters: Filters = EVERYTHING,
) -> CoverageView:
    """A coverage table: `rows` × `cols` (two of AXES), regions under `within` (memoised on
    the snapshot: the same table is not counted twice between two changes)."""
    snap = snapshot()
    key = ("coverage", rows, cols, within, filters, get_language())
    found = snap.memo.get(key)
    if found is not None:
        return found
    selected = coverage.select(snap.records, snap.geo, filters)
    row_values = axis_values(snap, rows, within)
    col_values = axis_values(snap, cols, within)
    table = coverage.table(
        selected, snap.geo, rows=rows, cols=cols, row_values=row_values, col_values=col_values
    )
    # drop the "not stated" row/column when nothing is in it
    keep_rows = [v for v in row_values if v != coverage.NOT_STATED or v in table.row_totals]
    keep_cols = [v for v in col_values if v != coverage.NOT_STATED or v in table.col_totals]
    table.rows, table.cols = keep_rows, keep_cols
    view = CoverageView(
        rows,
        cols,
        within,
        filters,
        table,
        [(v, label(snap, VOCABULARY_OF[rows], v)) for v in keep_rows],
        [(v, label(snap, VOCABULARY_OF[cols], v)) for v in keep_cols],
    )
    _remember(snap, key, view)
    return view


def _remember(snap: Snapshot, key: Any, value: Any) -> None:
    """Keep `value` on the snapshot, within a bounded number of entries (what the refresh
    computes is kept: a bounded number too, and the costliest to redo)."""
    if len(snap.memo) > NETWORK_MEMO:
        entries = list(snap.memo.items())  # at once: other requests' threads add to it
        kept = {k: v for k, v in entries if k in KEPT or _shared_memo(k)}
        snap.memo.clear()
        snap.memo.update(kept)
    snap.memo[key] = value


def coverage_cube_rows() -> list[dict[str, Any]]:
    """Every non-empty (objective, level, region, stakeholder type) cell: the open-data table."""
    snap = snapshot()
    cube = snap.memo.get("cube")
    if cube is None:
        cube = snap.memo["cube"] = coverage.cube(snap.records, snap.geo)
    return [
        {
            "objective": int(o) if o else None,
            "level": lv or None,
            "region": g,
            "stakeholder_type": t or None,
            "partnerships": c["partnership"],
            "pledges": c["pledge"],
            "practices": c["practice"],
        }
        for (o, lv, g, t), c in sorted(
            cube.items(), key=lambda kv: (int(kv[0][0] or 0), kv[0][1], kv[0][2], kv[0][3])
        )
    ]


# --- gaps --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapView:
    gap: gaps.Gap
    objective: str
    level: str
    region: str
    parent: str
    parent_label: str


def gap_list(
    *, region_kind: str = "leaf", within: str = "", objective: str = "", level: str = ""
) -> list[GapView]:
    """Every gap at `region_kind` depth (or among the children of `within`), most isolated
    first, optionally for one objective or level."""
    snap = snapshot()
    key = ("gaps", region_kind, within, objective, level, get_language())
    remembered = snap.memo.get(key)
    if remembered is not None:
        return remembered
    regions = snap.geo.children(within) if within else snap.geo.of_kind(region_kind)
    objectives = [objective] if objective else snap.order["objectives"]
    levels = snap.order["levels"]
    found = gaps.find_gaps(
        snap.records, snap.geo, objectives=objectives, levels=levels, regions=regions
    )
    if level:
        found = [g for g in found if g.level == level]
    views = [
        GapView(
            g,
            label(snap, "objectives", g.objective),
            label(snap, "levels", g.level),
            label(snap, "regions", g.region),
            snap.geo.parent.get(g.region, ""),
            label(snap, "regions", snap.geo.parent.get(g.region, "") or WORLD),
        )
        for g in found
    ]
    _remember(snap, key, views)
    return views


@dataclass(frozen=True)
class CountryGapView:
    gap: gaps.CountryGap
    objective: str
    region: str


def country_gap_list(iso3: str) -> list[CountryGapView]:
    snap = snapshot()
    found = gaps.country_gaps(
        snap.records, snap.geo, country=iso3, objectives=snap.order["objectives"]
    )
    return [
        CountryGapView(g, label(snap, "objectives", g.objective), label(snap, "regions", g.region))
        for g in found
    ]


# --- network -----------------------------------------------------------------------------------


def _scope_partnerships(snap: Snapshot, scope: tuple[str, str]) -> set[int]:
    kind, code = scope
    if kind == "world":
        return set(snap.partnerships)
    if kind == "country":
        match = lambda r: code in r.countries  # noqa: E731
    elif kind == "region":
        countries = snap.geo.countries_in(code)
        match = lambda r: bool(r.countries & countries)  # noqa: E731
    else:
        match = lambda r: code in r.objectives  # noqa: E731
    return {r.id for r in snap.records if r.kind == "partnership" and match(r)}


def network_facts(
    scope: tuple[str, str] = ("world", ""), *, snap: Snapshot | None = None
) -> network.Facts:
    """The network of the whole directory (`("world", "")`: every organisation a node, so the
    isolated ones show), or of the organisations in the scope's partnerships, whose brokers are
    ranked by their betweenness in the whole network (what they connect, not only inside the
    scope; and one betweenness per data change, not one per report)."""
    snap = snap or snapshot()
    found = snap.memo.get(("network", scope))
    if found is None:
        found = _network_facts(snap, scope, _scope_memberships(snap, scope))
    return found


def _scope_memberships(snap: Snapshot, scope: tuple[str, str]) -> list[tuple[int, int]]:
    """The memberships of the scope's partnerships, of organisations in the directory."""
    if scope[0] == "world":
        memberships = snap.memberships
    else:
        pids = _scope_partnerships(snap, scope)
        memberships = [(p, o) for p, o in snap.memberships if p in pids]
    return _known(snap, memberships)


def _known(snap: Snapshot, memberships: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if all(o in snap.nodes for _p, o in memberships):
        return memberships
    return [(p, o) for p, o in memberships if o in snap.nodes]


def _network_facts(
    snap: Snapshot,
    scope: tuple[str, str],
    memberships: list[tuple[int, int]],
    weights: Counter[tuple[int, int]] | None = None,
) -> network.Facts:
    if scope[0] == "world":
        found = network.measures(list(snap.nodes.values()), memberships, weights=weights)
    else:
        wide = network_facts(("world", ""), snap=snap)
        ids = {o for _p, o in memberships}
        nodes = [snap.nodes[o] for o in sorted(ids) if o in snap.nodes]
        found = network.measures(nodes, memberships, scores=_scores(wide), weights=weights)
    _remember(snap, ("network", scope), found)
    return found


def picture_layout(
    scope: tuple[str, str] = ("world", ""),
    limit: int = PICTURE_LIMIT,
    *,
    snap: Snapshot | None = None,
) -> network.Picture:
    """The shape of the scope's network picture (`network.picture`: the most connected
    organisations of its largest connected group, their links and positions), in no language;
    memoised with the facts."""
    snap = snap or snapshot()
    found = snap.memo.get(("layout", scope, limit))
    if found is None:
        memberships = _scope_memberships(snap, scope)
        found = _picture_layout(snap, scope, limit, network.edge_weights(memberships))
    return found


def _picture_layout(
    snap: Snapshot, scope: tuple[str, str], limit: int, weights: Counter[tuple[int, int]]
) -> network.Picture:
    facts = network_facts(scope, snap=snap)
    found = network.picture(weights, facts.components[0] if facts.components else (), limit)
    _remember(snap, ("layout", scope, limit), found)
    return found


def report_scopes(snap: Snapshot) -> dict[tuple[str, str], set[int]]:
    """Every region that has records (any kind; the world's M49 code too) and every objective,
    with the partnerships of each (`_scope_partnerships`, in one pass over the records)."""
    geo = snap.geo
    out: dict[tuple[str, str], set[int]] = {
        ("objective", o): set() for o in snap.order["objectives"]
    }
    for r in snap.records:
        known = [geo.country_regions[c] for c in r.countries if c in geo.country_regions]
        if not known:
            continue
        regions = {WORLD}.union(*known)
        for m49 in regions:
            pids = out.setdefault(("region", m49), set())
            if r.kind == "partnership":
                pids.add(r.id)
        if r.kind == "partnership":
            for o in r.objectives:
                if ("objective", o) in out:
                    out[("objective", o)].add(r.id)
    return out


def report_networks(snap: Snapshot) -> None:
    """The network measures and picture layout of the world and of every region and objective
    that has a report (`report_scopes`), memoised on `snap`: the refresh's work after a write, so
    that no such report's first render computes them (3–4 s at 20k partnerships, README
    "Performance"; a country's, smaller, is left to its report's first render)."""
    picture_layout(snap=snap)
    members: dict[int, list[int]] = defaultdict(list)
    for p, o in _known(snap, snap.memberships):
        members[p].append(o)
    for scope, pids in report_scopes(snap).items():
        memberships = [(p, o) for p in pids for o in members.get(p, ())]
        weights = network.edge_weights(memberships)
        if ("network", scope) not in snap.memo:
            _network_facts(snap, scope, memberships, weights)
        if ("layout", scope, PICTURE_LIMIT) not in snap.memo:
            _picture_layout(snap, scope, PICTURE_LIMIT, weights)


def _scores(facts: network.Facts) -> network.Scores:
    return network.Scores(facts.betweenness, facts.exact, facts.sources, facts.errors)


def network_history(
    years: Sequence[int], *, snap: Snapshot | None = None
) -> list[network.YearFacts]:
    snap = snap or snapshot()
    key = ("history", tuple(years))
    if key not in snap.memo:
        whole = network_facts(("world", ""), snap=snap)
        snap.memo[key] = network.history(
            list(snap.nodes.values()),
            snap.memberships,
            snap.started,
            years,
            latest=(_scores(whole), whole.links),
        )
    return snap.memo[key]


def network_history_rows(years: Sequence[int]) -> list[dict[str, Any]]:
    """`network_history` as plain rows for the page and the API, each year's brokers with their
    names (`organisation_brief`) and betweenness rounded."""
    return [
        {
            **{f: getattr(y, f) for f in _YEAR_FIELDS},
            "brokers": [
                {
                    **organisation_brief(b.id),
                    "betweenness": round(b.betweenness, 6),
                    "degree": b.degree,
                    "error": _rounded(b.error),
                }
                for b in y.brokers
            ],
            "brokers_exact": y.brokers_exact,
            "brokers_sources": y.brokers_sources,
            "brokers_error": _rounded(max((b.error or 0.0 for b in y.brokers), default=0.0))
            if y.brokers and not y.brokers_exact
            else None,
        }
        for y in network_history(years)
    ]


def _rounded(error: float | None) -> float | None:
    return round(error, 3) if error is not None else None


_YEAR_FIELDS = (
    "year",
    "organisations_linked",
    "links",
    "components",
    "largest_component",
    "cross_level_share",
    "cross_type_share",
    "isolated",
)


def organisation_brief(oid: int) -> dict[str, str]:
    """What a page says about an organisation in the network: name, slug, type, level (no
    person: organisations are public)."""
    snap = snapshot()
    node = snap.nodes[oid]
    return {
        "slug": node.slug,
        "name": node.name,
        "type": label(snap, "stakeholder_types", node.type),
        "level": label(snap, "levels", node.level),
        "country": label(snap, "countries", node.country) if node.country else "",
    }


def pair_labels(
    pairs: Sequence[tuple[tuple[str, str], int]], vocabulary: str, limit: int = 8
) -> list[dict[str, Any]]:
    snap = snapshot()
    return [
        {"a": label(snap, vocabulary, a), "b": label(snap, vocabulary, b), "links": n}
        for (a, b), n in pairs[:limit]
    ]


def network_picture_data(
    scope: tuple[str, str] = ("world", ""), limit: int = PICTURE_LIMIT
) -> tuple[list[Any], list[tuple[int, int, int]], list[str]]:
    """The most connected organisations of the scope's largest connected group, laid out for
    `charts.network_picture`: dots, links among them and the legend (governance levels), in
    the active language. The layout (`picture_layout`) is shared by every language; this is
    memoised per language."""
    from . import charts

    snap = snapshot()
    key = ("picture", scope, limit, get_language())
    found = snap.memo.get(key)
    if found is not None:
        return found
    shape = picture_layout(scope, limit, snap=snap)
    levels = snap.order["levels"]
    dots = []
    for oid in shape.ids:
        node = snap.nodes[oid]
        x, y = shape.positions[oid]
        links = shape.degree[oid]
        dots.append(
            charts.Dot(
                oid,
                node.name,
                x,
                y,
                levels.index(node.level) if node.level in levels else len(levels),
                3 + 6 * links / shape.top,
                _("%(name)s: %(links)s links") % {"name": node.name, "links": links},
            )
        )
    legend = [label(snap, "levels", lv) for lv in levels]
    found = (dots, shape.links, legend)
    _remember(snap, key, found)
    return found


# --- trends ------------------------------------------------------------------------------------


def trend_years(snap: Snapshot | None = None, span: int = 10) -> list[int]:
    this_year = timezone.localdate().year
    snap = snap or snapshot()
    first = min((t.started.year for t in snap.tracked), default=this_year)
    return list(range(max(first, this_year - span + 1), this_year + 1))


def trend_rows(years: Sequence[int] | None = None) -> list[trends.Year]:
    snap = snapshot()
    years = list(years) if years else trend_years(snap)
    key = ("trends", tuple(years))
    if key not in snap.memo:
        snap.memo[key] = trends.yearly(
            snap.tracked,
            years,
            today=timezone.localdate(),
            light_on=partnership_selectors.light_on,
        )
    return snap.memo[key]


# --- reports -----------------------------------------------------------------------------------

LIST_LIMIT = 50


@dataclass
class Report:
    kind: str  # "country" | "region" | "objective"
    code: str
    title: str
    coverage: CoverageView
    partnerships: list[PartnershipRow]
    partnerships_total: int
    pledges: list[PledgeRow]
    pledges_total: int
    practices: list[PracticeRow]
    practices_total: int
    lights: dict[str, int]
    average_score: int | None
    country_gaps: list[CountryGapView]
    gaps: list[GapView]
    network: network.Facts
    brokers: list[dict[str, Any]]
    region: str = ""  # a country's sub-region (for the link "its region")
    region_label: str = ""
    parent: str = ""
    parent_label: str = ""
    countries: list[dict[str, Any]] = field(default_factory=list)
    version: str = ""  # the version of the facts it was made from


def report(kind: str, code: str) -> Report | None:
    """The review of one country (ISO3), region (M49) or objective (number); None if unknown."""
    snap = snapshot()
    if kind == "country":
        if not country_exists(snap, code):
            return None
        filters = Filters(country=code)
        title = label(snap, "countries", code)
        cov = coverage_view(rows="objective", cols="level", filters=filters)
    elif kind == "region":
        if not region_exists(snap, code):
            return None
        filters = Filters(region=code)
        title = label(snap, "regions", code)
        if snap.geo.children(code):
            cov = coverage_view(rows="objective", cols="region", within=code, filters=filters)
        else:
            cov = coverage_view(rows="objective", cols="level", filters=filters)
    elif kind == "objective":
        if not objective_exists(snap, code):
            return None
        filters = Filters(objective=code)
        title = label(snap, "objectives", code)
        cov = coverage_view(rows="region", cols="level", filters=filters)
    else:
        return None
    selected = coverage.select(snap.records, snap.geo, filters)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for r in selected:
        by_kind[r.kind].append(r.id)
    plist = sorted(
        (snap.partnerships[i] for i in by_kind["partnership"]), key=lambda p: (-p.score, p.name)
    )
    pledges = sorted(
        (snap.pledges[i] for i in by_kind["pledge"]),
        key=lambda p: (p.pledged_on, p.id),
        reverse=True,
    )
    practices = sorted((snap.practices[i] for i in by_kind["practice"]), key=lambda p: p.title)
    light_counts = Counter(p.light for p in plist)
    open_ = [p for p in plist if p.light != "closed"]
    scope = (kind, code)
    facts = network_facts(scope)
    brokers = [
        {**organisation_brief(b.id), "betweenness": round(b.betweenness, 3), "degree": b.degree}
        for b in facts.brokers[:5]
    ]
    out = Report(
        kind=kind,
        code=code,
        title=title,
        coverage=cov,
        partnerships=plist[:LIST_LIMIT],
        partnerships_total=len(plist),
        pledges=pledges[:LIST_LIMIT],
        pledges_total=len(pledges),
        practices=practices[:LIST_LIMIT],
        practices_total=len(practices),
        lights={c: light_counts.get(c, 0) for c in ("green", "amber", "red", "closed")},
        average_score=round(sum(p.score for p in open_) / len(open_)) if open_ else None,
        country_gaps=country_gap_list(code) if kind == "country" else [],
        gaps=[],
        network=facts,
        brokers=brokers,
        version=snap.version,
    )
    if kind == "country":
        out.region = gaps.home_region(snap.geo, code)
        out.region_label = label(snap, "regions", out.region) if out.region else ""
    elif kind == "region":
        out.gaps = gap_list(within=code)[:25] if snap.geo.children(code) else []
        out.countries = _region_countries(snap, code, selected)
        out.parent = snap.geo.parent.get(code, "")
        out.parent_label = label(snap, "regions", out.parent) if out.parent else ""
    else:
        out.gaps = gap_list(objective=code)[:25]
    return out


def _region_countries(snap: Snapshot, m49: str, selected: list[Record]) -> list[dict[str, Any]]:
    """The region's countries with their partnerships and practices, by name."""
    inside = snap.geo.countries_in(m49)
    counts: dict[str, Counter[str]] = {c: Counter() for c in inside}
    for r in selected:
        for c in r.countries & inside:
            counts[c][r.kind] += 1
    return sorted(
        (
            {
                "code": c,
                "label": label(snap, "countries", c),
                "partnerships": n["partnership"],
                "pledges": n["pledge"],
                "practices": n["practice"],
            }
            for c, n in counts.items()
        ),
        key=lambda row: str(row["label"]),
    )


def light_labels() -> dict[str, str]:
    """The status lights' names (the registry's own words)."""
    return {k: str(v) for k, v in partnership_selectors.LIGHT_LABELS.items()}


def region_choices() -> list[tuple[str, str]]:
    """Every M49 region, for the filters (indented by depth)."""
    snap = snapshot()
    out = [(WORLD, label(snap, "regions", WORLD))]

    def walk(m49: str, depth: int) -> None:
        for child in sorted(snap.geo.children(m49), key=lambda c: label(snap, "regions", c)):
            out.append((child, "\u2003" * depth + label(snap, "regions", child)))
            walk(child, depth + 1)

    walk(WORLD, 0)
    return out


def choices(vocabulary: str) -> list[tuple[str, str]]:
    snap = snapshot()
    if vocabulary == "countries":
        return sorted(
            ((c, label(snap, "countries", c)) for c in snap.names["countries"]), key=lambda x: x[1]
        )
    return [(c, label(snap, vocabulary, c)) for c in snap.order[vocabulary]]


# --- checking what clients ask for -------------------------------------------------------------


def filters_from(
    *,
    country: str = "",
    region: str = "",
    objective: str = "",
    level: str = "",
    type: str = "",
    year_from: int | None = None,
    year_to: int | None = None,
    kinds: Sequence[str] = (),
) -> Filters:
    """`Filters` from an API client's parameters, every code checked: `NotFound` (404) naming
    each unknown code, never a silently empty table (a well-formed request for a country the
    registry does not know is not malformed: 422 stays for what the document refuses)."""
    snap = snapshot()
    problems: dict[str, list[str]] = {}
    country = country.upper()
    checks = {
        "country": (country, country_exists(snap, country)),
        "region": (region, region_exists(snap, region)),
        "objective": (objective, objective_exists(snap, objective)),
        "level": (level, level in snap.order["levels"]),
        "type": (type, type in snap.order["stakeholder_types"]),
    }
    for name, (value, known) in checks.items():
        if value and not known:
            problems[name] = [_("Unknown code: %(code)s.") % {"code": value[:20]}]
    if problems:
        raise NotFound(_("Some filters name nothing the registry knows."), fields=problems)
    unknown_kinds = [k for k in kinds if k not in coverage.KINDS]
    if unknown_kinds:
        problems["kinds"] = [_("Choose among %(kinds)s.") % {"kinds": ", ".join(coverage.KINDS)}]
    if problems:
        raise ValidationFailed(_("Some filters are not valid."), fields=problems)
    return Filters(
        country=country,
        region=region,
        objective=objective,
        level=level,
        type=type,
        year_from=year_from,
        year_to=year_to,
        kinds=tuple(kinds) or coverage.KINDS,
    )


def check_region(within: str, field_name: str = "within") -> str:
    if within and not region_exists(snapshot(), within):
        raise NotFound(
            _("Unknown region: %(code)s.") % {"code": within[:20]},
            fields={field_name: [_("Unknown code: %(code)s.") % {"code": within[:20]}]},
        )
    return within
