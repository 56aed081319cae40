"""SQLite FTS5: an external-content index over search_document, kept in step by triggers.

Two FTS5 tables: `search_fts` (porter stemming, diacritics folded, prefix indexes for 2- and
3-letter prefixes) for alphabetic scripts, ranked by FTS5's own `rank` column (bm25 with the title
weighted 10x the body; TARGETS.md measured it faster than bm25()), and `search_trigram` for
Chinese, Japanese and Korean substrings. Schema changes to search_document must re-run `install()`
(`migrationhub search-rebuild`): SQLite table rebuilds drop triggers.

Why it is shaped this way (bench/search_bench.py, 100k documents, 2 cores; see base.py for the
bitsets and the bounded ranking):
- Matching is cheap, ranking is not: `MATCH` alone yields 35k rowids in ~5 ms, while bm25 for all
  of them plus the sort (`ORDER BY rank`, the reference) takes ~50 ms. The matched rowids are read
  once, as one `json_group_array` string rather than 35k rows (parsed by the C JSON decoder, 2x
  faster than splitting a `group_concat`), and become a bitset.
- Candidates are ranked by reading the `rank` column, not with `ORDER BY rank`: FTS5 then sorts
  internally and computes bm25 for every match in the rowid range before SQLite applies the
  candidate filter. The filter is written `+rowid IN (…)` so that SQLite scans the match once and
  probes a list, instead of re-running the query per candidate rowid; with prefix terms each such
  run merges the prefix's doclists again (~4 ms each, so 85 ms for a page of 20).
- Highlighting likewise: one pass over the page's rowid range with `+rowid IN (page)`, reordered
  in Python.
- The trigram table indexes only the documents that contain CJK characters (the triggers insert
  with `… WHERE text GLOB '*[CJK]*'`): trigrams of every Latin document tripled the database
  (1.3 GB at 100k) and the load time, for queries that never use them.
"""

import json

from .. import bitmaps
from ..query import (
    CJK_CLASS,
    MARK_END,
    MARK_START,
    ParsedQuery,
)
from .base import Backend

HAS_CJK = f"GLOB '*[{CJK_CLASS}]*'"
INSTALL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, body,"
    " content='search_document', content_rowid='id',"
    " tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_trigram USING fts5(title, body,"
    " content='search_document', content_rowid='id', tokenize='trigram')",
    "INSERT INTO search_fts(search_fts, rank) VALUES('rank', 'bm25(10.0, 1.0)')",
    "INSERT INTO search_trigram(search_trigram, rank) VALUES('rank', 'bm25(10.0, 1.0)')",
    f"""CREATE TRIGGER IF NOT EXISTS search_document_ai AFTER INSERT ON search_document BEGIN
      INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
      INSERT INTO search_trigram(rowid, title, body) SELECT new.id, new.title, new.body
        WHERE new.title || ' ' || new.body {HAS_CJK};
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_document_ad AFTER DELETE ON search_document BEGIN
      INSERT INTO search_fts(search_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
      INSERT INTO search_trigram(search_trigram, rowid, title, body)
        SELECT 'delete', old.id, old.title, old.body WHERE old.title || ' ' || old.body {HAS_CJK};
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS search_document_au AFTER UPDATE ON search_document BEGIN
      INSERT INTO search_fts(search_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
      INSERT INTO search_trigram(search_trigram, rowid, title, body)
        SELECT 'delete', old.id, old.title, old.body WHERE old.title || ' ' || old.body {HAS_CJK};
      INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
      INSERT INTO search_trigram(rowid, title, body) SELECT new.id, new.title, new.body
        WHERE new.title || ' ' || new.body {HAS_CJK};
    END""",
    "INSERT INTO search_fts(search_fts) VALUES('rebuild')",
    "INSERT INTO search_trigram(rowid, title, body) SELECT id, title, body FROM search_document"
    f" WHERE title || ' ' || body {HAS_CJK}",
]
UNINSTALL = [
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TABLE IF EXISTS search_fts",
    "DROP TABLE IF EXISTS search_trigram",
]


def fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _ids(value: str | None) -> list[int]:
    return json.loads(value) if value else []


class SqliteBackend(Backend):
    def install(self) -> None:
        with self.conn.cursor() as cursor:
            for statement in INSTALL:
                cursor.execute(statement)

    def uninstall(self) -> None:
        with self.conn.cursor() as cursor:
            for statement in UNINSTALL:
                cursor.execute(statement)

    def _fts_match(self, parsed: ParsedQuery) -> str:
        return " ".join(fts_phrase(t) + "*" for t in parsed.terms)

    def _cjk_conditions(self, parsed: ParsedQuery) -> tuple[list[str], list]:
        """Trigram MATCH for runs of 3+ characters; shorter runs fall back to a LIKE scan."""
        clauses, params = [], []
        long_runs = [c for c in parsed.cjk if len(c) >= 3]
        if long_runs:
            clauses.append(
                "d.id IN (SELECT rowid FROM search_trigram WHERE search_trigram MATCH %s)"
            )
            params.append(" AND ".join(fts_phrase(c) for c in long_runs))
        for run in (c for c in parsed.cjk if len(c) < 3):
            clauses.append("(d.title LIKE %s OR d.body LIKE %s)")
            params.extend([f"%{run}%", f"%{run}%"])
        return clauses, params

    def _one(self, sql: str, params: list):
        with self.conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def text_matches(self, parsed):
        matched = None
        if parsed.terms:
            ids = self._one(
                "SELECT json_group_array(rowid) FROM search_fts WHERE search_fts MATCH %s",
                [self._fts_match(parsed)],
            )
            matched = bitmaps.from_ids(_ids(ids))
        if parsed.cjk:
            clauses, params = self._cjk_conditions(parsed)
            ids = self._one(
                f"SELECT json_group_array(d.id) FROM search_document d WHERE {' AND '.join(clauses)}",
                params,
            )
            cjk = bitmaps.from_ids(_ids(ids))
            matched = cjk if matched is None else matched & cjk
        return matched or 0

    def title_matches(self, parsed):
        ids = self._one(
            "SELECT json_group_array(rowid) FROM search_fts WHERE search_fts MATCH %s",
            [f"title : ({self._fts_match(parsed)})"],
        )
        return bitmaps.from_ids(_ids(ids))

    def rank(self, parsed, candidates, n):
        if not candidates or n <= 0:
            return []
        with self.conn.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, rank FROM search_fts WHERE search_fts MATCH %s"
                " AND rowid BETWEEN %s AND %s AND +rowid IN (SELECT value FROM json_each(%s))",
                [self._fts_match(parsed), min(candidates), max(candidates), json.dumps(candidates)],
            )
            rows = cursor.fetchall()
        rows.sort(key=lambda row: (row[1], -row[0]))  # bm25 rank: lower is better
        return [(rowid, -rank) for rowid, rank in rows[:n]]

    def highlight(self, parsed, page):
        if not page:
            return []
        ids = [i for i, _ in page]
        marks = [MARK_START, MARK_END]
        with self.conn.cursor() as cursor:
            cursor.execute(
                "SELECT f.rowid, d.kind, d.object_id, highlight(search_fts, 0, %s, %s),"
                " snippet(search_fts, 1, %s, %s, '…', 24)"
                " FROM search_fts f JOIN search_document d ON d.id = f.rowid"
                " WHERE search_fts MATCH %s AND f.rowid BETWEEN %s AND %s"
                f" AND +f.rowid IN ({', '.join(['%s'] * len(ids))})",
                [*marks, *marks, self._fts_match(parsed), min(ids), max(ids), *ids],
            )
            rows = {row[0]: row for row in cursor.fetchall()}
        return self.hits(parsed, page, rows)
