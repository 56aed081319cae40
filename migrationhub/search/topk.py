"""Ranking the best k of many matches without scoring every one: champion lists (no Django).

A broad query matches tens of thousands of documents, and scoring them all (bm25 in FTS5,
`ts_rank` in PostgreSQL) costs more than the whole search may. Scoring only the newest of them, as
the engine once did, let recency decide which documents were ranked. Instead, each index term keeps
its *champions*: the `CHAMPIONS` documents in which the term weighs most, by the term's share of the
ranking function (its impact: bm25's saturated, length-normalised frequency on SQLite, `ts_rank`'s
position-weighted frequency on PostgreSQL; the title counts as the ranking counts it). A document
that is in no champion list of a query's terms has, for every term, at most the impact of the
weakest champion (the list's `floor`), so it can rarely outscore the champions that match the query.
The candidates of a query are therefore the champions of its terms (of each index term a prefix
stands for) among its matches; the database scores just those, exactly. On the benchmark's 100k
documents this reaches the exhaustive ranking's top 20 (`overlap`) with a few thousand candidates
instead of tens of thousands (bench/search_bench.py, README).

Lists are kept by `search.services` as documents are written (a document enters a list when it beats
the floor; a stale entry is harmless, as candidates are re-scored and filtered by the matches) and
rebuilt whole by `search-rebuild`. Stored as bytes: ids (int64), then impacts (float32), best first.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import Counter
from collections.abc import Iterable
from itertools import pairwise

import numpy as np

from . import bitmaps

CHAMPIONS = 3000
"""Documents kept per term. With 3,000, scoring the best 1,000 candidates reached an overlap@20 of
0.99 on the benchmark on both databases; with 1,000, PostgreSQL needed twice the candidates for
0.98 (README)."""

K1, B = 1.2, 0.75  # FTS5's bm25 constants
TITLE_WEIGHT = 10.0  # the rank function of the FTS5 table: bm25(10.0, 1.0)
TS_WEIGHTS = (1.0, 0.4)  # ts_rank's default weights of A (title) and B (body)
TS_MAX_POSITIONS = 256  # PostgreSQL keeps at most 256 positions per lexeme
TS_NORMALISER = 1.64493406685  # π²/6, by which ts_rank divides a term's weighted positions

Entry = tuple[float, int]  # (impact, document id)


def bm25_impact(title_tf, body_tf, length, avgdl: float):
    """A term's bm25 share (before idf) in a document of `length` tokens, as FTS5 computes it
    (numbers or numpy arrays of them)."""
    freq = TITLE_WEIGHT * title_tf + body_tf
    return freq * (K1 + 1) / (freq + K1 * (1 - B + B * length / max(avgdl, 1.0)))


# _TS_SUMS[k]: the sum of 1/j² for j = 1..k (ts_rank's weights of a lexeme's first k positions)
_TS_SUMS = np.concatenate([[0.0], np.cumsum(1 / np.arange(1, TS_MAX_POSITIONS + 1) ** 2)])


def ts_rank_impact(title_tf, body_tf, length=0, avgdl: float = 0.0):
    """A term's `ts_rank(…, 1)` in a document: its positions weighted A (title, first) then B
    (body), the j-th divided by j², normalised as PostgreSQL does, and divided by log2 of the
    document's length + 1 (normalisation 1: without it, every document with the word once in its
    title would tie); numbers or numpy arrays of them."""
    title_tf = np.asarray(title_tf, dtype=np.int64)
    title = np.minimum(title_tf, TS_MAX_POSITIONS)
    every = np.minimum(title_tf + np.asarray(body_tf, dtype=np.int64), TS_MAX_POSITIONS)
    in_title = _TS_SUMS[title]
    total = TS_WEIGHTS[0] * in_title + TS_WEIGHTS[1] * (_TS_SUMS[every] - in_title)
    return total / TS_NORMALISER / np.maximum(np.log2(np.asarray(length, dtype=np.float64) + 1), 1)


def bm25_idf(documents: int, df: int) -> float:
    """FTS5's idf (never below 1e-6)."""
    df = min(df, documents)  # a prefix's count sums its terms': it can exceed the documents
    return max(math.log((documents - df + 0.5) / (df + 0.5)), 1e-6)


def idf(documents: int, df: int) -> float:
    """A positive idf (Lucene's), for weighting `ts_rank` by how rare each word is."""
    return math.log(1 + (max(documents - df, 0) + 0.5) / (df + 0.5))


# -- champion lists ---------------------------------------------------------------------------------


def encode(entries: list[Entry]) -> bytes:
    """A list of (impact, id), best first, as stored."""
    ids = array("q", [i for _, i in entries])
    impacts = array("f", [s for s, _ in entries])
    return ids.tobytes() + impacts.tobytes()


def decode(data: bytes | memoryview | None) -> list[Entry]:
    data = bytes(data or b"")
    n = len(data) // 12
    ids, impacts = array("q"), array("f")
    ids.frombytes(data[: 8 * n])
    impacts.frombytes(data[8 * n :])
    return list(zip(impacts, ids, strict=True))


def decode_dict(data: bytes | memoryview | None) -> dict[int, float]:
    """{document id: impact} of a stored list (built at C speed: a query reads a few thousand)."""
    data = bytes(data or b"")
    n = len(data) // 12
    ids, impacts = array("q"), array("f")
    ids.frombytes(data[: 8 * n])
    impacts.frombytes(data[8 * n :])
    return dict(zip(ids.tolist(), impacts.tolist(), strict=True))


def decode_arrays(data: bytes | memoryview | None) -> tuple[np.ndarray, np.ndarray]:
    """(ids, impacts) of a stored list, as numpy arrays."""
    data = bytes(data or b"")
    n = len(data) // 12
    ids = np.frombuffer(data, dtype=np.int64, count=n)
    impacts = np.frombuffer(data, dtype=np.float32, count=n, offset=8 * n).astype(np.float64)
    return ids, impacts


def decode_ids(data: bytes | memoryview | None) -> array:
    """Only the document ids of a stored list (what a query needs)."""
    data = bytes(data or b"")
    ids = array("q")
    ids.frombytes(data[: 8 * (len(data) // 12)])
    return ids


def best(entries: Iterable[Entry], size: int | None = None) -> list[Entry]:
    """The `size` (CHAMPIONS) best entries, best first; ties go to the newest document (highest
    id), as in the ranking itself."""
    return heapq.nlargest(size or CHAMPIONS, entries)


def merge(
    current: list[Entry], added: Iterable[Entry], removed: set[int], size: int | None = None
) -> list[Entry]:
    """A list with the documents `removed` taken out and the `added` entries in (replacing those
    documents' old entries), trimmed to the best `size`."""
    added = list(added)
    gone = removed | {i for _, i in added}
    return best([e for e in current if e[1] not in gone] + added, size)


def floor(entries: list[Entry], size: int | None = None) -> float:
    """The impact a new document must beat to enter a full list (0 when the list is not full)."""
    return float(entries[-1][0]) if len(entries) >= (size or CHAMPIONS) else 0.0


def overlap(found: list[int], reference: list[int], k: int = 20) -> float:
    """The share of the reference's top k that `found`'s top k holds (1.0 when the reference has
    fewer than one result)."""
    wanted = reference[:k]
    if not wanted:
        return 1.0
    return len(set(found[:k]) & set(wanted)) / len(wanted)


class ListsBuilder:
    """The champion lists of many documents at once (bulk loads, rebuilds), in numpy: the
    (term, document, frequencies) pairs are gathered, and every million or so reduced to each
    term's best CHAMPIONS, so memory stays bounded by the lists, not the corpus."""

    REDUCE_EVERY = 1_000_000

    def __init__(self, impact, documents: int = 0, tokens: int = 0, values=None):
        self.impact = impact  # (title_tf, body_tf, length, avgdl) -> impact, on arrays
        self.documents, self.tokens = documents, tokens
        # (title_tf, body_tf, length, avgdl) -> every pair's values kept with the postings
        # (Term.impacts, `Backend.posting_values`), or None: none kept
        self.values = values
        self.index: dict[str, int] = {}
        self.counts: Counter[int] = Counter()
        self._pending: list[list[int]] = [[], [], [], [], []]  # term, document, title, body, length
        self._kept = (np.empty(0, np.int64), np.empty(0, np.float64), np.empty(0, np.int64))
        # (term, document, impact or None), every pair
        self._postings: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]] = []

    def add(self, document_id: int, title_terms: list[str], body_terms: list[str]) -> None:
        in_title, in_body = Counter(title_terms), Counter(body_terms)
        terms = list(in_title.keys() | in_body.keys())
        length = len(title_terms) + len(body_terms)
        self.documents += 1
        self.tokens += length
        index = self.index
        ids = [index.setdefault(t, len(index)) for t in terms]
        self.counts.update(ids)
        pending = self._pending
        pending[0].extend(ids)
        pending[1].extend([document_id] * len(ids))
        pending[2].extend([in_title[t] for t in terms])
        pending[3].extend([in_body[t] for t in terms])
        pending[4].extend([length] * len(ids))
        if len(pending[0]) >= self.REDUCE_EVERY:
            self._reduce()

    def _reduce(self, avgdl: float | None = None) -> None:
        term, document, title, body, length = (np.asarray(column) for column in self._pending)
        self._pending = [[], [], [], [], []]
        avgdl = avgdl or self.tokens / max(self.documents, 1)
        impacts = np.asarray(self.impact(title, body, length, avgdl), dtype=np.float64)
        kept = None
        if self.values is not None:
            kept = np.asarray(self.values(title, body, length, avgdl), dtype=np.float32)
        self._postings.append((term.astype(np.int32), document.astype(np.int32), kept))
        kept_terms, kept_impacts, kept_documents = self._kept
        term = np.concatenate([kept_terms, term.astype(np.int64)])
        impacts = np.concatenate([kept_impacts, impacts])
        document = np.concatenate([kept_documents, document.astype(np.int64)])
        # By term, then impact and id descending (ties to the newest, as the ranking breaks them).
        order = np.lexsort((-document, -impacts, term))
        term, impacts, document = term[order], impacts[order], document[order]
        starts = np.flatnonzero(np.r_[True, term[1:] != term[:-1]])
        rank = np.arange(len(term)) - np.repeat(starts, np.diff(np.r_[starts, len(term)]))
        keep = rank < CHAMPIONS
        self._kept = (term[keep], impacts[keep], document[keep])

    def lists(
        self, avgdl: float | None = None
    ) -> dict[str, tuple[bytes, float, int, bytes, bytes]]:
        """{term: (stored list, floor, documents, stored postings, stored values)} of what was
        added (values b"" unless kept)."""
        self._reduce(avgdl)
        term, impacts, document = self._kept
        if not len(term):
            return {}
        names = {i: t for t, i in self.index.items()}
        postings = self._postings_by_term()
        out = {}
        bounds = np.flatnonzero(np.r_[True, term[1:] != term[:-1], True])
        for first, last in pairwise(bounds.tolist()):
            ids = document[first:last].astype(np.int64)
            scores = impacts[first:last].astype(np.float32)
            data = ids.tobytes() + scores.tobytes()
            floor = float(scores[-1]) if last - first >= CHAMPIONS else 0.0
            t = int(term[first])
            out[names[t]] = (data, floor, self.counts[t], *postings[t])
        return out

    def _postings_by_term(self) -> dict[int, tuple[bytes, bytes]]:
        """Each term's documents, stored (`bitmaps.encode_postings`), with their values in the
        same order (`encode_impacts`; b"" unless kept): every (term, document) pair added,
        sorted once."""
        if not self._postings:
            return {}
        term = np.concatenate([t for t, _, _ in self._postings])
        document = np.concatenate([d for _, d, _ in self._postings])
        impacts = None
        if self.values is not None:
            impacts = np.concatenate([i for _, _, i in self._postings if i is not None])
        self._postings = []
        order = np.lexsort((document, term))
        term, document = term[order], document[order]
        impacts = impacts[order] if impacts is not None else None
        bounds = np.flatnonzero(np.r_[True, term[1:] != term[:-1], True])
        return {
            int(term[first]): (
                bitmaps.encode_postings(document[first:last]),
                b"" if impacts is None else encode_impacts(impacts[first:last]),
            )
            for first, last in pairwise(bounds.tolist())
        }


# -- every document's values, beside the postings --------------------------------------------------
# Per posting, `width` float32 values: PostgreSQL keeps the term's `ts_rank` (its exact share of
# the score, width 1), SQLite the term's weighted frequency and the document's length (width 2,
# from which bm25 is computed with the current average length: its shares drift with every write).


def bm25_frequencies(title_tf, body_tf, length, avgdl: float = 0.0) -> np.ndarray:
    """What SQLite keeps per posting: the term's frequency weighted as the FTS5 table's rank
    weighs its columns (title 10x), and the document's length in tokens (rows of 2)."""
    freq = TITLE_WEIGHT * np.asarray(title_tf, dtype=np.float64) + np.asarray(body_tf)
    return np.column_stack(np.broadcast_arrays(freq, np.asarray(length, dtype=np.float64)))


def bm25_scores(freq: np.ndarray, length: np.ndarray, idf: float, avgdl: float) -> np.ndarray:
    """FTS5's bm25 share of one phrase (`fts5Bm25Function`): idf x f(k1 + 1) / (f + k1(1 - b +
    b D / avgdl)), f the phrase's weighted frequency in the document (0: no share), D its length."""
    norm = K1 * (1 - B + B * length / avgdl) if avgdl > 0 else K1 * (1 - B)
    return idf * freq * (K1 + 1) / (freq + norm)


def encode_impacts(impacts: np.ndarray) -> bytes:
    """A term's values in the order of its postings' ids (ascending), as stored: float32, one
    row of `width` per posting."""
    return np.asarray(impacts, dtype="<f4").tobytes()


def decode_impacts(data: bytes | memoryview | None, width: int = 1) -> np.ndarray:
    """Stored values: (n,) for a width of 1, else (n, width); none (0 rows) when the bytes are
    not whole rows."""
    values = np.frombuffer(bytes(data or b""), dtype="<f4")
    if width == 1:
        return values
    if len(values) % width:
        return np.empty((0, width), dtype="<f4")
    return values.reshape(-1, width)


def impacts_changed(
    postings: bytes | memoryview | None,
    impacts: bytes | memoryview | None,
    document_id: int,
    impact,
    width: int = 1,
) -> bytes:
    """A term's stored values (given its postings *before* the change) with `document_id`'s
    values set to `impact` (a number, or `width` of them), or taken out (None). b"" when the
    stored values do not follow the postings (an index from before them): they stay unused
    until a rebuild."""
    ids = bitmaps.posting_ids(postings)
    values = decode_impacts(impacts, width)
    if len(values) != len(ids):
        return b""
    at = int(np.searchsorted(ids, document_id))
    present = at < len(ids) and ids[at] == document_id
    if impact is None:
        return encode_impacts(np.delete(values, at, axis=0)) if present else encode_impacts(values)
    row = np.asarray(impact, dtype="<f4").reshape(values.shape[1:])
    if present:
        values = values.copy()
        values[at] = row
        return encode_impacts(values)
    return encode_impacts(np.insert(values, at, row, axis=0))


def impacts_merged(
    postings: bytes | memoryview | None,
    impacts: bytes | memoryview | None,
    added_postings: bytes,
    added_impacts: bytes,
    width: int = 1,
) -> bytes:
    """The stored values of two stored postings of different documents, as one (b"" when
    either's values do not follow its postings)."""
    ids, values = bitmaps.posting_ids(postings), decode_impacts(impacts, width)
    more, more_values = bitmaps.posting_ids(added_postings), decode_impacts(added_impacts, width)
    if len(values) != len(ids) or len(more_values) != len(more):
        return b""
    order = np.argsort(np.concatenate([ids, more]), kind="stable")
    return encode_impacts(np.concatenate([values, more_values])[order])


def merge_stored(current: bytes | memoryview, added: bytes) -> tuple[bytes, float]:
    """Two stored lists of different documents as one (the best CHAMPIONS), and its floor."""
    entries = best(decode(current) + decode(added))
    return encode(entries), floor(entries)
