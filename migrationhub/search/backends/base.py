"""What every backend does: match, filter, count facets, rank, highlight.

One search, whatever the database:

1. The facet bitsets it needs (document kinds, filtered facets, counted facets) come from a
   per-process cache checked against `search_facet_bitmap.version` with one small query, so they
   are never stale and are read from the database only after a write (see `bitmaps.py`).
2. The database finds the ids of the documents matching the text (its full-text index; cheap even
   for tens of thousands of matches), once per search. As a bitset, ANDed with the kinds and the
   filters (OR within a facet, AND across), they are the matches: their popcount is the total and
   each facet value's count is one AND and one popcount. Counting costs microseconds per value
   instead of a GROUP BY over every match's facet rows, which was most of the time at 100k
   documents (TARGETS.md).
3. Ranking every match is what the references spend their time on (bm25 over all matches in FTS5,
   `ts_rank_cd` in PostgreSQL). Up to `RANK_ALL` matches are all ranked. Past that, relevance ranks
   a bounded candidate set: the `RANK_WINDOW` newest matches whose title has every term (a title
   match is the strongest signal; the title-only index finds them cheaply) and the `RANK_WINDOW`
   newest of the others ("newest": most recently indexed, the highest ids). The ranked candidates
   come first; the other matches follow, newest first. The cost is bounded by the window, not by
   how broad the query is. The window is the same on both databases, so both rank the same
   candidates (by bm25 or ts_rank); 1,000 / 500 keeps PostgreSQL, which detoasts each candidate's
   tsvector, within 15 ms at 10k.
4. Titles and snippets are highlighted for the returned page only.

An empty query lists the documents newest first (`sort_date`, then id), paged by the database.
"""

from dataclasses import dataclass, field
from threading import Lock

from .. import bitmaps
from ..query import ParsedQuery, cjk_snippet, mark_runs, marked_to_html

KIND_FACET = "~kind"  # as in search.services
RANK_ALL = 1000
RANK_WINDOW = 500


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


class BitmapCache:
    """Facet bitsets by (database, facet, value), each with the version it was read at."""

    def __init__(self):
        self._entries: dict[tuple, tuple[int, int]] = {}
        self._lock = Lock()

    def load(self, conn, facets) -> dict[str, dict[str, int]]:
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
        result: dict[str, dict[str, int]] = {facet: {} for facet in facets}
        for facet, value, version in current:
            entry = self._entries.get((database, facet, value))
            if entry is not None and entry[0] == version:
                result[facet][value] = entry[1]
            else:  # written between the two queries: read again rather than guess
                return self.load(conn, facets)
        return result


CACHE = BitmapCache()


class Backend:
    """Subclasses supply the vendor SQL: text matches, title matches, ranking, highlighting,
    and the newest-first page for an empty query."""

    def __init__(self, conn):
        self.conn = conn

    # -- schema ---------------------------------------------------------------------------
    def install(self) -> None:
        raise NotImplementedError

    def uninstall(self) -> None:
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
    ) -> SearchResult:
        kinds = list(kinds)
        facets = list(dict.fromkeys(facets))
        filters = {
            facet: list(dict.fromkeys(str(v) for v in values if v))
            for facet, values in (filters or {}).items()
        }
        filters = {facet: values for facet, values in filters.items() if values}
        sets = CACHE.load(self.conn, [KIND_FACET, *filters, *facets])
        by_kind = sets[KIND_FACET]
        matched = bitmaps.union(by_kind[k] for k in kinds if k in by_kind) if kinds else 0
        if not kinds:
            matched = bitmaps.union(by_kind.values())
        for facet, values in filters.items():
            matched &= bitmaps.union(sets[facet][v] for v in values if v in sets[facet])
        if not parsed.empty and matched:
            matched &= self.text_matches(parsed)
        total = matched.bit_count()
        counts = {}
        for facet in facets:
            values = ((v, (bits & matched).bit_count()) for v, bits in sets[facet].items())
            counts[facet] = sorted(
                ((v, n) for v, n in values if n), key=lambda item: (-item[1], item[0])
            )
        hits: list[Hit] = []
        if total > offset and limit > 0:
            if parsed.terms:
                hits = self.ranked_page(parsed, matched, total, limit, offset)
            else:
                hits = self.newest_page(parsed, kinds, filters, limit, offset)
        return SearchResult(hits=hits, total=total, facets=counts)

    def ranked_page(self, parsed, matched: int, total: int, limit: int, offset: int) -> list[Hit]:
        if total <= RANK_ALL:
            candidates = bitmaps.descending(matched)
        else:
            titled = self.title_matches(parsed) & matched
            candidates = bitmaps.descending(titled, 0, RANK_WINDOW) + bitmaps.descending(
                matched & ~titled, 0, RANK_WINDOW
            )
        page = self.rank(parsed, candidates, offset + limit)[offset:]
        if len(page) < limit and total > len(candidates):
            rest = matched & ~bitmaps.from_ids(candidates)
            skip = max(0, offset - len(candidates))
            page += [(i, 0.0) for i in bitmaps.descending(rest, skip, limit - len(page))]
        return self.highlight(parsed, page)

    # -- vendor SQL -------------------------------------------------------------------------
    def text_matches(self, parsed: ParsedQuery) -> int:
        """The bitset of documents matching every term and every CJK run."""
        raise NotImplementedError

    def title_matches(self, parsed: ParsedQuery) -> int:
        """The bitset of documents whose title matches every term."""
        raise NotImplementedError

    def rank(self, parsed: ParsedQuery, candidates: list[int], n: int) -> list[tuple[int, float]]:
        """The best `n` of `candidates` (all match), as (id, score), best first, ties newest first."""
        raise NotImplementedError

    def highlight(self, parsed: ParsedQuery, page: list[tuple[int, float]]) -> list[Hit]:
        """Hits for `page` (ids and scores, in order), matches marked in title and snippet."""
        raise NotImplementedError

    @staticmethod
    def hits(
        parsed: ParsedQuery, page: list[tuple[int, float]], rows: dict[int, tuple]
    ) -> list[Hit]:
        """Hits for `page` from the vendor's rows (id, kind, object id, marked title, marked
        snippet), in page order; a document deleted since it was matched is left out."""
        hits = []
        for doc_id, score in page:
            if doc_id not in rows:
                continue
            _, kind, object_id, title, snippet = rows[doc_id]
            if parsed.cjk:
                title, snippet = mark_runs(title, parsed.cjk), cjk_snippet(snippet, parsed.cjk)
            hits.append(
                Hit(doc_id, kind, object_id, marked_to_html(title), marked_to_html(snippet), score)
            )
        return hits

    def newest_page(self, parsed, kinds, filters, limit, offset) -> list[Hit]:
        """A page of the documents matching the CJK runs (or all), newest first; the vendor
        supplies `_cjk_conditions` (trigram MATCH on SQLite, LIKE on a pg_trgm index)."""
        where, params = self.filter_sql(kinds, filters)
        cjk, cjk_params = self._cjk_conditions(parsed)
        conditions = " AND ".join([where, *cjk])
        body = "d.body" if parsed.cjk else "substr(d.body, 1, 240)"
        with self.conn.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id, d.kind, d.object_id, d.title, {body}"
                f" FROM search_document d WHERE {conditions}"
                " ORDER BY d.sort_date DESC NULLS LAST, d.id DESC LIMIT %s OFFSET %s",
                [*params, *cjk_params, limit, offset],
            )
            rows = cursor.fetchall()
        hits = []
        for doc_id, kind, object_id, title, snippet in rows:
            if parsed.cjk:
                title, snippet = mark_runs(title, parsed.cjk), cjk_snippet(snippet, parsed.cjk)
            hits.append(
                Hit(doc_id, kind, object_id, marked_to_html(title), marked_to_html(snippet), 0.0)
            )
        return hits
