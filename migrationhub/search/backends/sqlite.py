"""SQLite FTS5: an external-content index over the analysed text of search_document, kept in step
by triggers.

`search_fts` indexes `title_terms` and `body_terms`, the stemmed terms `analysis.py` wrote (the
`unicode61` tokenizer only splits them on spaces; prefix indexes for 2- and 3-letter prefixes), and
is ranked by FTS5's own `rank` column: bm25 with the title weighted 10x the body. Chinese,
Japanese and Korean text is indexed as character pairs by the analysis, so no trigram table is
needed. Schema changes to search_document must re-run `install()` (`migrationhub search-rebuild`):
SQLite table rebuilds drop triggers.

Why it is shaped this way (bench/search_bench.py, 100k documents, 2 cores; see base.py for the
bitsets and the top-k ranking):
- Words are matched from the terms' stored postings (`Backend.group_postings`); `MATCH` matches a
  prefix that begins more than `POSTINGS_TERMS` terms.
- Matching is cheap, ranking is not: `MATCH` alone yields 35k rowids in ~5 ms, while bm25 for all
  of them plus the sort (`ORDER BY rank`, the reference) takes ~50 ms. The matched rowids are read
  once, as one `json_group_array` string rather than 35k rows (parsed by the C JSON decoder, 2x
  faster than splitting a `group_concat`), and become a bitset.
- No text is read to rank: every match is scored in numpy from the values each term keeps
  beside its postings (`search_term.impacts`: the term's weighted frequency and the document's
  length), by FTS5's own bm25 formula with the current average length (`stored_scores`,
  ADR 0007). At 100k it replaced scoring up to 1,000 candidates with `bm25()` (~14 ms a query).
- Where those values are not stored (an index from before them, a prefix past
  `POSTINGS_TERMS`), candidates are scored by reading the `rank` column, not with `ORDER BY
  rank`: FTS5 then sorts internally and computes bm25 for every match in the rowid range before
  SQLite applies the candidate filter. The filter is written `+rowid IN (…)` so that SQLite
  scans the match once and probes a list, instead of re-running the query per candidate rowid;
  with prefix terms each such run merges the prefix's doclists again (~4 ms each).
"""

import json

import numpy as np

from .. import bitmaps, topk
from .base import Backend, coordination

INSTALL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title_terms, body_terms,"
    " content='search_document', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 0', prefix='2 3')",
    "INSERT INTO search_fts(search_fts, rank) VALUES('rank', 'bm25(10.0, 1.0)')",
    """CREATE TRIGGER IF NOT EXISTS search_document_ai AFTER INSERT ON search_document BEGIN
      INSERT INTO search_fts(rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_document_ad AFTER DELETE ON search_document BEGIN
      INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_document_au AFTER UPDATE ON search_document BEGIN
      INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
      INSERT INTO search_fts(rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES('rebuild')",
]
UNINSTALL = [
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TABLE IF EXISTS search_fts",
    "DROP TABLE IF EXISTS search_trigram",  # the CJK trigram table of the first schema
]


def fts_term(term: str, prefix: bool) -> str:
    return '"' + term.replace('"', '""') + '"' + ("*" if prefix else "")


def _ids(value: str | None) -> list[int]:
    return json.loads(value) if value else []


class SqliteBackend(Backend):
    value_width = 2  # per posting: the weighted frequency, the document's length

    def install(self) -> None:
        with self.conn.cursor() as cursor:
            for statement in INSTALL:
                cursor.execute(statement)

    def uninstall(self) -> None:
        with self.conn.cursor() as cursor:
            for statement in UNINSTALL:
                cursor.execute(statement)

    def impact(self, title_tf, body_tf, length, avgdl):
        return topk.bm25_impact(title_tf, body_tf, length, avgdl)

    def weight(self, documents, df):
        return topk.bm25_idf(documents, df)

    def posting_values(self, title_tf, body_tf, length, avgdl):
        return topk.bm25_frequencies(title_tf, body_tf, length)

    def stored_scores(self, parsed, per_group, ids, size, found):
        """FTS5's bm25 of the rank expression (`rank_expression`: each group's main stem, one
        phrase), as `fts5Bm25Function` computes it: per phrase, the idf of the rows having it
        (for a prefix, any of its terms) times the saturation of its weighted frequency in the
        document (a prefix's terms add up), normalised by the document's length against the
        average length now (`IndexState`: FTS5's own row and token counts)."""
        with self.conn.cursor() as cursor:
            cursor.execute("SELECT documents, tokens FROM search_index_state")
            row = cursor.fetchone()
        documents, tokens = row or (0, 0)
        avgdl = tokens / documents if documents else 0.0
        scores = np.zeros(len(ids))
        for stored in per_group:
            freq, length = np.zeros(size), np.zeros(size)
            for term_ids, values in stored:  # a term's ids are distinct: one scatter each
                freq[term_ids] += values[:, 0]
                length[term_ids] = values[:, 1]
            idf = topk.bm25_idf(documents, int(np.count_nonzero(freq)))
            scores += topk.bm25_scores(freq[ids], length[ids], idf, avgdl)
        return scores

    def group_expression(self, group) -> str:
        terms = [fts_term(group.primary, group.prefix)]
        terms += [fts_term(t, False) for t in group.terms[1:]]
        return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"

    def all_expression(self, parsed):
        return " AND ".join(self.group_expression(g) for g in parsed.groups)

    def any_expression(self, parsed):
        return " OR ".join(self.group_expression(g) for g in parsed.groups)

    def rank_expression(self, parsed, some: bool) -> str:
        """What bm25 scores: each word's main-language stem (one phrase, one idf per word; a
        rare stem of another language would otherwise outweigh the word itself)."""
        terms = [fts_term(g.primary, g.prefix) for g in parsed.groups]
        return (" OR " if some else " AND ").join(terms)

    def match_ids(self, expression):
        with self.conn.cursor() as cursor:
            cursor.execute(
                "SELECT json_group_array(rowid) FROM search_fts WHERE search_fts MATCH %s",
                [expression],
            )
            return bitmaps.from_ids(_ids(cursor.fetchone()[0]))

    def score(self, parsed, ids, found):
        if not ids:
            return {}
        some = bool(found.groups)
        expression = self.rank_expression(parsed, some)
        with self.conn.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, rank FROM search_fts WHERE search_fts MATCH %s"
                " AND rowid BETWEEN %s AND %s AND +rowid IN (SELECT value FROM json_each(%s))",
                [expression, min(ids), max(ids), json.dumps(ids)],
            )
            # bm25: lower is better; a document matched by another language's stem only: 0
            scores = dict.fromkeys(ids, 0.0)
            scores.update((rowid, -rank) for rowid, rank in cursor.fetchall())
        if some:
            shares = coordination(found.groups, ids)
            n = len(parsed.groups)
            scores = {i: s * shares[i] / n for i, s in scores.items()}
        return scores
