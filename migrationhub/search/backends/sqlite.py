"""SQLite FTS5: an external-content index over search_document, kept in step by triggers.

Two FTS5 tables: `search_fts` (porter stemming, diacritics folded, prefix indexes for 2- and
3-letter prefixes) for alphabetic scripts, ranked by FTS5's own `rank` column (bm25 with the title
weighted 10x the body; measured faster than ORDER BY bm25()), and `search_trigram` for Chinese,
Japanese and Korean substrings. Schema changes to search_document must re-run `install()`
(`migrationhub search-rebuild`): SQLite table rebuilds drop triggers.
"""

from ..query import MARK_END, MARK_START, ParsedQuery, cjk_snippet, mark_runs, marked_to_html
from .base import Backend, Hit

INSTALL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, body,"
    " content='search_document', content_rowid='id',"
    " tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_trigram USING fts5(title, body,"
    " content='search_document', content_rowid='id', tokenize='trigram')",
    "INSERT INTO search_fts(search_fts, rank) VALUES('rank', 'bm25(10.0, 1.0)')",
    "INSERT INTO search_trigram(search_trigram, rank) VALUES('rank', 'bm25(10.0, 1.0)')",
    """CREATE TRIGGER IF NOT EXISTS search_document_ai AFTER INSERT ON search_document BEGIN
      INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
      INSERT INTO search_trigram(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_document_ad AFTER DELETE ON search_document BEGIN
      INSERT INTO search_fts(search_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
      INSERT INTO search_trigram(search_trigram, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_document_au AFTER UPDATE ON search_document BEGIN
      INSERT INTO search_fts(search_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
      INSERT INTO search_trigram(search_trigram, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
      INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
      INSERT INTO search_trigram(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES('rebuild')",
    "INSERT INTO search_trigram(search_trigram) VALUES('rebuild')",
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


class SqliteBackend(Backend):
    def install(self) -> None:
        with self.conn.cursor() as cursor:
            for statement in INSTALL:
                cursor.execute(statement)

    def uninstall(self) -> None:
        with self.conn.cursor() as cursor:
            for statement in UNINSTALL:
                cursor.execute(statement)

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

    def _fts_match(self, parsed: ParsedQuery) -> str:
        return " ".join(fts_phrase(t) + "*" for t in parsed.terms)

    def matched(self, parsed, where, params):
        cjk, cjk_params = self._cjk_conditions(parsed)
        conditions = " AND ".join([where, *cjk])
        if parsed.terms:
            return (
                "SELECT d.id FROM search_fts f JOIN search_document d ON d.id = f.rowid"
                f" WHERE search_fts MATCH %s AND {conditions}",
                [self._fts_match(parsed), *params, *cjk_params],
            )
        return f"SELECT d.id FROM search_document d WHERE {conditions}", [*params, *cjk_params]

    def hits(self, parsed, where, params, limit, offset):
        cjk, cjk_params = self._cjk_conditions(parsed)
        conditions = " AND ".join([where, *cjk])
        marks = [MARK_START, MARK_END]
        if parsed.terms:
            sql = (
                "SELECT d.id, d.kind, d.object_id, highlight(search_fts, 0, %s, %s),"
                " snippet(search_fts, 1, %s, %s, '…', 24), f.rank"
                " FROM search_fts f JOIN search_document d ON d.id = f.rowid"
                f" WHERE search_fts MATCH %s AND {conditions}"
                " ORDER BY f.rank LIMIT %s OFFSET %s"
            )
            args = [*marks, *marks, self._fts_match(parsed), *params, *cjk_params, limit, offset]
        else:
            body = "d.body" if parsed.cjk else "substr(d.body, 1, 240)"
            sql = (
                f"SELECT d.id, d.kind, d.object_id, d.title, {body}, 0"
                f" FROM search_document d WHERE {conditions}"
                " ORDER BY d.sort_date DESC, d.id DESC LIMIT %s OFFSET %s"
            )
            args = [*params, *cjk_params, limit, offset]
        with self.conn.cursor() as cursor:
            cursor.execute(sql, args)
            rows = cursor.fetchall()
        hits = []
        for doc_id, kind, object_id, title, snippet, rank in rows:
            if parsed.cjk:
                title, snippet = mark_runs(title, parsed.cjk), cjk_snippet(snippet, parsed.cjk)
            hits.append(
                Hit(doc_id, kind, object_id, marked_to_html(title), marked_to_html(snippet), -rank)
            )
        return hits
