"""The one search: full text with ranking, prefix matching, stemming and stop words in the six UN
languages, highlighted snippets and facet counts, over whatever documents the domain apps have
indexed; and what to suggest when a search finds nothing."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import cast

import numpy as np
from django.db import close_old_connections, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.utils import translation

from . import analysis, ann, bridge, embedding, vectors
from .backends import SearchResult, backend_for
from .backends.base import SOME
from .query import ParsedQuery, closest, parse

SUGGESTIONS = 3  # spelling suggestions offered for a query that found nothing


def interface_language() -> str | None:
    """The language of the page or API request (its two-letter code), for query analysis."""
    language = (translation.get_language() or "").split("-")[0].lower()
    return language if language in analysis.LANGUAGES else None


def search(
    query: str | None,
    *,
    kinds: Iterable[str] = (),
    filters: dict[str, list[str]] | None = None,
    facets: Iterable[str] = (),
    limit: int = 20,
    offset: int = 0,
    match: str | None = None,
    language: str | None = None,
    semantic: bool = False,
) -> SearchResult:
    """Rank documents matching `query` (all when empty, newest first), filtered by facet values
    (any value within a facet, every facet), with counts for `facets` over all matches.

    Every word of the query must match, unless fewer than `backends.base.FEW` documents have them
    all: then documents with any of the words are ranked too (`result.match == "some"`); `match`
    forces either ("all", "some"). Words are analysed for the interface `language` (default: the
    active one) and the language the query's script shows (analysis.py).

    `semantic`: hybrid ranking (ADR 0008) when an embedder is configured and vectors are
    stored: the lexical ranking and the query's nearest vectors are fused (`hybrid`)."""
    language = language or interface_language()
    parsed = parse(query, language)
    backend = backend_for(connection)
    model = vectors.embedder() if semantic and not parsed.empty else None
    index = vectors.index(model) if model is not None else None
    if model is None or index is None or not len(index):
        return backend.search(
            parsed,
            kinds=kinds,
            filters=filters or {},
            facets=facets,
            match=match,
            limit=limit,
            offset=offset,
        )
    return hybrid(
        parsed,
        model,
        index,
        kinds=kinds,
        filters=filters or {},
        facets=facets,
        match=match,
        limit=limit,
        offset=offset,
        interface=language,
    )


RRF_DEPTH = 40
"""How many of each ranking (lexical, vectors) are fused; past this, the lexical order goes on."""
WEAK_WORDS = 0.5
"""The weight in the fusion of a word ranking that matched only some of the words, or only
their English counterparts (`bridge`): on the evaluation's 120 queries (README), 0.5 lifted
hybrid's nDCG@10 from 0.654 to 0.675 (French 0.648 -> 0.712, Spanish 0.613 -> 0.659), English
0.744 -> 0.739; 0.3 gave about the same (0.676)."""
VECTOR_ONLY = 10
"""At most this many documents the lexical search did not match join a result (the nearest)."""


_EMBEDDING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="query-vector")


def _new_executor() -> None:
    """A forked worker (gunicorn) gets its own thread: the parent's does not exist in it."""
    global _EMBEDDING
    _EMBEDDING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="query-vector")


os.register_at_fork(after_in_child=_new_executor)
_QUERY_VECTORS: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_QUERY_VECTORS_LOCK = threading.Lock()
QUERY_VECTORS_KEPT = 2048


def query_vector(model: embedding.Embedder, text: str) -> np.ndarray:
    """The vector of a query text, the last QUERY_VECTORS_KEPT kept per process: people repeat
    queries (and pages ask again for their next page), and the model costs ~10 ms a query."""
    key = (model.name, text)
    with _QUERY_VECTORS_LOCK:
        vector = _QUERY_VECTORS.get(key)
        if vector is not None:
            _QUERY_VECTORS.move_to_end(key)
            return vector
    vector = model.embed([text])[0]
    vector.setflags(write=False)
    with _QUERY_VECTORS_LOCK:
        _QUERY_VECTORS[key] = vector
        while len(_QUERY_VECTORS) > QUERY_VECTORS_KEPT:
            _QUERY_VECTORS.popitem(last=False)
    return vector


def _vector_side(
    model: embedding.Embedder,
    index: embedding.VectorIndex | ann.ApproximateIndex,
    text: str,
    allowed: int,
    rerank: bool,
) -> tuple[np.ndarray, list[int] | list[embedding.Neighbour]]:
    """What hybrid ranking needs of the vectors, for the other thread: the query's vector, and
    its nearest (exact index) or the graph's candidates (approximate), re-ranked here when
    `rerank`: their stored vectors read on this thread's own database connection while the
    request's ranks the words (the database works on another core meanwhile)."""
    vector = query_vector(model, text)
    if not isinstance(index, ann.ApproximateIndex):
        return vector, index.nearest(vector, RRF_DEPTH, allowed=allowed)
    candidates = index.candidates(vector, RRF_DEPTH, allowed=allowed)
    if not rerank:
        return vector, candidates
    close_old_connections()  # this thread's connection: replaced when broken or too old
    return vector, index.rerank(vector, candidates, RRF_DEPTH, allowed)


def close_vector_connections() -> None:
    """Close the vector thread's database connections (it keeps them between searches): before
    the database goes away, as a test run's does."""
    _EMBEDDING.submit(connections.close_all).result()


def _reads_apart(conn: BaseDatabaseWrapper) -> bool:
    """Whether another connection reads what the request's does: not inside a transaction
    (whose uncommitted writes only its own connection sees, as in tests), not an in-memory
    database (another connection's is another database)."""
    if conn.in_atomic_block:
        return False
    return not (conn.vendor == "sqlite" and conn.is_in_memory_db())  # type: ignore[attr-defined]


def _normal(text: str) -> str:
    return " ".join(analysis.WORD.findall(text.casefold()))


def hybrid(
    parsed: ParsedQuery,
    model: embedding.Embedder,
    index: embedding.VectorIndex | ann.ApproximateIndex,
    *,
    kinds: Iterable[str],
    filters: dict[str, list[str]],
    facets: Iterable[str],
    match: str | None,
    limit: int,
    offset: int,
    interface: str | None = None,
) -> SearchResult:
    """Lexical and semantic rankings fused by reciprocal rank fusion, a document whose title is
    the query first.

    The head of the list (its first RRF_DEPTH documents) is the fusion of the lexical top
    RRF_DEPTH and the RRF_DEPTH nearest vectors within the same kinds and filters, those at
    least `model.threshold` similar; documents only the vectors found are added to the total
    and the facet counts. Past the head, the lexical ranking goes on, without what the head
    showed (it ranks them anyway, and returns them without highlighting)."""
    backend = backend_for(connection)
    facets = list(facets)
    kinds = list(kinds)
    # The query's vector is computed on another thread while the database ranks the words: the
    # model spends most of its time in numpy and the database in C, both without the GIL.
    bridged = bridge.expansion(parsed.text, interface)
    allowed = backend.scope(kinds, filters, facets)
    approximate = isinstance(index, ann.ApproximateIndex)
    rerank_apart = approximate and _reads_apart(connection)
    pending = _EMBEDDING.submit(
        _vector_side, model, index, f"{parsed.text}\n{bridged}".strip(), allowed, rerank_apart
    )

    def words_top(ranked: ParsedQuery, match: str | None) -> SearchResult:
        return backend.search(
            ranked,
            kinds=kinds,
            filters=filters,
            facets=facets,
            match=match,
            limit=RRF_DEPTH,
            offset=0,
            highlight=False,
        )

    lexical = words_top(parsed, match)
    ranked = parsed
    if not lexical.total and bridged:
        # The words found nothing (a foreign word, English documents): their English
        # counterparts from the vocabularies' titles rank documents by any of them instead.
        ranked, match = parse(bridged, "en"), "some"
        lexical = words_top(ranked, match)
    vector, side = pending.result()
    found: list[embedding.Neighbour]
    if approximate and not rerank_apart:  # the re-ranking reads the request's database
        found = cast(ann.ApproximateIndex, index).rerank(
            vector, cast(list[int], side), RRF_DEPTH, allowed
        )
    else:
        found = cast(list[embedding.Neighbour], side)
    nearest = []
    added = 0
    for n in found:
        if n.similarity < model.threshold:
            break
        if (lexical.matched >> n.document_id) & 1:
            nearest.append(n)
        elif added < VECTOR_ONLY:  # a few the words missed: other languages, other wording
            nearest.append(n)
            added += 1
    lexical_ids = [h.document_id for h in lexical.hits]
    # Words that matched only in part, or only through their English counterparts, are weaker
    # evidence than the query's own words all found: their ranking counts for less.
    weak = lexical.match == SOME or ranked is not parsed
    head = embedding.reciprocal_rank_fusion(
        lexical_ids,
        [n.document_id for n in nearest],
        weights=(WEAK_WORDS if weak else 1.0, 1.0),
    )
    head = head[:RRF_DEPTH]
    # Read once: their titles put an exact title first, the page's are highlighted.
    documents = backend.documents(head)
    wanted = _normal(parsed.text)
    head.sort(key=lambda d: d not in documents or _normal(documents[d][3]) != wanted)  # stable
    # Documents the lexical search did not match at all (one past its top may be a match).
    extra = [d for d in head if not (lexical.matched >> d) & 1]
    total = lexical.total + len(extra)
    counts = {facet: dict(values) for facet, values in lexical.facets.items()}
    for facet, added_counts in backend.facet_counts_of(facets, extra).items():
        for value, count in added_counts.items():
            counts.setdefault(facet, {})[value] = counts.get(facet, {}).get(value, 0) + count
    similarity = {n.document_id: n.similarity for n in nearest}
    page_ids = head[offset : offset + limit]
    if offset + limit > len(head):
        shown = set(head)
        skip = max(0, offset - len(head))
        if lexical.total <= len(lexical.hits):
            # The words' top already holds every match, in the order a longer one would have.
            rest = lexical.hits
        else:
            rest = backend.search(
                ranked,
                kinds=kinds,
                filters=filters,
                match=match,
                limit=offset + limit,
                offset=0,
                highlight=False,
            ).hits
        following = [h.document_id for h in rest if h.document_id not in shown]
        page_ids += following[skip : skip + limit - len(page_ids)]
    hits = backend.highlight(ranked, [(d, similarity.get(d, 0.0)) for d in page_ids], documents)
    return SearchResult(
        hits=hits,
        total=total,
        facets={
            facet: sorted(values.items(), key=lambda item: (-item[1], item[0]))
            for facet, values in counts.items()
        },
        match=lexical.match,
        all_words=lexical.all_words,
        words=lexical.words,
    )


@dataclass(frozen=True)
class SimilarDocument:
    document_id: int
    kind: str
    object_id: int
    score: float


def similar_documents(
    kind: str, object_id: int, *, kinds: Iterable[str] = (), limit: int = 5
) -> list[SimilarDocument]:
    """The documents (within `kinds`) nearest to the document (`kind`, `object_id`): by their
    vectors when the embedder is on and the document has one, else none."""
    model = vectors.embedder()
    if model is None:
        return []
    with connection.cursor() as cursor:
        # The index's version in the same statement: one round trip fewer on every detail page.
        cursor.execute(
            "SELECT d.id, v.vector, (SELECT s.version FROM search_vector_state s WHERE s.id = 1)"
            " FROM search_document d JOIN search_vector v ON v.document_id = d.id"
            " WHERE d.kind = %s AND d.object_id = %s AND v.model = %s",
            [kind, object_id, model.name],
        )
        row = cursor.fetchone()
    if row is None:
        return []
    document_id, data = int(row[0]), row[1]
    index = vectors.index(model, int(row[2] or 0))
    backend = backend_for(connection)
    allowed = backend.scope(list(kinds), {}) if kinds else None
    nearest = index.nearest(
        embedding.from_bytes(data, model.dimensions), limit, allowed=allowed, exclude=document_id
    )
    rows = document_objects([n.document_id for n in nearest])
    return [
        SimilarDocument(n.document_id, *rows[n.document_id], round(n.similarity, 3))
        for n in nearest
        if n.document_id in rows
    ]


_DOCUMENT_OBJECTS: OrderedDict[tuple[str, str, int], tuple[str, int]] = OrderedDict()
_DOCUMENT_OBJECTS_LOCK = threading.Lock()
DOCUMENT_OBJECTS_KEPT = 20_000


def document_objects(ids: list[int]) -> dict[int, tuple[str, int]]:
    """(kind, object id) of each of the documents `ids` that exist, the last
    DOCUMENT_OBJECTS_KEPT kept per process: a detail page's similar records are the same few
    documents again and again, and a statement costs more than the rest of their lookup.

    Safe to keep: a document's id, kind and object id never change together (an upsert keeps
    the row; ids are never reused: PostgreSQL's sequences, SQLite's AUTOINCREMENT). Only rows
    read outside a transaction are kept: one that is rolled back could give its ids again
    (SQLite), and its rows were never there. A kept document deleted since is still named here;
    the vectors' version drops it from the nearest, and callers load the objects themselves."""
    database = (connection.alias, str(connection.settings_dict.get("NAME")))
    found: dict[int, tuple[str, int]] = {}
    with _DOCUMENT_OBJECTS_LOCK:
        for i in ids:
            kept = _DOCUMENT_OBJECTS.get((*database, i))
            if kept is not None:
                found[i] = kept
    missing = [i for i in ids if i not in found]
    if not missing:
        return found
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, kind, object_id FROM search_document"
            f" WHERE id IN ({', '.join(['%s'] * len(missing))})",
            missing,
        )
        read = {int(pk): (k, int(o)) for pk, k, o in cursor.fetchall()}
    found.update(read)
    if not connection.in_atomic_block:
        with _DOCUMENT_OBJECTS_LOCK:
            for i, value in read.items():
                _DOCUMENT_OBJECTS[(*database, i)] = value
            while len(_DOCUMENT_OBJECTS) > DOCUMENT_OBJECTS_KEPT:
                _DOCUMENT_OBJECTS.popitem(last=False)
    return found


def spelling_suggestions(
    query: str | None,
    *,
    kinds: Iterable[str] = (),
    filters: dict[str, list[str]] | None = None,
    language: str | None = None,
) -> list[tuple[str, int]]:
    """Queries like `query` with its unknown words replaced by the closest words of the index
    (edit distance, then how common), each with how many documents it finds within `kinds` and
    `filters`; at most SUGGESTIONS, the most found first. Empty when every word is known."""
    parsed = parse(query, language or interface_language())
    words = [g.text for g in parsed.groups if not g.cjk]
    if not words:
        return []
    backend = backend_for(connection)
    known = {g.text for g, found in zip(parsed.groups, backend.known(parsed), strict=True) if found}
    unknown = [w for w in words if w not in known]
    if not unknown:
        return []
    with connection.cursor() as cursor:
        options = {word: closest(word, _vocabulary(cursor, word)) for word in unknown}
    candidates: list[str] = []
    text = parsed.text
    for rank in range(SUGGESTIONS):
        replaced = text
        changed = False
        for word in unknown:
            choices = options[word]
            if choices:
                replacement = choices[min(rank, len(choices) - 1)]
                replaced = _replace_word(replaced, word, replacement)
                changed = True
        if changed and replaced not in candidates and replaced != text:
            candidates.append(replaced)
    found = []
    for candidate in candidates:
        total = search(candidate, kinds=kinds, filters=filters, limit=0, language=language).total
        if total:
            found.append((candidate, total))
    return sorted(found, key=lambda item: -item[1])[:SUGGESTIONS]


def _vocabulary(cursor: CursorWrapper, word: str) -> list[tuple[str, int]]:
    """Words of the index that may be within two edits of `word`: of a similar length, and
    sharing its first or its second letter (a typo rarely changes both)."""
    n = len(word)
    cursor.execute(
        "SELECT word, documents FROM search_term WHERE documents > 0 AND word != ''"
        " AND length(word) BETWEEN %s AND %s"
        " AND (substr(word, 1, 1) = %s OR substr(word, 2, 1) = %s)",
        [max(1, n - 2), n + 2, word[:1], word[1:2]],
    )
    return [(w, int(d)) for w, d in cursor.fetchall()]


def _replace_word(text: str, word: str, replacement: str) -> str:
    """`text` with the first occurrence of `word` (case-insensitive, whole word) replaced."""
    for match in analysis.WORD.finditer(text):
        if match.group().casefold() == word:
            return text[: match.start()] + replacement + text[match.end() :]
    return text


def index_terms(text: str, language: str = "en") -> list[str]:
    """`text` as the index analyses it (stemmed terms, stop words dropped, per script and
    language): for apps that compare texts the way search does (e.g. knowledge's tagger)."""
    return analysis.analyser(language).terms(text, {})
