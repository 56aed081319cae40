"""PostgreSQL full text: generated, weighted `tsvector` columns with GIN indexes, and a pg_trgm
index for Chinese, Japanese and Korean substrings.

Ranking uses `ts_rank` (title weight A, body B) over the candidates only (see base.py);
`ts_headline`, the costly part, is computed for the returned page alone. Prefix terms (`recruit:*`)
give partial-word matches, and the `migrationhub` text search configuration (a copy of `english`:
stemming) folds accents with `unaccent` where that extension can be created, as SQLite's
`remove_diacritics` does.

Why it is shaped this way (bench/search_bench.py, 100k documents, 2 cores; the first version took
~440 ms p50 without facets):
- A narrow heap. The document rows carried the body (~1.1 KB) and the tsvector (~1.5 KB), so any
  scan touched ~140 MB, and a sequential scan detoasted every tsvector to evaluate `@@` (~360 ms
  for one broad query). `toast_tuple_target = 128` moves body and tsvector out of line: the heap is
  ~20 MB, and a bitmap scan of the GIN index (exact for `&` of prefix terms: no recheck, so no
  detoasting) returns 35k-75k matching ids in ~15-20 ms.
- The planner does not know what detoasting costs and picks a sequential scan for broad queries,
  so a search runs in one transaction with `enable_seqscan` off, set locally (`set_config(…,
  true)`) and restored at its end, never for the session.
- Only the candidates are ranked (`id = ANY(…)`, at most 1,000 tsvectors detoasted, ~5 µs each),
  instead of `ts_rank_cd` over every match (the reference; ~300-900 ms at 100k).
- Title matches come from their own small `tsv_title` column and GIN index, because a
  weight-restricted query (`term:*A`) on the full tsvector needs a recheck, which detoasts.
- The trigram index is partial, over documents containing CJK characters only: trigrams of every
  Latin text were the largest index and most of the load time, for queries that never use them.
"""

from django.db import transaction

from .. import bitmaps
from ..query import (
    CJK_CLASS,
    MARK_END,
    MARK_START,
    ParsedQuery,
)
from .base import Backend

CONFIG = "migrationhub"
HAS_CJK = f"(title || ' ' || body) ~ '[{CJK_CLASS}]'"
D_HAS_CJK = f"(d.title || ' ' || d.body) ~ '[{CJK_CLASS}]'"
INSTALL = [
    f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = english)",
    "ALTER TABLE search_document SET (toast_tuple_target = 128)",
    "ALTER TABLE search_document ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector('{CONFIG}', coalesce(title, '')), 'A') || "
    f"setweight(to_tsvector('{CONFIG}', coalesce(body, '')), 'B')) STORED",
    "ALTER TABLE search_document ADD COLUMN tsv_title tsvector GENERATED ALWAYS AS ("
    f"to_tsvector('{CONFIG}', coalesce(title, ''))) STORED",
    # Out of line and uncompressed: ranking detoasts candidates' tsvectors, decompression is waste.
    "ALTER TABLE search_document ALTER COLUMN tsv SET STORAGE EXTERNAL",
    "CREATE INDEX search_document_tsv ON search_document USING gin (tsv)",
    "CREATE INDEX search_document_tsv_title ON search_document USING gin (tsv_title)",
]
UNACCENT = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG}"
    " ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
]
TRIGRAM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX search_document_trgm ON search_document"
    f" USING gin ((title || ' ' || body) gin_trgm_ops) WHERE {HAS_CJK}",
]
UNINSTALL = [
    "DROP INDEX IF EXISTS search_document_trgm",
    "DROP INDEX IF EXISTS search_document_tsv_title",
    "DROP INDEX IF EXISTS search_document_tsv",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS tsv_title",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS tsv",
    "ALTER TABLE search_document RESET (toast_tuple_target)",
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}",
]
HEADLINE = f"StartSel={MARK_START}, StopSel={MARK_END}"


class PostgresBackend(Backend):
    def install(self) -> None:
        with self.conn.cursor() as cursor:
            # Extensions need rights the application may lack: without unaccent, accents are not
            # folded; without pg_trgm, CJK search works by sequential scan.
            cursor.execute(INSTALL[0])
            self._optional(cursor, "unaccent", UNACCENT)
            for statement in INSTALL[1:]:
                cursor.execute(statement)
            self._optional(cursor, "pg_trgm", TRIGRAM)

    @staticmethod
    def _optional(cursor, extension: str, statements: list[str]) -> None:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = %s", [extension])
        if not cursor.fetchone():
            return
        cursor.execute("SAVEPOINT search_optional")
        try:
            for statement in statements:
                cursor.execute(statement)
            cursor.execute("RELEASE SAVEPOINT search_optional")
        except Exception:
            cursor.execute("ROLLBACK TO SAVEPOINT search_optional")

    def uninstall(self) -> None:
        with self.conn.cursor() as cursor:
            for statement in UNINSTALL:
                cursor.execute(statement)

    @staticmethod
    def tsquery(parsed: ParsedQuery) -> str:
        # Terms are word characters only (query.parse), so they cannot inject tsquery syntax.
        return " & ".join(f"{t}:*" for t in parsed.terms)

    def _cjk_conditions(self, parsed: ParsedQuery) -> tuple[list[str], list]:
        clauses, args = [], []
        for run in parsed.cjk:
            # The HAS_CJK predicate lets the planner use the partial trigram index.
            clauses.append(f"(d.title || ' ' || d.body) LIKE %s AND {D_HAS_CJK}")
            args.append(f"%{run}%")
        return clauses, args

    def search(self, parsed, **options):
        # One transaction for the whole search, with sequential scans off (see the docstring).
        with transaction.atomic(using=self.conn.alias, savepoint=False):
            with self.conn.cursor() as cursor:
                cursor.execute(
                    "SELECT current_setting('enable_seqscan'),"
                    " set_config('enable_seqscan', 'off', true)"
                )
                previous = cursor.fetchone()[0]
            try:
                return super().search(parsed, **options)
            finally:
                with self.conn.cursor() as cursor:
                    cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])

    def _ids_where(self, condition: str, args: list) -> int:
        with self.conn.cursor() as cursor:
            cursor.execute(f"SELECT array_agg(d.id) FROM search_document d WHERE {condition}", args)
            return bitmaps.from_ids(cursor.fetchone()[0] or [])

    def text_matches(self, parsed):
        matched = None
        if parsed.terms:
            matched = self._ids_where(
                f"d.tsv @@ to_tsquery('{CONFIG}', %s)", [self.tsquery(parsed)]
            )
        if parsed.cjk:
            clauses, args = self._cjk_conditions(parsed)
            cjk = self._ids_where(" AND ".join(clauses), args)
            matched = cjk if matched is None else matched & cjk
        return matched or 0

    def title_matches(self, parsed):
        return self._ids_where(f"d.tsv_title @@ to_tsquery('{CONFIG}', %s)", [self.tsquery(parsed)])

    def rank(self, parsed, candidates, n):
        if not candidates or n <= 0:
            return []
        with self.conn.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id, ts_rank(d.tsv, to_tsquery('{CONFIG}', %s)) AS score"
                " FROM search_document d WHERE d.id = ANY(%s)"
                " ORDER BY score DESC, d.id DESC LIMIT %s",
                [self.tsquery(parsed), candidates, n],
            )
            return [(doc_id, float(score)) for doc_id, score in cursor.fetchall()]

    def highlight(self, parsed, page):
        if not page:
            return []
        q = f"to_tsquery('{CONFIG}', %s)"
        tsq = self.tsquery(parsed)
        with self.conn.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id, d.kind, d.object_id, ts_headline('{CONFIG}', d.title, {q}, %s),"
                f" ts_headline('{CONFIG}', d.body, {q}, %s)"
                " FROM search_document d WHERE d.id = ANY(%s)",
                [
                    tsq,
                    HEADLINE + ", HighlightAll=true",
                    tsq,
                    HEADLINE + ", MaxWords=35, MinWords=15, MaxFragments=2",
                    [i for i, _ in page],
                ],
            )
            rows = {row[0]: row for row in cursor.fetchall()}
        return self.hits(parsed, page, rows)
