"""What every backend does: match, filter, count facets, rank, highlight.

One search, whatever the database:

1. The facet bitsets it needs (document kinds, filtered facets, counted facets) come from a
   per-process cache checked against `search_facet_bitmap.version` with one small query, so they
   are never stale and are read from the database only after a write (see `bitmaps.py`).
2. The database finds the ids of the documents matching every word of the query (its full-text
   index over the analysed text, `analysis.py`; cheap even for tens of thousands of matches), once
   per search. As a bitset, ANDed with the kinds and the filters (OR within a facet, AND across),
   they are the matches: their popcount is the total and each facet value's count is one AND and
   one popcount.
3. Graceful degradation: when fewer than `FEW` documents match every word of a query of two or
   more words (a need written as a sentence, "help families find a relative who went missing on
   the route"), the documents matching *any* word are the matches instead (one full-text query per
   word, so the engine knows which words each document has). They are ranked by the database's
   score over the any-word query (bm25 on SQLite, idf-weighted `ts_rank` on PostgreSQL) times the
   share of the query's words the document has (coordination), so the best partial matches come
   first and the documents with every word lead. The result says so (`match == "some"`).
4. Ranking: each term stores values beside every posting (PostgreSQL: the term's `ts_rank`;
   SQLite: its weighted frequency and the document's length), from which every match is scored
   in numpy (`impact_scores`): the exact ranking, no text read. Where they are missing (an
   index from before them), up to `RANK_ALL` matches are all scored by the database.
   Past that, the candidates are the champions of the query's terms among the matches
   (`topk.py`: per term, the documents where it weighs most), with the documents having the most
   words of an any-word query; the database scores the candidates exactly. On the benchmark's
   100k documents the top 20 is the exhaustive ranking's to 99% (README). Matches beyond the
   candidates follow, newest first, for deep pages.
5. Titles and snippets are highlighted for the returned page only, in Python (`query.Marker`).

An empty query lists the documents newest first (`sort_date`, then id), paged by the database.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from threading import Lock
from typing import NamedTuple

import numpy as np

from .. import bitmaps, topk
from ..query import Marker, ParsedQuery, marked_to_html

KIND_FACET = "~kind"  # as in search.services
FEW = 10
"""Fewer matches of every word than this (a page's worth) and the words are ORed instead."""
RANK_ALL = 1000
"""Up to this many matches, every match is scored."""
FEW_FACET_IDS = 256
"""Facet counts of at most this many given documents are read by id, not from the bitmaps."""
EXPANSIONS = 32
"""A prefix brings the champions of at most this many index terms (the commonest) it begins."""
POSTINGS_TERMS = 256
"""A word is matched from its terms' stored postings while its prefix begins at most this many
index terms; past that, by the full-text index."""
PRERANK = 1000
"""Candidates scored exactly, at most (or five times the end of the page asked for): the best by
the bound of their score that the champion lists give."""
SCORE_FIRST = 200
"""Where scoring costs per candidate, the first round scores this many (or twice the page's
end), the best bounds; the rest only while their bounds could still beat the top."""
BOUND_SLACK = 1.001
"""Scoring stops only when the top's last exact score beats the best bound left by this factor:
the impacts are stored in float32. (A prefix's bound sums only its EXPANSIONS commonest terms;
on the benchmark's 100k documents no exact score exceeded its bound.)"""
SOME, ALL = "some", "all"


@dataclass
class Hit:
    document_id: int
    kind: str
    object_id: int
    title_html: str
    snippet_html: str
    score: float


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    match: str = ALL  # "some": fewer than FEW documents had every word; these have some of them
    all_words: int = 0  # how many matches have every word (when match == "some")
    words: list[str] = field(default_factory=list)  # the words searched, as typed
    matched: int = 0  # the bitset of the matches (hybrid ranking tells added documents apart)


class BitmapCache:
    """Facet bitsets by (database, facet, value), each with the version it was read at, and each
    facet's `bitmaps.Family` of them, kept while none of its values changes (its packed copy
    for counting is built once per change, not per search)."""

    def __init__(self):
        self._entries: dict[tuple, tuple[int, int]] = {}
        self._families: dict[tuple, tuple[tuple, bitmaps.Family]] = {}
        self._lock = Lock()

    def load(self, conn, facets) -> dict[str, bitmaps.Family]:
        """{facet: {value: bitset}} for `facets`, as of the database's current versions."""
        facets = sorted(set(facets))
        database = (conn.alias, str(conn.settings_dict.get("NAME")))
        placeholders = ", ".join(["%s"] * len(facets))
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT facet, value, version FROM search_facet_bitmap"
                f" WHERE facet IN ({placeholders})",
                facets,
            )
            current = cursor.fetchall()
            stale = sorted(
                {
                    facet
                    for facet, value, version in current
                    if self._entries.get((database, facet, value), (None,))[0] != version
                }
            )
            if stale:
                cursor.execute(
                    "SELECT facet, value, version, bits FROM search_facet_bitmap"
                    f" WHERE facet IN ({', '.join(['%s'] * len(stale))})",
                    stale,
                )
                fresh = cursor.fetchall()
                with self._lock:
                    for facet, value, version, bits in fresh:
                        self._entries[(database, facet, value)] = (
                            version,
                            bitmaps.from_bytes(bits),
                        )
        versions: dict[str, list[tuple[str, int]]] = {facet: [] for facet in facets}
        for facet, value, version in current:
            versions[facet].append((value, version))
        result: dict[str, bitmaps.Family] = {}
        for facet, rows in versions.items():
            signature = tuple(sorted(rows))
            kept = self._families.get((database, facet))
            if kept is not None and kept[0] == signature:
                result[facet] = kept[1]
                continue
            family = bitmaps.Family()
            for value, version in signature:
                entry = self._entries.get((database, facet, value))
                if entry is None or entry[0] != version:
                    # written between the two queries: read again rather than guess
                    return self.load(conn, facets)
                family[value] = entry[1]
            with self._lock:
                self._families[(database, facet)] = (signature, family)
            result[facet] = family
        return result


CACHE = BitmapCache()


@dataclass
class Matches:
    """What a search matched: the bitset, whether all or some words, and for an any-word search
    each group's bitset (which words each document has)."""

    bits: int
    match: str = ALL
    all_words: int = 0
    groups: list[int] = field(default_factory=list)
    documents: int = 0  # documents in the index (idf)


class ChampionList(NamedTuple):
    """A query group's champions (`Backend.champion_lists`)."""

    ids: np.ndarray  # ascending
    bounds: np.ndarray  # the bound of each one's impact
    floor: float  # the bound of any other document's impact
    # each index term's own list, by id: (term, ids, impacts, floor); where `impacts_exact`
    terms: list[tuple[str, np.ndarray, np.ndarray, float]]


class Backend:
    """Subclasses supply the vendor SQL: the full-text match of an expression, the exact scores
    of candidates, and the schema."""

    prefix_terms_add = False  # whether the score sums the index terms a prefix matches
    score_rounds = False  # whether scoring costs per candidate (else per query): `score_best`
    impacts_exact = False  # whether a stored impact is the score function's own share: `known`
    value_width = 0  # float32 values each term keeps per posting (Term.impacts; 0: none kept)

    def __init__(self, conn):
        self.conn = conn
        # The facet bitsets this backend has read. A backend serves one search (`backend_for`):
        # its steps (hybrid's scope of the vectors, the ranking, the counts of the documents
        # hybrid adds) check the facets' versions once, not each time.
        self._sets: dict[str, bitmaps.Family] = {}

    def sets(self, facets) -> dict[str, bitmaps.Family]:
        """{facet: {value: bitset}} for `facets`: as this backend first read them, the others
        from the cache as of the database's current versions (`BitmapCache.load`)."""
        facets = list(dict.fromkeys(facets))
        missing = [f for f in facets if f not in self._sets]
        if missing:
            self._sets.update(CACHE.load(self.conn, missing))
        return {f: self._sets[f] for f in facets}

    # -- schema ---------------------------------------------------------------------------
    def install(self) -> None:
        raise NotImplementedError

    def uninstall(self) -> None:
        raise NotImplementedError

    def impact(self, title_tf: int, body_tf: int, length: int, avgdl: float) -> float:
        """A term's share of this database's score in a document (champion lists, `topk.py`)."""
        raise NotImplementedError

    def weight(self, documents: int, df: int) -> float:
        """A group's weight in this database's score: its idf."""
        raise NotImplementedError

    def posting_values(self, title_tf, body_tf, length, avgdl: float) -> np.ndarray:
        """What a term keeps beside each of its postings (`value_width` float32 each, numbers or
        arrays), from which `stored_scores` scores every match without reading any text."""
        raise NotImplementedError

    def stored_scores(
        self, parsed: ParsedQuery, per_group: list, ids: np.ndarray, size: int, found: Matches
    ) -> np.ndarray:
        """The score of each of `ids` (before coordination), from `per_group`: per query group,
        the (ids, values) each index term its main stem stands for keeps (`posting_values`);
        `size`: past the highest id."""
        raise NotImplementedError

    # -- query ----------------------------------------------------------------------------
    def filter_sql(self, kinds, filters: dict[str, list[str]]) -> tuple[str, list]:
        """SQL conditions on `d` (search_document): kind in kinds, and per facet any of the values."""
        clauses, params = [], []
        if kinds:
            clauses.append(f"d.kind IN ({', '.join(['%s'] * len(kinds))})")
            params.extend(kinds)
        for facet, values in sorted(filters.items()):
            placeholders = ", ".join(["%s"] * len(values))
            clauses.append(
                "d.id IN (SELECT document_id FROM search_facet"
                f" WHERE facet = %s AND value IN ({placeholders}))"
            )
            params.extend([facet, *values])
        return " AND ".join(clauses) or "1=1", params

    def search(
        self,
        parsed: ParsedQuery,
        *,
        kinds=(),
        filters=None,
        facets=(),
        limit=20,
        offset=0,
        match: str | None = None,
        highlight: bool = True,
    ) -> SearchResult:
        """`match` forces all-word (ALL) or any-word (SOME) matching; by default any-word
        matching takes over when fewer than FEW documents have every word. Without
        `highlight`, ranked hits carry only their document id and score (hybrid ranking
        highlights the page it keeps)."""
        kinds = list(kinds)
        facets = list(dict.fromkeys(facets))
        filters = {
            facet: list(dict.fromkeys(str(v) for v in values if v))
            for facet, values in (filters or {}).items()
        }
        filters = {facet: values for facet, values in filters.items() if values}
        sets = self.sets([KIND_FACET, *filters, *facets])
        by_kind = sets[KIND_FACET]
        everything = bitmaps.union(by_kind.values())
        scope = bitmaps.union(by_kind[k] for k in kinds if k in by_kind) if kinds else everything
        for facet, values in filters.items():
            scope &= bitmaps.union(sets[facet][v] for v in values if v in sets[facet])
        found = Matches(scope, documents=everything.bit_count())
        if not parsed.empty and scope:
            found = self.matches(parsed, scope, found.documents, match)
        matched = found.bits
        total = matched.bit_count()
        counts = {}
        for facet in facets:
            counts[facet] = sorted(
                sets[facet].counts(matched), key=lambda item: (-item[1], item[0])
            )
        hits: list[Hit] = []
        if total > offset and limit > 0:
            if parsed.empty:
                hits = self.newest_page(kinds, filters, limit, offset)
            else:
                hits = self.ranked_page(parsed, found, total, limit, offset, highlight)
        return SearchResult(
            hits=hits,
            total=total,
            facets=counts,
            match=found.match,
            all_words=found.all_words if found.match == SOME else total,
            words=parsed.words,
            matched=matched,
        )

    def matches(
        self, parsed: ParsedQuery, scope: int, documents: int, match: str | None
    ) -> Matches:
        stored = self.group_postings(parsed)
        if stored is not None:  # each word's documents read from its terms' postings
            groups = [bits & scope for bits in stored]
            every = scope
            for bits in groups:
                every &= bits
            if match != SOME and (match == ALL or len(groups) < 2 or every.bit_count() >= FEW):
                return Matches(every, ALL, every.bit_count(), documents=documents)
            anyword = bitmaps.union(groups)
            if anyword == every and match != SOME:
                return Matches(every, ALL, every.bit_count(), documents=documents)
            return Matches(anyword, SOME, every.bit_count(), groups, documents)
        # A prefix standing for too many terms: the full-text index matches.
        if match != SOME:
            every = self.match_ids(self.all_expression(parsed)) & scope
            if match == ALL or len(parsed.groups) < 2 or every.bit_count() >= FEW:
                return Matches(every, ALL, every.bit_count(), documents=documents)
        else:
            every = None
        groups = [self.match_ids(self.group_expression(g)) & scope for g in parsed.groups]
        if every is None:
            every = scope
            for bits in groups:
                every &= bits
        anyword = bitmaps.union(groups)
        if anyword == every and match != SOME:
            return Matches(every, ALL, every.bit_count(), documents=documents)
        return Matches(anyword, SOME, every.bit_count(), groups, documents)

    def scope(self, kinds=(), filters=None, facets=()) -> int:
        """The bitset of documents within `kinds` and `filters` (as `search` filters); the
        bitsets of `facets` are read with them, for the search that follows."""
        kinds = list(kinds)
        filters = {
            facet: [str(v) for v in values if v] for facet, values in (filters or {}).items()
        }
        filters = {facet: values for facet, values in filters.items() if values}
        sets = self.sets([KIND_FACET, *filters, *facets])
        by_kind = sets[KIND_FACET]
        scope = (
            bitmaps.union(by_kind[k] for k in kinds if k in by_kind)
            if kinds
            else bitmaps.union(by_kind.values())
        )
        for facet, values in filters.items():
            scope &= bitmaps.union(sets[facet][v] for v in values if v in sets[facet])
        return scope

    def facet_counts_of(self, facets, ids) -> dict[str, dict[str, int]]:
        """Per facet, per value, how many of the documents `ids` have it.

        A few documents (hybrid ranking adds a handful the words missed) are looked up by id:
        counting against every value's bitmap costs a pass over all of them (about 1 ms at 100k)."""
        ids = list(ids)
        facets = list(facets)
        if not ids or not facets:
            return {}
        if len(ids) <= FEW_FACET_IDS:
            counts: dict[str, dict[str, int]] = {facet: {} for facet in facets}
            marks = ", ".join(["%s"] * len(ids))
            named = [f for f in facets if f != KIND_FACET]
            with self.conn.cursor() as cursor:
                if named:
                    cursor.execute(
                        "SELECT facet, value, COUNT(*) FROM search_facet"
                        f" WHERE document_id IN ({marks})"
                        f" AND facet IN ({', '.join(['%s'] * len(named))}) GROUP BY facet, value",
                        [*ids, *named],
                    )
                    for facet, value, count in cursor.fetchall():
                        counts[facet][value] = int(count)
                if KIND_FACET in counts:  # the kinds are the documents' own, not facet rows
                    cursor.execute(
                        f"SELECT kind, COUNT(*) FROM search_document WHERE id IN ({marks})"
                        " GROUP BY kind",
                        ids,
                    )
                    counts[KIND_FACET] = {kind: int(n) for kind, n in cursor.fetchall()}
            return counts
        bits = bitmaps.from_ids(ids)
        sets = self.sets(facets)
        return {facet: dict(values.counts(bits)) for facet, values in sets.items()}

    def ranked_page(
        self, parsed, found: Matches, total: int, limit: int, offset: int, highlight: bool = True
    ) -> list[Hit]:
        matched = found.bits
        every = self.impact_scores(parsed, found)
        if every is not None:
            ranked = best_of(*every, offset + limit)
        else:
            if total <= RANK_ALL:
                scores = self.score(parsed, bitmaps.descending(matched), found)
            else:
                ids, bounds, known = self.candidates(parsed, found, offset + limit)
                scores = self.score_best(parsed, ids, bounds, found, offset + limit, known)
            ranked = sorted(scores.items(), key=lambda item: (-item[1], -item[0]))
        page = ranked[offset : offset + limit]
        if len(page) < limit and total > len(ranked):
            rest = matched & ~bitmaps.from_ids([i for i, _ in ranked])
            skip = max(0, offset - len(ranked))
            page += [(i, 0.0) for i in bitmaps.descending(rest, skip, limit - len(page))]
        if not highlight:
            return [Hit(i, "", 0, "", "", score) for i, score in page]
        return self.highlight(parsed, page)

    def impact_scores(
        self, parsed: ParsedQuery, found: Matches
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Every match's exact score, from the values stored beside its terms' postings (ids
        ascending, scores): what `score` computes, from each group's main stem's index terms'
        values (`stored_scores`), without reading any text. None where no values are kept
        (`value_width`) or not for every term (an index from before them, a prefix past
        POSTINGS_TERMS)."""
        if not self.value_width or parsed.impacts is None:
            return None
        wanted = self._expansions(parsed)
        ids = bitmaps.ids_of(found.bits)
        per_group = []
        size = int(ids[-1]) + 1 if len(ids) else 0
        for group in parsed.groups:
            stored = []
            for term, _ in wanted.get(group.primary, []):
                postings, impacts = parsed.impacts.get(term, (b"", b""))
                term_ids = bitmaps.posting_ids(postings)
                values = topk.decode_impacts(impacts, self.value_width)
                if len(values) != len(term_ids):
                    return None
                stored.append((term_ids, values))
                size = max(size, int(term_ids[-1]) + 1 if len(term_ids) else 0)
            per_group.append(stored)
        scores = self.stored_scores(parsed, per_group, ids, size, found)
        if found.groups:  # as `score` computes it: times the share of the groups matched
            share = sum(bitmaps.contains(bits, ids).astype(np.int64) for bits in found.groups)
            scores = scores * share / len(parsed.groups)
        return ids, scores

    def score_best(
        self,
        parsed,
        ids: list[int],
        bounds: list[float],
        found: Matches,
        needed: int,
        known: dict[int, float] | None = None,
    ) -> dict[int, float]:
        """The exact scores of the candidates `ids` (best bound first) that can reach the top
        `needed`. `known`: the candidates whose exact score the champion lists already give
        (`term_values`); the database scores only the others. Where scoring costs the database
        per candidate (`score_rounds`), they are scored in rounds (SCORE_FIRST or twice `needed`,
        then twice as many each time), and the rest left out once the `needed`-th best exact
        score beats the best bound left by BOUND_SLACK: no candidate left could enter the top.
        Otherwise all at once."""
        scores = dict(known or {})
        rest = [(i, b) for i, b in zip(ids, bounds, strict=True) if i not in scores]
        if not self.score_rounds or (not scores and len(rest) <= SCORE_FIRST):
            scores.update(self.score(parsed, [i for i, _ in rest], found))
            return scores
        start, size = 0, max(SCORE_FIRST, 2 * needed)
        while start < len(rest):
            if len(scores) >= needed:
                kth = heapq.nlargest(needed, scores.values())[-1]
                if kth > rest[start][1] * BOUND_SLACK:
                    break
            scores.update(self.score(parsed, [i for i, _ in rest[start : start + size]], found))
            start += size
            size *= 2
        return scores

    def candidates(
        self, parsed: ParsedQuery, found: Matches, needed: int
    ) -> tuple[list[int], list[float], dict[int, float]]:
        """The matches worth scoring exactly, at most max(PRERANK, 5 x needed) of them, best
        bound first, with their bounds, and the exact scores of those the lists already give
        (`term_values`).

        They are drawn from the champions of the query's terms among the matches (for an
        any-word search also the documents with the most words; when that is too few for the
        page, the newest matches up to RANK_ALL: a narrow filter can leave few champions), and
        ordered by an upper bound of their score from the impacts the champion lists store:
        per group, its weight (idf) times the document's impact, or the list's floor where the
        document is no champion."""
        matched = found.bits
        lists = self.champion_lists(parsed)
        chosen = matched & bitmaps.from_ids(
            np.concatenate([champions.ids for champions in lists]) if lists else []
        )
        if found.groups:  # the documents with the most words, while they stay few enough
            for level in reversed(coordination_levels(found.groups, matched)):
                if (chosen | level).bit_count() > 2 * topk.CHAMPIONS:
                    break
                chosen |= level
        if chosen.bit_count() < max(needed, FEW):
            chosen |= bitmaps.from_ids(bitmaps.descending(matched & ~chosen, 0, RANK_ALL))
        ids = bitmaps.descending(chosen)
        wanted = max(PRERANK, 5 * needed)
        if len(ids) <= wanted and (not self.score_rounds or len(ids) <= SCORE_FIRST):
            return ids, [math.inf] * len(ids), {}  # all scored at once: no bound needed
        weights = [self.weight(found.documents, df) for df in self.document_frequencies(parsed)]
        candidates = np.asarray(ids, dtype=np.int64)
        exact = self.term_values(parsed, lists, candidates)
        bound = np.zeros(len(candidates))
        share = np.full(len(candidates), len(parsed.groups))
        for g, champions in enumerate(lists):
            if exact is not None:
                values = exact[0][g]
            else:
                values = np.full(len(candidates), champions.floor)
                if len(champions.ids):
                    at = np.minimum(
                        np.searchsorted(champions.ids, candidates), len(champions.ids) - 1
                    )
                    hit = champions.ids[at] == candidates
                    values[hit] = champions.bounds[at[hit]]
            if found.groups:
                member = bitmaps.contains(found.groups[g], candidates)
                values = values * member
                share -= ~member
            bound += weights[g] * values
        if found.groups:  # as `score` computes it, so that known and scored compare exactly
            bound = bound * share / len(parsed.groups)
        best = np.lexsort((-candidates, -bound))[:wanted]  # ties: the newest first
        if len(lists) < len(parsed.groups) or any(not len(c.ids) and not c.floor for c in lists):
            # A word without stored lists (an index older than them): no bound holds.
            return candidates[best].tolist(), [math.inf] * len(best), {}
        known = {}
        if exact is not None:
            mask = exact[1][best]
            known = dict(
                zip(candidates[best][mask].tolist(), bound[best][mask].tolist(), strict=True)
            )
        return candidates[best].tolist(), bound[best].tolist(), known

    def term_values(
        self, parsed: ParsedQuery, lists: list[ChampionList], candidates: np.ndarray
    ) -> tuple[list[np.ndarray], np.ndarray] | None:
        """Per group, each candidate's impact or its bound, and which candidates' impacts are
        all exact; None where the lists cannot tell (`impacts_exact` off, matches not read
        from postings, a prefix past EXPANSIONS terms).

        Where a stored impact is the score function's own share of a term (`ts_rank` on
        PostgreSQL), the postings tell which of a group's terms a candidate has: a term it
        lacks adds nothing (not the list's floor), a term whose champion it is adds its stored
        impact, and only a term it has without being a champion adds the floor, as a bound.
        A candidate that is a champion of every term it has is scored from the lists, the sum
        `score` computes (known), and costs the database no `tsvector` read; the bounds of the
        others are tighter, so the rounds of `score_best` stop sooner."""
        if not self.impacts_exact or parsed.postings is None:
            return None
        wanted = self._expansions(parsed)
        known = np.ones(len(candidates), dtype=bool)
        per_group = []
        for group, champions in zip(parsed.groups, lists, strict=True):
            if len(wanted.get(group.primary, [])) > len(champions.terms):
                return None  # a prefix past EXPANSIONS: some of its terms' lists unread
            value = np.zeros(len(candidates))
            for term, ids, impacts, floor in champions.terms:
                has = bitmaps.contains(parsed.postings.get(term, 0), candidates)
                hit = np.zeros(len(candidates), dtype=bool)
                if len(ids):
                    at = np.minimum(np.searchsorted(ids, candidates), len(ids) - 1)
                    hit = ids[at] == candidates
                    value[hit] += impacts[at[hit]]
                uncertain = has & ~hit
                value[uncertain] += floor
                known &= ~uncertain
            per_group.append(value)
        return per_group, known

    def exhaustive(self, parsed: ParsedQuery, k: int = 20, *, kinds=()) -> list[int]:
        """The top k ids by scoring every match (the reference of the top-k ranking: bench and
        tests). Matches as `search` does, without filters."""
        sets = self.sets([KIND_FACET])
        everything = bitmaps.union(sets[KIND_FACET].values())
        scope = (
            bitmaps.union(sets[KIND_FACET][k] for k in kinds if k in sets[KIND_FACET])
            if kinds
            else everything
        )
        found = self.matches(parsed, scope, everything.bit_count(), None)
        scores = self.score(parsed, bitmaps.descending(found.bits), found)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], -item[0]))
        return [i for i, _ in ranked[:k]]

    def champion_lists(self, parsed: ParsedQuery) -> list[ChampionList]:
        """Per group, its champions (ids, ascending) with the bound of their impact (over each of
        the EXPANSIONS commonest index terms a prefix begins), the bound of any other
        document's impact (the sum of the lists' floors), and each term's own list."""
        wanted = self._expansions(parsed)
        per_group = [[t for t, _ in wanted.get(g.primary, [])[:EXPANSIONS]] for g in parsed.groups]
        names = sorted({t for terms in per_group for t in terms})
        stored = {
            term: (float(floor), data)
            for term, (floor, data) in self.term_columns(names, "floor, champions").items()
        }
        lists = []
        for terms in per_group:
            # A prefix's terms add up in a document (ts_rank sums a prefix's lexemes; for bm25
            # the sum bounds the prefix's share). Where a document is no champion of a full
            # list, its impact is at most the list's floor; a list that is not full holds every
            # document with the term (floor 0). So the bound is the sum of the floors, plus the
            # document's excess over the floor in each list that has it.
            present = [t for t in terms if t in stored]
            decoded = [topk.decode_arrays(stored[t][1]) for t in present]
            ids = np.concatenate([d[0] for d in decoded]) if decoded else np.empty(0, np.int64)
            if self.prefix_terms_add:
                floor = sum(stored[t][0] for t in present)
                excess = [d[1] - stored[t][0] for t, d in zip(present, decoded, strict=True)]
                ids, where = np.unique(ids, return_inverse=True)
                weights = np.concatenate(excess) if excess else np.empty(0)
                bounds = floor + np.bincount(where, weights=weights, minlength=len(ids))
            else:  # bm25 saturates: a prefix's share is about its best term's
                floor = max((stored[t][0] for t in present), default=0.0)
                impacts = np.concatenate([d[1] for d in decoded]) if decoded else np.empty(0)
                order = np.lexsort((-impacts, ids))  # by id, the best impact first
                ids, first = np.unique(ids[order], return_index=True)
                bounds = impacts[order][first]
            # Each term's own list, by id, only where `term_values` reads it.
            own = [
                (t, *by_id(*d), stored[t][0])
                for t, d in zip(present, decoded, strict=True)
                if self.impacts_exact
            ]
            lists.append(ChampionList(ids, bounds, floor, own))
        return lists

    def term_columns(self, names: list[str], columns: str) -> dict[str, tuple]:
        """{term: (its `columns`,)} of the index terms `names` that exist, in one statement."""
        if not names:
            return {}
        with self.conn.cursor() as cursor:
            cursor.execute(
                f"SELECT term, {columns} FROM search_term"
                f" WHERE term IN ({', '.join(['%s'] * len(names))})",
                names,
            )
            return {row[0]: row[1:] for row in cursor.fetchall()}

    def group_postings(self, parsed: ParsedQuery) -> list[int] | None:
        """Per group, the bitset of the documents it matches, from the stored postings of the
        index terms it stands for (the union of a prefix's terms and of the other stems): one
        read of a few rows instead of the full-text index's scan (8-11 ms at 100k documents on
        PostgreSQL, tens of thousands of ids returned). The same documents as the full-text
        match (tests/test_postings.py). None when a prefix stands for more than POSTINGS_TERMS
        terms: reading them all would cost more than the scan."""
        wanted = self._expansions(parsed)
        per_group: list[set[str]] = []
        for group in parsed.groups:
            first = group.primary
            if group.prefix:
                names = {t for t, _ in wanted.get(first, []) if t.startswith(first)}
                if len(names) > POSTINGS_TERMS:
                    return None
            else:
                names = {first}
            per_group.append(names | set(group.terms[1:]))
        every = sorted(set().union(*per_group))
        rows = self.term_columns(every, "postings, impacts" if self.value_width else "postings")
        stored = {term: bitmaps.decode_postings(row[0]) for term, row in rows.items()}
        parsed.postings = stored
        if self.value_width:  # each term's values, for `impact_scores`
            parsed.impacts = {term: (bytes(row[0]), bytes(row[1])) for term, row in rows.items()}
        return [bitmaps.union(stored.get(t, 0) for t in names) for names in per_group]

    def document_frequencies(self, parsed: ParsedQuery) -> list[int]:
        """Per group, how many documents have its main stem (summed over a prefix's terms)."""
        wanted = self._expansions(parsed)
        return [sum(n for _, n in wanted.get(g.primary, [])) for g in parsed.groups]

    def known(self, parsed: ParsedQuery) -> list[bool]:
        """Per group, whether the index has a term it matches."""
        wanted = self._expansions(parsed)
        return [any(wanted.get(t) for t in g.terms) for g in parsed.groups]

    def _expansions(self, parsed: ParsedQuery) -> dict[str, list[tuple[str, int]]]:
        """For each term of the query, the index terms it stands for with their document counts,
        commonest first (the term itself, or those it is a prefix of); one query, memoised on
        the parsed query."""
        if parsed.expansions is not None:
            return parsed.expansions
        conditions, params = [], []
        prefixes, exact = set(), set()
        for group in parsed.groups:
            for n, term in enumerate(group.terms):
                if group.prefix and not n:
                    prefixes.add(term)
                    conditions.append("(term >= %s AND term < %s)")
                    params += [term, term[:-1] + chr(ord(term[-1]) + 1)]
                else:
                    exact.add(term)
                    conditions.append("term = %s")
                    params.append(term)
        rows: list[tuple[str, int]] = []
        if conditions:
            with self.conn.cursor() as cursor:
                cursor.execute(
                    "SELECT term, documents FROM search_term"
                    f" WHERE documents > 0 AND ({' OR '.join(conditions)})",
                    params,
                )
                rows = [(t, int(n)) for t, n in cursor.fetchall()]
        rows.sort(key=lambda row: (-row[1], row[0]))
        result: dict[str, list[tuple[str, int]]] = {t: [] for t in prefixes | exact}
        for term, n in rows:
            for wanted in prefixes:
                if term.startswith(wanted):
                    result[wanted].append((term, n))
            if term in exact:
                result[term].append((term, n))
        parsed.expansions = result
        return result

    # -- vendor SQL -------------------------------------------------------------------------
    def all_expression(self, parsed: ParsedQuery) -> str:
        """The full-text expression matching every group (any term within a group)."""
        raise NotImplementedError

    def any_expression(self, parsed: ParsedQuery) -> str:
        """The full-text expression matching any term of any group."""
        raise NotImplementedError

    def group_expression(self, group) -> str:
        raise NotImplementedError

    def match_ids(self, expression: str) -> int:
        """The bitset of the documents matching a full-text expression."""
        raise NotImplementedError

    def score(self, parsed: ParsedQuery, ids: list[int], found: Matches) -> dict[int, float]:
        """The exact score of each candidate (all match): for an all-word search the database's
        ranking of the query; for an any-word search the ranking of the any-word query times the
        share of the query's groups the document matches."""
        raise NotImplementedError

    # -- pages ------------------------------------------------------------------------------
    def documents(self, ids: list[int]) -> dict[int, tuple]:
        """(id, kind, object_id, title, body, language) of each of `ids` still indexed."""
        if not ids:
            return {}
        with self.conn.cursor() as cursor:
            cursor.execute(
                "SELECT d.id, d.kind, d.object_id, d.title, d.body, d.language"
                f" FROM search_document d WHERE d.id IN ({', '.join(['%s'] * len(ids))})",
                ids,
            )
            return {row[0]: row for row in cursor.fetchall()}

    def highlight(
        self,
        parsed: ParsedQuery,
        page: list[tuple[int, float]],
        read: dict[int, tuple] | None = None,
    ) -> list[Hit]:
        """Hits for `page` (ids and scores, in order), matches marked in title and snippet; a
        document deleted since it was matched is left out. `read`: documents already read
        (`documents`), the others are read here."""
        if not page:
            return []
        read = read or {}
        rows = {**read, **self.documents([i for i, _ in page if i not in read])}
        hits = []
        markers: dict[str, Marker] = {}
        for doc_id, score in page:
            if doc_id not in rows:
                continue
            _, kind, object_id, title, body, language = rows[doc_id]
            marker = markers.get(language) or markers.setdefault(language, Marker(parsed, language))
            hits.append(
                Hit(
                    doc_id,
                    kind,
                    object_id,
                    marked_to_html(marker.highlight(title)),
                    marked_to_html(marker.snippet(body)),
                    score,
                )
            )
        return hits

    def newest_page(self, kinds, filters, limit, offset) -> list[Hit]:
        """A page of all documents (within kinds and filters), newest first."""
        where, params = self.filter_sql(kinds, filters)
        with self.conn.cursor() as cursor:
            cursor.execute(
                "SELECT d.id, d.kind, d.object_id, d.title, substr(d.body, 1, 240)"
                f" FROM search_document d WHERE {where}"
                " ORDER BY d.sort_date DESC NULLS LAST, d.id DESC LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
            rows = cursor.fetchall()
        return [
            Hit(doc_id, kind, object_id, marked_to_html(title), marked_to_html(snippet), 0.0)
            for doc_id, kind, object_id, title, snippet in rows
        ]


def best_of(ids: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k best (id, score), best first; ties to the highest id, as the ranking breaks them."""
    if len(ids) > k > 0:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = scores >= kth  # with every tie of the k-th
        ids, scores = ids[keep], scores[keep]
    order = np.lexsort((-ids, -scores))[:k]
    return list(zip(ids[order].tolist(), scores[order].tolist(), strict=True))


def by_id(ids: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A stored list (best first) ordered by id, for `searchsorted`."""
    order = np.argsort(ids, kind="stable")
    return ids[order], values[order]


def coordination_levels(groups: list[int], within: int) -> list[int]:
    """levels[k - 1]: the documents of `within` matching exactly k of the groups (bitsets)."""
    at_least = [within] + [0] * len(groups)  # at_least[k]: documents matching k groups or more
    for bits in groups:
        for k in range(len(groups), 0, -1):
            at_least[k] |= at_least[k - 1] & bits
    return [
        at_least[k] & ~at_least[k + 1] if k < len(groups) else at_least[k]
        for k in range(1, len(groups) + 1)
    ]


def coordination(groups: list[int], ids: list[int]) -> dict[int, int]:
    """How many of the groups each of `ids` matches."""
    counts = dict.fromkeys(ids, 0)
    within = bitmaps.from_ids(ids)
    for bits in groups:
        for i in bitmaps.descending(bits & within):
            counts[i] += 1
    return counts
