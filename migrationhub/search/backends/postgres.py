"""PostgreSQL full text: a generated, weighted `tsvector` over the analysed text with a GIN index.

The `tsvector` is built with the `simple` configuration (no stemming, no stop words) from
`title_terms` (weight A) and `body_terms` (weight B), the stemmed terms `analysis.py` wrote, so
PostgreSQL matches exactly the tokens SQLite's FTS5 matches. Chinese, Japanese and Korean text is
indexed as character pairs by the analysis, so no trigram index is needed. Prefix terms
(`recrut:*`) give partial-word matches.

Ranking: each candidate's score is the sum over the query's words of `ts_rank` of the word's
main-language stem (title A = 1.0, body B = 0.4; repeated occurrences count less and less;
divided by log2 of the document's length, normalisation 1, else thousands of documents with the
word once in the title tie) times its idf,
so that a rare word weighs more than a common one as in bm25 (`ts_rank` alone has no idf). For an
any-word search, times the share of the groups the document matches. The `tsvector` is detoasted
once per candidate (`tsv || ''`, in a subquery the planner keeps), not once per group.

Why it is shaped this way (bench/search_bench.py, 100k documents, 2 cores):
- Words are matched from the terms' stored postings (`Backend.group_postings`), not by this
  index: a bitmap scan of the GIN index returns 35k-75k matching ids in ~8-20 ms, reading a few
  postings rows well under 1 ms. The index matches a prefix that begins more than
  `POSTINGS_TERMS` terms.
- A narrow heap. The document rows carry the body, the analysed text and the tsvector, so any
  scan would touch hundreds of MB, and a sequential scan detoasts every tsvector to evaluate `@@`.
  `toast_tuple_target = 128` moves them out of line: the heap is ~20 MB, and a bitmap scan of the
  GIN index (exact for prefix terms: no recheck, so no detoasting) stays cheap.
- The planner does not know what detoasting costs and picks a sequential scan for broad queries,
  so the index's match and the newest page run in a transaction with `enable_seqscan` off, set
  locally (`set_config(…, true)`) and restored at its end, never for the session. The other
  statements (scores of candidates by id, postings and terms by term) use their indexes anyway.
- No `tsvector` is read to rank: every match is scored in numpy from the impacts stored beside
  each term's postings (`search_term.impacts`, `Backend.impact_scores`: each term's `ts_rank`
  in each document, the same sum as `score`). At 100k the scoring rounds it replaced read up to
  1,000 tsvectors per query in up to three statements (4-7 ms each) after a read of the
  champion lists; the whole API answer took 21% less at the median and 26% at p95 (same
  process, alternating). Where the impacts are not stored (an index from before them, a prefix
  past `POSTINGS_TERMS`), only candidates are scored (`id = ANY(…)`, a few thousand tsvectors
  detoasted; see `topk.py`), and of those only the ones whose score the champion lists cannot
  give (`Backend.term_values`).
"""

import contextlib

import numpy as np
from django.db import transaction

from .. import bitmaps, topk
from .base import Backend

INSTALL = [
    "ALTER TABLE search_document SET (toast_tuple_target = 128)",
    "ALTER TABLE search_document ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', title_terms), 'A') || "
    "setweight(to_tsvector('simple', body_terms), 'B')) STORED",
    # Out of line and uncompressed: ranking detoasts candidates' tsvectors, decompression is waste.
    "ALTER TABLE search_document ALTER COLUMN tsv SET STORAGE EXTERNAL",
    "CREATE INDEX search_document_tsv ON search_document USING gin (tsv)",
]
UNINSTALL = [
    # The first schema's trigram index, title tsvector and text search configuration, too.
    "DROP INDEX IF EXISTS search_document_trgm",
    "DROP INDEX IF EXISTS search_document_tsv_title",
    "DROP INDEX IF EXISTS search_document_tsv",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS tsv_title",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS tsv",
    "ALTER TABLE search_document RESET (toast_tuple_target)",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS migrationhub",
]
QUERY = "to_tsquery('simple', %s)"


def ts_term(term: str, prefix: bool) -> str:
    # Terms are word characters only (analysis.WORD), so they cannot inject tsquery syntax.
    return f"{term}:*" if prefix else term


class PostgresBackend(Backend):
    prefix_terms_add = True  # ts_rank adds up the lexemes a prefix item matches
    score_rounds = True  # ts_rank of each candidate's tsvector: ~11 µs a candidate at 100k
    impacts_exact = True  # a stored impact is the term's ts_rank (topk.ts_rank_impact)
    value_width = 1  # each posting keeps that impact

    def install(self) -> None:
        with self.conn.cursor() as cursor:
            for statement in INSTALL:
                cursor.execute(statement)

    def uninstall(self) -> None:
        with self.conn.cursor() as cursor:
            # ALTER TABLE refuses to run while deferred foreign-key checks of the same
            # transaction are pending (rows deleted earlier in it): check them now, then defer
            # again (Django's constraints are INITIALLY DEFERRED).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for statement in UNINSTALL:
                cursor.execute(statement)

    def impact(self, title_tf, body_tf, length, avgdl):
        return topk.ts_rank_impact(title_tf, body_tf, length)

    def weight(self, documents, df):
        return topk.idf(documents, df)

    def posting_values(self, title_tf, body_tf, length, avgdl):
        return topk.ts_rank_impact(title_tf, body_tf, length)

    def stored_scores(self, parsed, per_group, ids, size, found):
        """Per group, its weight (idf) times the sum of its terms' `ts_rank` (a prefix's
        lexemes add up), as `score` sums them."""
        weights = [self.weight(found.documents, df) for df in self.document_frequencies(parsed)]
        scores = np.zeros(len(ids))
        for stored, weight in zip(per_group, weights, strict=True):
            value = np.zeros(size)
            for term_ids, values in stored:  # a term's ids are distinct: one scatter each
                value[term_ids] += values
            scores += weight * value[ids]
        return scores

    def group_expression(self, group) -> str:
        terms = [ts_term(group.primary, group.prefix)]
        terms += [ts_term(t, False) for t in group.terms[1:]]
        return terms[0] if len(terms) == 1 else "(" + " | ".join(terms) + ")"

    def all_expression(self, parsed):
        return " & ".join(self.group_expression(g) for g in parsed.groups)

    def any_expression(self, parsed):
        return " | ".join(self.group_expression(g) for g in parsed.groups)

    @contextlib.contextmanager
    def _seqscan_off(self):
        """Sequential scans off for the statements inside (see the docstring), in a transaction
        whose end ends the setting, or restored when an outer transaction goes on. Only the
        statements whose plans need it: a search that reads postings runs no BEGIN, no setting,
        no COMMIT (three round trips)."""
        outermost = not self.conn.in_atomic_block and self.conn.get_autocommit()
        with transaction.atomic(using=self.conn.alias, savepoint=False):
            with self.conn.cursor() as cursor:
                cursor.execute(
                    "SELECT current_setting('enable_seqscan'),"
                    " set_config('enable_seqscan', 'off', true)"
                )
                previous = cursor.fetchone()[0]
            try:
                yield
            finally:
                if not outermost:  # else its end ends the setting local to it
                    with self.conn.cursor() as cursor:
                        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])

    def match_ids(self, expression):
        with self._seqscan_off(), self.conn.cursor() as cursor:
            cursor.execute(
                f"SELECT array_agg(d.id) FROM search_document d WHERE d.tsv @@ {QUERY}",
                [expression],
            )
            return bitmaps.from_ids(cursor.fetchone()[0] or [])

    def newest_page(self, kinds, filters, limit, offset):
        with self._seqscan_off():
            return super().newest_page(kinds, filters, limit, offset)

    def score(self, parsed, ids, found):
        if not ids:
            return {}
        frequencies = self.document_frequencies(parsed)
        weights = [self.weight(found.documents, df) for df in frequencies]
        ranks, params = [], []
        for group, weight in zip(parsed.groups, weights, strict=True):
            # Each word's main-language stem ranks (see SqliteBackend.rank_expression).
            ranks.append(f"ts_rank(v, {QUERY}, 1) * %s")
            params += [ts_term(group.primary, group.prefix), weight]
        coordination = ""
        if found.groups:
            coordination = ", " + " + ".join(f"(v @@ {QUERY})::int" for _ in parsed.groups)
            params += [self.group_expression(g) for g in parsed.groups]
        with self.conn.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {' + '.join(ranks)}{coordination} FROM"
                " (SELECT d.id, d.tsv || ''::tsvector AS v FROM search_document d"
                " WHERE d.id = ANY(%s) OFFSET 0) c",
                [*params, ids],
            )
            rows = cursor.fetchall()
        if found.groups:
            n = len(parsed.groups)
            return {row[0]: float(row[1]) * row[2] / n for row in rows}
        return {row[0]: float(row[1]) for row in rows}
