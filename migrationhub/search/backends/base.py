"""What every backend does: match, filter, rank, highlight, count facets."""

from dataclasses import dataclass, field

from ..query import ParsedQuery


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


class Backend:
    """Subclasses supply the vendor SQL; the filter and facet SQL is shared."""

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
            values = [v for v in values if v]
            if not values:
                continue
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
        filters = filters or {}
        where, params = self.filter_sql(list(kinds), filters)
        source, source_params = self.matched(parsed, where, params)
        total, facet_counts = self.count(source, source_params, list(facets))
        hits = self.hits(parsed, where, params, limit, offset) if total else []
        return SearchResult(hits=hits, total=total, facets=facet_counts)

    def count(self, source: str, params: list, facets: list[str]):
        """Total and facet counts over the matches, computed from one materialised match set."""
        sql = [f"WITH m AS {self.materialized} ({source}) SELECT '', '', COUNT(*) FROM m"]
        args = list(params)
        if facets:
            placeholders = ", ".join(["%s"] * len(facets))
            sql.append(
                "UNION ALL SELECT facet, value, COUNT(*) FROM search_facet"
                f" WHERE document_id IN (SELECT id FROM m) AND facet IN ({placeholders})"
                " GROUP BY facet, value"
            )
            args.extend(facets)
        counts: dict[str, list[tuple[str, int]]] = {f: [] for f in facets}
        total = 0
        with self.conn.cursor() as cursor:
            cursor.execute(" ".join(sql), args)
            for facet, value, n in cursor.fetchall():
                if facet == "":
                    total = n
                else:
                    counts[facet].append((value, n))
        for values in counts.values():
            values.sort(key=lambda item: (-item[1], item[0]))
        return total, counts

    materialized = "MATERIALIZED"

    def matched(self, parsed: ParsedQuery, where: str, params: list) -> tuple[str, list]:
        raise NotImplementedError

    def hits(self, parsed, where, params, limit, offset) -> list[Hit]:
        raise NotImplementedError
