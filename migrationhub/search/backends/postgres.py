"""PostgreSQL full text: a generated, weighted `tsvector` column with a GIN index, and a pg_trgm
index for Chinese, Japanese and Korean substrings.

Ranking uses `ts_rank` (title weight A, body B) only to order; `ts_headline`, the costly part, is
computed for the returned page alone. Prefix terms (`recruit:*`) give partial-word matches and the
`english` configuration stems.
"""

from ..query import MARK_END, MARK_START, ParsedQuery, cjk_snippet, mark_runs, marked_to_html
from .base import Backend, Hit

CONFIG = "english"
INSTALL = [
    "ALTER TABLE search_document ADD COLUMN IF NOT EXISTS tsv tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector('{CONFIG}', coalesce(title, '')), 'A') || "
    f"setweight(to_tsvector('{CONFIG}', coalesce(body, '')), 'B')) STORED",
    "CREATE INDEX IF NOT EXISTS search_document_tsv ON search_document USING gin (tsv)",
]
TRIGRAM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS search_document_trgm ON search_document"
    " USING gin ((title || ' ' || body) gin_trgm_ops)",
]
UNINSTALL = [
    "DROP INDEX IF EXISTS search_document_trgm",
    "DROP INDEX IF EXISTS search_document_tsv",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS tsv",
]
HEADLINE = f"StartSel={MARK_START}, StopSel={MARK_END}"


class PostgresBackend(Backend):
    def install(self) -> None:
        with self.conn.cursor() as cursor:
            for statement in INSTALL:
                cursor.execute(statement)
            # pg_trgm needs the right to create extensions; without it CJK search still works,
            # by sequential scan.
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
            if cursor.fetchone():
                cursor.execute("SAVEPOINT trgm")
                try:
                    for statement in TRIGRAM:
                        cursor.execute(statement)
                    cursor.execute("RELEASE SAVEPOINT trgm")
                except Exception:
                    cursor.execute("ROLLBACK TO SAVEPOINT trgm")

    def uninstall(self) -> None:
        with self.conn.cursor() as cursor:
            for statement in UNINSTALL:
                cursor.execute(statement)

    @staticmethod
    def tsquery(parsed: ParsedQuery) -> str:
        # Terms are word characters only (query.parse), so they cannot inject tsquery syntax.
        return " & ".join(f"{t}:*" for t in parsed.terms)

    def _conditions(self, parsed: ParsedQuery, where: str, params: list) -> tuple[str, list]:
        clauses, args = [where], list(params)
        if parsed.terms:
            clauses.append(f"d.tsv @@ to_tsquery('{CONFIG}', %s)")
            args.append(self.tsquery(parsed))
        for run in parsed.cjk:
            clauses.append("(d.title || ' ' || d.body) LIKE %s")
            args.append(f"%{run}%")
        return " AND ".join(clauses), args

    def matched(self, parsed, where, params):
        conditions, args = self._conditions(parsed, where, params)
        return f"SELECT d.id FROM search_document d WHERE {conditions}", args

    def hits(self, parsed, where, params, limit, offset):
        conditions, args = self._conditions(parsed, where, params)
        if parsed.terms:
            q = f"to_tsquery('{CONFIG}', %s)"
            sql = (
                f"SELECT p.id, p.kind, p.object_id,"
                f" ts_headline('{CONFIG}', p.title, {q}, %s),"
                f" ts_headline('{CONFIG}', p.body, {q}, %s), p.score FROM ("
                f"  SELECT d.id, d.kind, d.object_id, d.title, d.body,"
                f"   ts_rank(d.tsv, {q}) AS score FROM search_document d WHERE {conditions}"
                "   ORDER BY score DESC, d.id LIMIT %s OFFSET %s) p ORDER BY p.score DESC, p.id"
            )
            tsq = self.tsquery(parsed)
            sql_args = [
                tsq,
                HEADLINE + ", HighlightAll=true",
                tsq,
                HEADLINE + ", MaxWords=35, MinWords=15, MaxFragments=2",
                tsq,
                *args,
                limit,
                offset,
            ]
        else:
            body = "d.body" if parsed.cjk else "substr(d.body, 1, 240)"
            sql = (
                f"SELECT d.id, d.kind, d.object_id, d.title, {body}, 0 FROM search_document d"
                f" WHERE {conditions} ORDER BY d.sort_date DESC NULLS LAST, d.id DESC"
                " LIMIT %s OFFSET %s"
            )
            sql_args = [*args, limit, offset]
        with self.conn.cursor() as cursor:
            cursor.execute(sql, sql_args)
            rows = cursor.fetchall()
        hits = []
        for doc_id, kind, object_id, title, snippet, score in rows:
            if parsed.cjk:
                title, snippet = mark_runs(title, parsed.cjk), cjk_snippet(snippet, parsed.cjk)
            hits.append(
                Hit(doc_id, kind, object_id, marked_to_html(title), marked_to_html(snippet), score)
            )
        return hits
