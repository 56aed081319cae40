"""Explainable matching of a request for support to organisations and offers, and the consortium
builder. Pure: plain data in, plain data out (no Django), so that it is property-tested and
benchmarked on its own (bench/hub_bench.py).

Ranking organisations
---------------------
Each candidate gets eight components, each a value in [0, 1], and the score is their weighted
sum (the weights sum to 1, `WEIGHTS`). Every component moves the ranking in one documented
direction, all else equal (tests/test_matching.py checks each):

=============  ======  ============================================================================
component      weight  value (higher is better)
=============  ======  ============================================================================
objectives     0.25    share of the request's GCM objectives in the organisation's expertise
geography      0.15    1 works in the request's country, 0.6 in its sub-region, 0.4 in its
                       region, 0.2 global reach (a global-level organisation), else 0
level          0.10    1 at a governance level the request spans, 0.5 at an adjacent level, else 0
type           0.10    1 of a stakeholder type the requester prefers, 0 otherwise; 0.5 for every
                       type when the requester names none
track record   0.15    0.7 × volume + 0.3 × mean scorecard / 100, where volume =
                       min(1, (active + 2 × completed + published practices) / 5) on the
                       request's objectives, reduced by half the share of inactive partnerships
load           0.05    1 / (1 + open partnerships and proposals / 3): busy organisations rank lower
language       0.10    1 if it works in a language the requester asked for (or none was asked),
                       else 0
text           0.10    likeness of the request's title and need to the organisation's profile
                       and to the published practices it took part in (0.8 of a profile's),
                       from the search engine (its hybrid ranking of words and sentence vectors
                       where vectors are configured, its lexical ranking otherwise), scaled so
                       that the best candidate has 1
=============  ======  ============================================================================

`OrganisationTable` holds the features of every organisation as numpy arrays, built once from
plain rows (`OrganisationRow`); `rank` scores all of them in a handful of vector operations
(about a millisecond for 10k organisations) and explains the top ones. `rank_reference` is the
same formula written one organisation at a time: the brute-force reference tests and the
benchmark compare against.

Ranking offers: `rank_offers`, the same idea on an offer's objectives, regions, languages and
kinds (see its docstring).

The consortium builder: `build_consortium` (see its docstring for the algorithm and guarantee).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

WEIGHTS: dict[str, float] = {
    "objectives": 0.25,
    "geography": 0.15,
    "level": 0.10,
    "type": 0.10,
    "track_record": 0.15,
    "load": 0.05,
    "language": 0.10,
    "text": 0.10,
}
COMPONENTS = tuple(WEIGHTS)
GEO_COUNTRY, GEO_SUBREGION, GEO_REGION, GEO_GLOBAL = 1.0, 0.6, 0.4, 0.2
LEVEL_ORDER = ("local", "national", "regional", "global")
NEUTRAL_TYPE = 0.5
OBJECTIVES = 23
# whole-of-society: a consortium must include one of these (GCM guiding principle 10)
WHOLE_OF_SOCIETY = frozenset({"civil-society", "migrant-diaspora"})
FUNDER_TYPES = frozenset({"philanthropy"})
MIN_TYPES = 3
MAX_CONSORTIUM = 8


# --- plain data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFacts:
    """What matching needs of a request: codes only."""

    country: str  # ISO 3166 alpha-3
    subregion: str = ""  # UN M49
    region: str = ""  # UN M49
    objectives: frozenset[int] = frozenset()
    levels: frozenset[str] = frozenset()
    partner_types: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    requester_id: int | None = None

    @property
    def seeks_funding(self) -> bool:
        return "funding" in self.kinds


@dataclass(frozen=True)
class OrganisationRow:
    """What matching needs of an organisation: its profile and its record, as codes and counts.

    `active`, `completed`, `inactive` and `practices` map a GCM objective number to how many of
    the organisation's partnerships (as an active member) or published practices are on it;
    `score` is its partnerships' mean scorecard (0-100); `load` how many open partnerships and
    pending proposals it is in; `funder` whether it funds (a philanthropy, or an open funding
    offer)."""

    id: int
    name: str
    type: str
    level: str
    countries: frozenset[str] = frozenset()  # home country and countries of operation
    subregions: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    objectives: frozenset[int] = frozenset()
    languages: frozenset[str] = frozenset()
    active: Mapping[int, int] = field(default_factory=dict)
    completed: Mapping[int, int] = field(default_factory=dict)
    inactive: Mapping[int, int] = field(default_factory=dict)
    practices: Mapping[int, int] = field(default_factory=dict)
    score: float = 0.0
    load: int = 0
    funder: bool = False


@dataclass(frozen=True)
class Match:
    """One ranked organisation: its score and each component's value and weight."""

    id: int
    name: str
    type: str
    level: str
    score: float
    components: dict[str, float]
    objectives: frozenset[int]
    funder: bool

    def explained(self) -> list[tuple[str, float, float, float]]:
        """(component, value, weight, contribution) in the order of `COMPONENTS`."""
        return [
            (c, self.components[c], WEIGHTS[c], self.components[c] * WEIGHTS[c]) for c in COMPONENTS
        ]


# --- components, one organisation at a time (the reference) ----------------------------------


def objectives_value(request: RequestFacts, org: OrganisationRow) -> float:
    if not request.objectives:
        return 0.0
    return len(request.objectives & org.objectives) / len(request.objectives)


def geography_value(request: RequestFacts, org: OrganisationRow) -> float:
    if request.country in org.countries:
        return GEO_COUNTRY
    if request.subregion and request.subregion in org.subregions:
        return GEO_SUBREGION
    if request.region and request.region in org.regions:
        return GEO_REGION
    if org.level == "global":
        return GEO_GLOBAL
    return 0.0


def level_value(request: RequestFacts, org: OrganisationRow) -> float:
    if org.level in request.levels:
        return 1.0
    if org.level in LEVEL_ORDER:
        i = LEVEL_ORDER.index(org.level)
        near = {LEVEL_ORDER[j] for j in (i - 1, i + 1) if 0 <= j < len(LEVEL_ORDER)}
        if near & request.levels:
            return 0.5
    return 0.0


def type_value(request: RequestFacts, org: OrganisationRow) -> float:
    if not request.partner_types:
        return NEUTRAL_TYPE
    return 1.0 if org.type in request.partner_types else 0.0


def track_record_value(request: RequestFacts, org: OrganisationRow) -> float:
    active = sum(org.active.get(o, 0) for o in request.objectives)
    completed = sum(org.completed.get(o, 0) for o in request.objectives)
    inactive = sum(org.inactive.get(o, 0) for o in request.objectives)
    practices = sum(org.practices.get(o, 0) for o in request.objectives)
    volume = min(1.0, (active + 2 * completed + practices) / 5)
    total = active + completed + inactive
    if total:
        volume *= 1 - 0.5 * inactive / total
    return 0.7 * volume + 0.3 * min(max(org.score, 0.0), 100.0) / 100


def load_value(org: OrganisationRow) -> float:
    return 1 / (1 + max(org.load, 0) / 3)


def language_value(request: RequestFacts, org: OrganisationRow) -> float:
    if not request.languages:
        return 1.0
    return 1.0 if request.languages & org.languages else 0.0


def rank_reference(
    request: RequestFacts,
    orgs: Sequence[OrganisationRow],
    text: Mapping[int, float] | None = None,
    *,
    limit: int = 20,
) -> list[Match]:
    """The brute-force reference: every component of every organisation, one at a time."""
    text = text or {}
    best_text = max(text.values(), default=0.0)
    matches = []
    for org in orgs:
        if org.id == request.requester_id:
            continue
        components = {
            "objectives": objectives_value(request, org),
            "geography": geography_value(request, org),
            "level": level_value(request, org),
            "type": type_value(request, org),
            "track_record": track_record_value(request, org),
            "load": load_value(org),
            "language": language_value(request, org),
            "text": text.get(org.id, 0.0) / best_text if best_text > 0 else 0.0,
        }
        score = sum(WEIGHTS[c] * v for c, v in components.items())
        matches.append(_match(org, score, components))
    matches.sort(key=lambda m: (-m.score, m.id))
    return matches[:limit]


def _match(org: OrganisationRow, score: float, components: dict[str, float]) -> Match:
    return Match(
        id=org.id,
        name=org.name,
        type=org.type,
        level=org.level,
        score=round(score, 6),
        components={c: round(v, 6) for c, v in components.items()},
        objectives=org.objectives,
        funder=org.funder,
    )


# --- the same, vectorised over every organisation ---------------------------------------------


class OrganisationTable:
    """Every organisation's features as arrays (built once, reused for every request)."""

    def __init__(self, rows: Iterable[OrganisationRow]) -> None:
        self.rows: list[OrganisationRow] = list(rows)
        n = len(self.rows)
        self.index = {row.id: i for i, row in enumerate(self.rows)}
        self.ids = np.array([r.id for r in self.rows], dtype=np.int64)
        self.types = sorted({r.type for r in self.rows})
        type_pos = {t: i for i, t in enumerate(self.types)}
        self.type_idx = np.array([type_pos[r.type] for r in self.rows], dtype=np.int32)
        self.levels = sorted({r.level for r in self.rows} | set(LEVEL_ORDER))
        level_pos = {lv: i for i, lv in enumerate(self.levels)}
        self.level_idx = np.array([level_pos[r.level] for r in self.rows], dtype=np.int32)
        self.languages = sorted({lang for r in self.rows for lang in r.languages})
        lang_pos = {lang: i for i, lang in enumerate(self.languages)}
        self.lang = np.zeros((n, max(len(self.languages), 1)), dtype=bool)
        shape = (n, OBJECTIVES + 1)  # column o is objective o (column 0 unused)
        self.objectives = np.zeros(shape, dtype=np.float64)
        self.active = np.zeros(shape, dtype=np.float64)
        self.completed = np.zeros(shape, dtype=np.float64)
        self.inactive = np.zeros(shape, dtype=np.float64)
        self.practices = np.zeros(shape, dtype=np.float64)
        self.score = np.zeros(n, dtype=np.float64)
        self.load = np.zeros(n, dtype=np.float64)
        self.is_global = np.zeros(n, dtype=bool)
        self.by_country: dict[str, list[int]] = {}
        self.by_subregion: dict[str, list[int]] = {}
        self.by_region: dict[str, list[int]] = {}
        for i, r in enumerate(self.rows):
            for o in r.objectives:
                if 0 < o <= OBJECTIVES:
                    self.objectives[i, o] = 1
            for matrix, counts in (
                (self.active, r.active),
                (self.completed, r.completed),
                (self.inactive, r.inactive),
                (self.practices, r.practices),
            ):
                for o, k in counts.items():
                    if 0 < o <= OBJECTIVES:
                        matrix[i, o] = k
            for lang in r.languages:
                self.lang[i, lang_pos[lang]] = True
            self.score[i] = min(max(r.score, 0.0), 100.0)
            self.load[i] = max(r.load, 0)
            self.is_global[i] = r.level == "global"
            for code in r.countries:
                self.by_country.setdefault(code, []).append(i)
            for code in r.subregions:
                self.by_subregion.setdefault(code, []).append(i)
            for code in r.regions:
                self.by_region.setdefault(code, []).append(i)
        self.load_component = 1 / (1 + self.load / 3)

    def __len__(self) -> int:
        return len(self.rows)

    def components(
        self, request: RequestFacts, text: Mapping[int, float] | None = None
    ) -> dict[str, np.ndarray]:
        """Every component of every organisation, as arrays in table order."""
        n = len(self.rows)
        wanted = np.zeros(OBJECTIVES + 1, dtype=np.float64)
        for o in request.objectives:
            if 0 < o <= OBJECTIVES:
                wanted[o] = 1
        k = len(request.objectives)
        objectives = (self.objectives @ wanted) / k if k else np.zeros(n)

        geography = np.where(self.is_global, GEO_GLOBAL, 0.0)
        for codes, value in (
            (self.by_region.get(request.region, ()), GEO_REGION),
            (self.by_subregion.get(request.subregion, ()), GEO_SUBREGION),
            (self.by_country.get(request.country, ()), GEO_COUNTRY),
        ):
            if codes:
                at = np.fromiter(codes, dtype=np.int64)
                geography[at] = np.maximum(geography[at], value)

        level_table = np.zeros(len(self.levels))
        for i, lv in enumerate(self.levels):
            level_table[i] = level_value(request, OrganisationRow(0, "", "", lv))
        level = level_table[self.level_idx]

        if request.partner_types:
            type_table = np.array([1.0 if t in request.partner_types else 0.0 for t in self.types])
            kind = type_table[self.type_idx] if len(self.types) else np.zeros(n)
        else:
            kind = np.full(n, NEUTRAL_TYPE)

        active = self.active @ wanted
        completed = self.completed @ wanted
        inactive = self.inactive @ wanted
        practices = self.practices @ wanted
        volume = np.minimum(1.0, (active + 2 * completed + practices) / 5)
        total = active + completed + inactive
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, inactive / np.where(total > 0, total, 1), 0.0)
        volume = volume * (1 - 0.5 * share)
        track = 0.7 * volume + 0.3 * self.score / 100

        if request.languages:
            cols = [self.languages.index(x) for x in request.languages if x in self.languages]
            language = self.lang[:, cols].any(axis=1).astype(float) if cols else np.zeros(n)
        else:
            language = np.ones(n)

        text_value = np.zeros(n)
        if text:
            best = max(text.values(), default=0.0)
            if best > 0:
                for org_id, value in text.items():
                    i = self.index.get(org_id)
                    if i is not None:
                        text_value[i] = value / best
        return {
            "objectives": objectives.astype(float),
            "geography": geography,
            "level": level,
            "type": kind,
            "track_record": track.astype(float),
            "load": self.load_component,
            "language": language,
            "text": text_value,
        }

    def rank(
        self,
        request: RequestFacts,
        text: Mapping[int, float] | None = None,
        *,
        limit: int = 20,
        pool: int = 0,
    ) -> list[Match]:
        """The `limit` best organisations for `request` (the requester excluded), explained;
        ties broken by id. `pool` > `limit` returns that many instead (the consortium's pool)."""
        if not self.rows:
            return []
        parts = self.components(request, text)
        score = sum(WEIGHTS[c] * parts[c] for c in COMPONENTS)
        assert isinstance(score, np.ndarray)
        if request.requester_id is not None and request.requester_id in self.index:
            score[self.index[request.requester_id]] = -1.0
        want = min(max(limit, pool), len(self.rows))
        if want < len(self.rows):
            top = np.argpartition(-score, want - 1)[:want]
            # every organisation within rounding of the last place competes for it
            top = np.nonzero(score >= score[top].min() - 1e-6)[0]
        else:
            top = np.arange(len(self.rows))
        # scores are shown rounded to 6 places (Python's correctly rounded `round`, as the
        # reference does); ties go by id
        rounded = {i: round(float(score[i]), 6) for i in top.tolist() if score[i] >= 0}
        order = sorted(rounded, key=lambda i: (-rounded[i], self.rows[i].id))[:want]
        return [
            _match(self.rows[i], float(score[i]), {c: float(parts[c][i]) for c in COMPONENTS})
            for i in order
        ]


# --- offers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferRow:
    id: int
    organisation_id: int
    kinds: frozenset[str]
    objectives: frozenset[int]
    regions: frozenset[str]  # UN M49; empty: anywhere
    languages: frozenset[str]


OFFER_WEIGHTS = {"kinds": 0.35, "objectives": 0.35, "geography": 0.15, "language": 0.15}


def rank_offers(
    request: RequestFacts, offers: Iterable[OfferRow], *, limit: int = 10
) -> list[tuple[OfferRow, float, dict[str, float]]]:
    """Open offers for a request, best first: the share of the kinds of support asked for that
    the offer gives (0.35), the share of the request's objectives it covers (0.35), geography
    (0.15: 1 when the offer's regions include the request's sub-region or region, 0.5 when it
    has none, i.e. anywhere, else 0), language (0.15: as for organisations). Offers with no
    kind and no objective in common are left out."""
    ranked = []
    for offer in offers:
        kinds = len(request.kinds & offer.kinds) / len(request.kinds) if request.kinds else 0.0
        objectives = (
            len(request.objectives & offer.objectives) / len(request.objectives)
            if request.objectives
            else 0.0
        )
        if not kinds and not objectives:
            continue
        if not offer.regions:
            geography = 0.5
        else:
            geography = 1.0 if {request.subregion, request.region} & offer.regions else 0.0
        language = 1.0 if not request.languages or request.languages & offer.languages else 0.0
        parts = {
            "kinds": kinds,
            "objectives": objectives,
            "geography": geography,
            "language": language,
        }
        score = round(sum(OFFER_WEIGHTS[k] * v for k, v in parts.items()), 6)
        ranked.append((offer, score, parts))
    ranked.sort(key=lambda x: (-x[1], x[0].id))
    return ranked[:limit]


# --- the consortium builder ------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A consortium member and what it brings: the request's objectives it covers (and which
    no earlier member covered), its type and level, and the requirements it fulfils."""

    id: int
    name: str
    type: str
    level: str
    score: float
    objectives: frozenset[int]
    new_objectives: frozenset[int]
    fulfils: tuple[str, ...]
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Consortium:
    members: tuple[Member, ...]
    covered: frozenset[int]
    missing: frozenset[int]
    requirements: dict[str, bool]  # requirement -> met
    core_size: int = 0  # the first members: the smallest set meeting the requirements

    @property
    def feasible(self) -> bool:
        return all(self.requirements.values())


def requirements_of(request: RequestFacts) -> list[str]:
    """The hard requirements a consortium for `request` must meet: whole-of-society, at least
    three stakeholder types, a funder when funding is sought, and every governance level the
    request spans when it spans more than one."""
    wanted = ["whole_of_society", "three_types"]
    if request.seeks_funding:
        wanted.append("funder")
    if len(request.levels) > 1:
        wanted += [f"level:{lv}" for lv in sorted(request.levels)]
    return wanted


def _fulfils(c: Match, requirement: str) -> bool:
    if requirement == "whole_of_society":
        return c.type in WHOLE_OF_SOCIETY
    if requirement == "funder":
        return c.funder
    if requirement.startswith("level:"):
        return c.level == requirement[6:]
    return False


def requirements_met(request: RequestFacts, members: Sequence[Match]) -> dict[str, bool]:
    met = {}
    for r in requirements_of(request):
        if r == "three_types":
            met[r] = len({m.type for m in members}) >= MIN_TYPES
        else:
            met[r] = any(_fulfils(m, r) for m in members)
    return met


def _signature(c: Match, request: RequestFacts) -> tuple[str, str, bool]:
    return (c.type, c.level, c.funder and request.seeks_funding)


def _core(
    request: RequestFacts, classes: dict[tuple[str, str, bool], Match], size: int
) -> list[Match] | None:
    """The smallest set of at most `size` candidates (one per signature class) that meets every
    hard requirement, by exhaustive depth-first search; None if none exists."""
    wanted = requirements_of(request)
    reps = list(classes.values())

    def unmet(chosen: list[Match]) -> list[str]:
        met = requirements_met(request, chosen)
        return [r for r in wanted if not met[r]]

    def lower_bound(chosen: list[Match], missing: list[str]) -> int:
        # each member has one level and one type: at least this many more are needed
        levels = sum(1 for r in missing if r.startswith("level:"))
        types = max(0, MIN_TYPES - len({m.type for m in chosen}))
        return max(levels, types, 1 if missing else 0)

    best: list[Match] | None = None

    def search(chosen: list[Match], limit: int) -> bool:
        nonlocal best
        missing = unmet(chosen)
        if not missing:
            best = list(chosen)
            return True
        if len(chosen) + lower_bound(chosen, missing) > limit:
            return False
        # branch on the requirement with the fewest candidates that fulfil it: any solution
        # contains one of them, so the search stays complete
        taken = {_signature(m, request) for m in chosen}
        types = {m.type for m in chosen}

        def helps(c: Match, r: str) -> bool:
            if r == "three_types":
                return c.type not in types
            return _fulfils(c, r)

        options = []
        for r in missing:
            fit = [c for c in reps if _signature(c, request) not in taken and helps(c, r)]
            options.append((len(fit), r, fit))
        options.sort(key=lambda x: x[0])
        _n, r, fit = options[0]
        # try candidates that fulfil most of what is missing first (a good first solution)
        fit.sort(key=lambda c: (-sum(helps(c, x) for x in missing), -c.score, c.id))
        for c in fit:
            chosen.append(c)
            if search(chosen, limit):
                return True
            chosen.pop()
        return False

    # iterative deepening: the first size that succeeds is the smallest
    for limit in range(0, size + 1):
        if search([], limit):
            return best
    return None


def _core_partial(request: RequestFacts, reps: list[Match], size: int) -> list[Match]:
    """When no consortium meets every requirement: one member at a time, the representative
    meeting most of the requirements still unmet, while that helps."""
    chosen: list[Match] = []
    while len(chosen) < size:
        met = requirements_met(request, chosen)
        missing = [r for r, ok in met.items() if not ok]
        types = {m.type for m in chosen}

        gains = {
            c.id: sum(
                (c.type not in types) if r == "three_types" else _fulfils(c, r) for r in missing
            )
            for c in reps
            if c not in chosen
        }
        options = [c for c in reps if gains.get(c.id, 0) > 0]
        if not options:
            break
        chosen.append(max(options, key=lambda c: (gains[c.id], c.score, -c.id)))
    return chosen


def build_consortium(request: RequestFacts, candidates: Sequence[Match], size: int) -> Consortium:
    """A consortium of at most `size` organisations from `candidates` (ranked matches) for
    `request`.

    Algorithm (two phases):

    1. **Requirements, exactly.** The hard requirements (`requirements_of`: a civil-society or
       migrant/diaspora organisation, at least three stakeholder types, a funder when funding is
       sought, each governance level when the request spans several) depend only on a member's
       (type, level, funder) signature. Candidates are grouped by signature, the best of each
       group (most of the request's objectives, then highest score) stands for it, and an
       iterative-deepening depth-first search over these representatives finds the *smallest*
       core that meets every requirement. It branches on the requirement the fewest
       representatives fulfil (any solution contains one of them), so it is exhaustive; with at
       most 17 types × 4 levels × 2 signatures and `size` ≤ 8 it is also fast.
    2. **Objectives, greedily.** The remaining `size − |core|` places go, one at a time, to the
       candidate covering most of the request's objectives not yet covered (ties: more new
       stakeholder types, then higher match score). Stopping once nothing new is covered except
       to reach three members.

    Guarantees (checked on random inputs against brute force in tests/test_matching.py):

    - If *any* set of at most `size` candidates meets every hard requirement, the consortium
      does (phase 1 is exact). Otherwise `requirements` says which one could not be met.
    - Given its core, the objectives covered are at least (1 − 1/e) ≈ 63% of the most that
      any `size − |core|` further candidates could cover (greedy maximum coverage, Nemhauser,
      Wolsey & Fisher 1978); the core is the smallest possible, leaving the most places.
    - At most `size` members, each once, each from `candidates`; the requester is never one.

    Each member carries what it brings: the objectives it covers (and which are new), its type
    and level, the requirements it fulfils, and a proposed role.
    """
    size = max(1, min(size, MAX_CONSORTIUM))
    pool = [c for c in candidates if c.id != request.requester_id]
    pool = list({c.id: c for c in pool}.values())
    wanted = request.objectives

    def coverage(c: Match) -> int:
        return len(c.objectives & wanted)

    classes: dict[tuple[str, str, bool], Match] = {}
    for c in sorted(pool, key=lambda c: (-coverage(c), -c.score, c.id)):
        classes.setdefault(_signature(c, request), c)
    core = _core(request, classes, size)
    if core is None:  # not every requirement can be met: meet as many as the places allow
        core = _core_partial(request, list(classes.values()), size)

    chosen: list[Match] = list(core)
    chosen_ids = {c.id for c in chosen}
    covered: set[int] = set().union(*(c.objectives & wanted for c in chosen)) if chosen else set()
    while len(chosen) < size:
        types = {c.type for c in chosen}
        best = None
        best_key: tuple[float, ...] | None = None
        for c in pool:
            if c.id in chosen_ids:
                continue
            key = (len((c.objectives & wanted) - covered), c.type not in types, c.score, -c.id)
            if best_key is None or key > best_key:
                best, best_key = c, key
        if best is None or best_key is None:
            break
        if best_key[0] == 0 and len(chosen) >= MIN_TYPES:
            break
        chosen.append(best)
        chosen_ids.add(best.id)
        covered |= best.objectives & wanted

    members = []
    seen: set[int] = set()
    for c in chosen:
        mine = c.objectives & wanted
        fulfils = tuple(
            r for r in requirements_of(request) if r != "three_types" and _fulfils(c, r)
        )
        members.append(
            Member(
                id=c.id,
                name=c.name,
                type=c.type,
                level=c.level,
                score=c.score,
                objectives=frozenset(mine),
                new_objectives=frozenset(mine - seen),
                fulfils=fulfils,
                roles=_roles(c, request),
            )
        )
        seen |= mine
    return Consortium(
        members=tuple(members),
        covered=frozenset(seen),
        missing=frozenset(wanted - seen),
        requirements=requirements_met(request, chosen),
        core_size=len(core),
    )


def _roles(c: Match, request: RequestFacts) -> tuple[str, ...]:
    """The partnership role proposed for a member (partnerships' Role codes)."""
    if c.funder and request.seeks_funding:
        return ("funding",)
    if c.type in ("migrant-diaspora",):
        return ("migrant_representative",)
    if c.type in ("academia", "international-organisation"):
        return ("technical",)
    return ("implementing",)


def coverage_optimum(request: RequestFacts, candidates: Sequence[Match], k: int) -> int:
    """Brute force: the most of the request's objectives any `k` candidates cover (tests and
    benchmark only: exponential)."""
    best = 0
    for group in itertools.combinations(candidates, min(k, len(candidates))):
        best = max(
            best, len(request.objectives & frozenset().union(*(c.objectives for c in group)))
        )
    return best


def feasible_reference(request: RequestFacts, candidates: Sequence[Match], k: int) -> bool:
    """Brute force: whether any set of at most `k` candidates meets every hard requirement."""
    for n in range(0, min(k, len(candidates)) + 1):
        for group in itertools.combinations(candidates, n):
            if all(requirements_met(request, group).values()):
                return True
    return False


GREEDY_BOUND = 1 - 1 / math.e
