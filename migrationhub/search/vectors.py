"""The embedder this process uses and its vector index, kept current against the database.

`embedder()` is chosen by the MIGRATIONHUB_EMBEDDER setting: "use" (the production model,
`embedding.UniversalSentenceEncoder`), "hashing" (the test double) or "" (no semantic search:
lexical only). `index()` returns the index of every stored vector of that model, read again only
when `search_vector_state.version` changed (one small query per search), like the facet bitsets
(`backends.base.BitmapCache`): below MIGRATIONHUB_ANN_MIN vectors the exact one in memory, past
it the approximate one (`ann.py`, ADR 0012): the latest graph the background task stored
(`search_vector_graph`), copied once to this machine's MIGRATIONHUB_VECTOR_DIR and mapped by
every worker, beside the exact index of the vectors written since.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import threading
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection, connections

from . import ann, embedding

_LOCK = threading.Lock()
_INDEXES: dict[tuple[str, str, str], tuple[int, embedding.VectorIndex | ann.ApproximateIndex]] = {}


@functools.cache
def _embedder(kind: str) -> embedding.Embedder | None:
    if kind == "use":
        return embedding.UniversalSentenceEncoder()
    if kind == "hashing":
        return embedding.HashingEmbedder()
    return None


def embedder() -> embedding.Embedder | None:
    """The configured embedder, or None when semantic search is off: the setting
    MIGRATIONHUB_EMBEDDER if a settings module sets it, else the environment variable of that
    name, else "use"."""
    kind = getattr(settings, "MIGRATIONHUB_EMBEDDER", None)
    if kind is None:
        kind = os.environ.get("MIGRATIONHUB_EMBEDDER", "use")
    return _embedder(kind.strip().lower())


def ann_min() -> int:
    """From how many vectors of a model on the approximate index serves (`ann.py`, ADR 0012):
    below, the exact index is fast enough (about 2 ms at 20k) and needs no build."""
    return int(settings.MIGRATIONHUB_ANN_MIN)


def graph_directory() -> Path:
    """Where this machine keeps its copies of the approximate indexes (a cache: rebuilt from
    the database when missing)."""
    return Path(settings.MIGRATIONHUB_VECTOR_DIR)


def version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM search_vector_state WHERE id = 1")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def index(
    model: embedding.Embedder, current: int | None = None
) -> embedding.VectorIndex | ann.ApproximateIndex:
    """Every stored vector of `model`, as of the database's current version (`current` when
    the caller read it with a statement of its own): the approximate index when there are at
    least `ann_min()` and a graph has been built, else the exact one."""
    key = (connection.alias, str(connection.settings_dict.get("NAME")), model.name)
    if current is None:
        current = version()
    cached = _INDEXES.get(key)
    if cached is not None and cached[0] == current:
        return cached[1]
    built: embedding.VectorIndex | ann.ApproximateIndex | None = _approximate(model.name)
    if built is None:
        ids, matrix, _ = read_all(model.name, model.dimensions)
        built = embedding.VectorIndex(ids, matrix)
    with _LOCK:
        _INDEXES[key] = (current, built)
    return built


def read_all(
    model_name: str, dimensions: int | None = None, *, newer_than: int = -1
) -> tuple[list[int], np.ndarray, int]:
    """The stored vectors of a model (those written after `newer_than`), in document order, as
    (ids, matrix, the highest write sequence among them): one query, one snapshot."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document_id, vector, seq FROM search_vector WHERE model = %s AND seq > %s"
            " ORDER BY document_id",
            [model_name, newer_than],
        )
        rows = cursor.fetchall()
    if not rows:
        return [], np.zeros((0, dimensions or 0), dtype=np.float32), 0
    data = b"".join(bytes(v) for _, v, _ in rows)
    matrix = np.frombuffer(data, dtype="<f4").reshape(len(rows), -1)
    return [int(pk) for pk, _, _ in rows], matrix, max(int(seq) for _, _, seq in rows)


def _approximate(model_name: str) -> ann.ApproximateIndex | None:
    """The approximate index of the model's latest graph, or None (too few vectors, no graph)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM search_vector WHERE model = %s", [model_name])
        total = int(cursor.fetchone()[0])
        if total < ann_min():
            return None
        cursor.execute(
            "SELECT id, seq FROM search_vector_graph WHERE model = %s ORDER BY seq DESC, id DESC",
            [model_name],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    graph_id, seq = int(row[0]), int(row[1])
    path = _graph_file(model_name, graph_id)
    if path is None:
        return None
    ids, matrix, _ = read_all(model_name, newer_than=seq)
    return ann.ApproximateIndex(
        path, _fetcher(connection.alias, model_name), embedding.VectorIndex(ids, matrix), total
    )


def _graph_file(model_name: str, graph_id: int) -> Path | None:
    """This machine's copy of the graph `graph_id`, written from the database the first time
    (atomically: workers racing write the same bytes); older copies of the database's graphs
    removed (a worker still mapping one keeps it until it moves on)."""
    database = connection.settings_dict
    identity = f"{database.get('HOST')}:{database.get('PORT')}/{database.get('NAME')}"
    prefix = hashlib.sha256(f"{identity}/{model_name}".encode()).hexdigest()[:16]
    directory = graph_directory()
    path = directory / f"{prefix}-{graph_id}.usearch"
    if path.exists():
        return path
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM search_vector_graph WHERE id = %s", [graph_id])
        row = cursor.fetchone()
    if row is None:  # replaced meanwhile: the next search reads the newer one
        return None
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".copying-")
    with os.fdopen(handle, "wb") as out:
        out.write(bytes(row[0]))
    os.replace(temporary, path)
    for old in directory.glob(f"{prefix}-*.usearch"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def _fetcher(alias: str, model_name: str) -> ann.Fetch:
    """Reads the current vectors of given documents (for re-ranking the graph's candidates)."""

    def fetch(ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        found: list[int] = []
        chunks: list[bytes] = []
        database = connections[alias]
        with database.cursor() as cursor:
            if database.vendor == "postgresql":
                rows = _binary_rows(database, cursor, model_name, ids)
            else:
                rows = []
                for start in range(0, len(ids), 500):
                    part = ids[start : start + 500]
                    cursor.execute(
                        "SELECT document_id, vector FROM search_vector WHERE model = %s"
                        f" AND document_id IN ({', '.join(['%s'] * len(part))})",
                        [model_name, *part],
                    )
                    rows += cursor.fetchall()
            for pk, vector in rows:
                found.append(int(pk))
                chunks.append(bytes(vector))
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        matrix = np.frombuffer(b"".join(chunks), dtype="<f4").reshape(len(found), -1)
        return np.asarray(found, dtype=np.int64), matrix

    return fetch


def _binary_rows(database, cursor, model_name: str, ids: list[int]) -> list[tuple]:
    """The vectors of `ids` from PostgreSQL in binary: 2 KB of bytes each rather than 4 KB of hex
    to decode (re-ranking 200 candidates at 100k: 4.6 -> 2.1 ms). Django's cursors bind on the
    client, which allows text results only, so the driver's own cursor reads them, on the same
    connection (and transaction)."""
    import psycopg

    with database.wrap_database_errors, psycopg.Cursor(cursor.cursor.connection) as raw:
        raw.execute(
            "SELECT document_id, vector FROM search_vector"
            " WHERE model = %s AND document_id = ANY(%s)",
            [model_name, ids],
            binary=True,
        )
        return raw.fetchall()
