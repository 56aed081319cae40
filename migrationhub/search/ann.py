"""The approximate nearest-neighbour index, for collections too large to compare every vector
with the query (ADR 0012): a usearch HNSW graph in a file, memory-mapped, beside an exact index
of the vectors written since the graph was built, each answer re-ranked by the true vectors.

Why: the exact index (`embedding.VectorIndex`) reads every vector for every query, 205 MB at
100k documents, and holds them in every worker (2 GB per process at 1M). The graph answers in
about a millisecond by visiting a few thousand vectors; the file is mapped read-only, so every
worker on a machine shares one copy in the operating system's page cache.

What it trades, and how that is bounded: the graph is approximate and its vectors are stored at
one byte per dimension, so it is asked for `CANDIDATES` times more neighbours than wanted and those are
scored again with the stored float32 vectors (`fetch`), which puts the true nearest first and
gives exact similarities. The tests check that the top results are those of the exact index on
a fixed set, and `bench/search_bench.py` reports the overlap at 100k. Documents removed or
re-embedded since the build are dropped or re-scored by `fetch`, which returns only current
vectors; documents added since are found by the exact `delta`. Filters are applied to what the
graph returns; a narrow filter (few allowed documents) is searched exactly instead.

This module knows no Django: `vectors.py` builds the file from the database and supplies `fetch`.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from . import bitmaps
from .embedding import Neighbour, VectorIndex

CANDIDATES = 5
"""The graph is asked for this many times the neighbours wanted (at least MIN_CANDIDATES)."""
MIN_CANDIDATES = 200
EXACT_BELOW = 4000
"""A filter allowing fewer documents than this is searched exactly among them."""
MAX_CANDIDATES = 20_000
CONNECTIVITY = 16  # edges per node: usearch's default, a good recall for its size
EXPANSION_ADD = 128  # breadth while building: higher builds slower and finds better edges
EXPANSION_SEARCH = 800  # breadth while searching (at least twice the candidates asked for)
DTYPE = "i8"  # a byte per dimension (512 B per vector), candidates re-ranked in float32

Fetch = Callable[[list[int]], tuple[np.ndarray, np.ndarray]]
"""ids -> (the ids that still have a vector, their float32 unit vectors as rows)."""


def build(
    ids: Iterable[int],
    matrix: np.ndarray,
    path: Path,
    *,
    threads: int = 0,
    progress: Callable[[int, int], bool] | None = None,
) -> Path:
    """Write the graph of these vectors (rows of `matrix`, keyed by `ids`) to `path`, atomically:
    a reader never maps a half-written file."""
    from usearch.index import Index

    keys = np.asarray(list(ids), dtype=np.uint64)
    graph = Index(
        ndim=matrix.shape[1],
        metric="cos",
        dtype=DTYPE,
        connectivity=CONNECTIVITY,
        expansion_add=EXPANSION_ADD,
        expansion_search=EXPANSION_SEARCH,
    )
    if len(keys):
        graph.add(
            keys, np.ascontiguousarray(matrix, dtype=np.float32), threads=threads, progress=progress
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".building-", suffix=".usearch")
    os.close(handle)
    try:
        graph.save(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


def to_bytes(path: Path) -> bytes:
    return Path(path).read_bytes()


class ApproximateIndex:
    """The graph in `path` (mapped, shared), plus `delta`, the exact index of vectors newer than
    the graph; `fetch` reads current vectors for re-ranking. Same interface as VectorIndex."""

    def __init__(self, path: Path, fetch: Fetch, delta: VectorIndex, size: int):
        from usearch.index import Index

        self.path = Path(path)
        self.graph = Index.restore(str(self.path), view=True)
        self.fetch = fetch
        self.delta = delta
        self.size = size  # the vectors of the model in the database now

    def __len__(self) -> int:
        return self.size

    def nearest(
        self, query: np.ndarray, k: int, *, allowed: int | None = None, exclude: int = -1
    ) -> list[Neighbour]:
        """The `k` documents closest to `query` among `allowed` (a bitset of document ids; None:
        any), `exclude` left out, with their exact similarities; ties by document id."""
        return self.rerank(query, self.candidates(query, k, allowed=allowed), k, allowed, exclude)

    def candidates(self, query: np.ndarray, k: int, *, allowed: int | None = None) -> list[int]:
        """The graph's candidates for the `k` nearest (within `allowed`): no database read, so a
        search can ask for them while the database ranks the words."""
        if k <= 0 or (allowed is not None and allowed <= 0) or not len(self.graph):
            return []
        query = np.asarray(query, dtype=np.float32)
        graph_size = len(self.graph)
        wanted = max(MIN_CANDIDATES, CANDIDATES * k)
        share = 1.0
        if allowed is not None:
            inside = allowed.bit_count()
            if inside < EXACT_BELOW:
                return self._closest_among(query, _ids_of(allowed), wanted)
            share = max(inside / graph_size, 1e-9)
        count = min(graph_size, MAX_CANDIDATES, math.ceil(wanted / share))
        while True:
            keys = self._search(query, count)
            found = (keys if allowed is None else keys[bitmaps.contains(allowed, keys)]).tolist()
            # Enough allowed candidates, or the whole graph was asked: done.
            if len(found) >= wanted or count >= min(graph_size, MAX_CANDIDATES):
                return found
            count = min(graph_size, MAX_CANDIDATES, count * 4)

    def rerank(
        self,
        query: np.ndarray,
        candidates: list[int],
        k: int,
        allowed: int | None = None,
        exclude: int = -1,
    ) -> list[Neighbour]:
        """The best `k` of the graph's `candidates` and of the vectors newer than the graph, by
        their current float32 vectors (read by `fetch`: removed documents drop out)."""
        if k <= 0 or (allowed is not None and allowed <= 0):
            return []
        query = np.asarray(query, dtype=np.float32)
        found = [d for d in candidates if d != exclude]
        ids, matrix = self.fetch(found) if found else (np.zeros(0, np.int64), None)
        scored = dict(zip(ids.tolist(), (matrix @ query).tolist(), strict=True)) if len(ids) else {}
        for n in self.delta.nearest(query, k, allowed=allowed, exclude=exclude):
            scored[n.document_id] = n.similarity
        ranked = sorted(scored.items(), key=lambda item: (-item[1], item[0]))[:k]
        return [Neighbour(d, float(s)) for d, s in ranked]

    def _closest_among(self, query: np.ndarray, ids: list[int], count: int) -> list[int]:
        """The `count` of `ids` closest to `query` by the graph's own (quantised) vectors:
        every allowed document compared, as the exact index would."""
        if not ids:
            return []
        stored = self.graph.get(np.asarray(ids, dtype=np.uint64), dtype=np.float32)
        if not isinstance(stored, tuple):
            stored = (stored,)
        present = [(d, v) for d, v in zip(ids, stored, strict=True) if v is not None]
        if not present:
            return []
        scores = np.stack([v for _, v in present]) @ query
        best = np.argsort(-scores, kind="stable")[:count]
        return [present[i][0] for i in best]

    def _search(self, query: np.ndarray, count: int) -> np.ndarray:
        self.graph.expansion_search = max(EXPANSION_SEARCH, 2 * count)
        return self.graph.search(query, count).keys.astype(np.int64)


def _ids_of(bits: int) -> list[int]:
    raw = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    return np.flatnonzero(
        np.unpackbits(np.frombuffer(raw, dtype=np.uint8), bitorder="little")
    ).tolist()
